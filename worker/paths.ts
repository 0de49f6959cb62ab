import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** `relative` next to this file: the TypeScript source in a checkout (tsx), the compiled file in `dist/`. */
function sibling(relative: string): string {
  for (const ext of ['.ts', '.js']) {
    const file = fileURLToPath(new URL(`${relative}${ext}`, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error(`bulkflow: cannot find ${relative}.ts or ${relative}.js next to worker/`);
}

/** bulkflow's workflows alone: the entry point to bundle for a worker that runs nothing else. */
export function workflowsPath(): string {
  return sibling('../workflows/index');
}

/** The bundle entry of the plugin: bulkflow's workflows and the placeholder for the team's own. */
export function workflowsEntryPath(): string {
  return sibling('./workflows-entry');
}

/**
 * The paths under which the bundler asks for the placeholder (`./team-workflows.js`, tried as `.ts`
 * first): both are mapped to the team's `workflowsPath`.
 */
export function teamWorkflowsPlaceholders(): string[] {
  return ['.ts', '.js'].map((ext) => fileURLToPath(new URL(`./team-workflows${ext}`, import.meta.url)));
}

/**
 * The workflow bundle built with the package (`dist/workflow-bundle.js`), when there is one and it was built with
 * the `@temporalio/workflow` version installed here: a worker that runs bulkflow's workflows alone starts from it
 * without bundling. Undefined in a checkout (the sources are bundled at start) or on another SDK version.
 * `BULKFLOW_WORKFLOW_BUNDLE` names a bundle built elsewhere from the same code (`node scripts/bundle-workflows.mjs
 * --from-sources FILE`); the test runner builds one so that its many short-lived workers do not each bundle.
 */
export function prebuiltWorkflowBundle(): { codePath: string } | undefined {
  const given = process.env['BULKFLOW_WORKFLOW_BUNDLE'];
  if (given) return { codePath: given };
  const codePath = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));
  const recordPath = fileURLToPath(new URL('../workflow-bundle.json', import.meta.url));
  if (!existsSync(codePath) || !existsSync(recordPath)) return undefined;
  const { workflowSdkVersion } = JSON.parse(readFileSync(recordPath, 'utf8')) as { workflowSdkVersion?: string };
  const installed = (createRequire(import.meta.url)('@temporalio/workflow/package.json') as { version: string })
    .version;
  return workflowSdkVersion === installed ? { codePath } : undefined;
}
