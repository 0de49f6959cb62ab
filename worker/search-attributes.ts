/**
 * bulkflow's workflows keep typed search attributes up to date; a server that does not know them
 * fails every workflow task. The worker checks at start-up, registers them where it may (dev
 * servers, self-hosted), and otherwise refuses to start with the command that fixes it.
 */
// Not re-exported from the package root in 1.24; the module is public API of @temporalio/common all the same.
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import type { NativeConnection } from '@temporalio/worker';
import { SearchAttributes } from '../workflows/contract.js';

const CLI_TYPE: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList' };

/** `--search-attribute NAME=Type` values for `temporal server start-dev` and `operator` commands. */
export function searchAttributeFlags(): string[] {
  return Object.values(SearchAttributes).map((k) => `${k.name}=${CLI_TYPE[k.type] ?? k.type}`);
}

/**
 * Checks that the namespace has bulkflow's search attributes; registers the missing ones where the server
 * allows it (dev servers, self-hosted), and otherwise throws naming the `temporal operator` commands to run.
 */
export async function ensureSearchAttributes(connection: NativeConnection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([
    ...Object.keys(existing.customAttributes ?? {}),
    ...Object.keys(existing.systemAttributes ?? {}),
  ]);
  const missing = Object.values(SearchAttributes).filter((k) => !known.has(k.name));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type) ?? 0]),
      ),
    });
  } catch (err) {
    const commands = missing
      .map(
        (k) =>
          `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${CLI_TYPE[k.type] ?? k.type}`,
      )
      .join('\n  ');
    throw new Error(
      `The Temporal namespace "${namespace}" lacks bulkflow's search attributes and the worker may not add them ` +
        `(${(err as Error).message}). Register them once:\n  ${commands}`,
      { cause: err },
    );
  }
}
