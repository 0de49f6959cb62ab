import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The workflow entry point the worker bundles: the TypeScript source when running from a checkout
 * (tsx), the compiled file when running from `dist/`.
 */
export function workflowsPath(): string {
  for (const ext of ['.ts', '.js']) {
    const file = fileURLToPath(new URL(`../workflows/index${ext}`, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error('bulkflow: cannot find workflows/index.ts or workflows/index.js next to worker/');
}
