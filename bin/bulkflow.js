#!/usr/bin/env node
// The `bulkflow` command.
//
// Installed from the package, it runs the compiled JavaScript in dist/: no TypeScript loader at run time.
// In a checkout (the TypeScript sources sit next to bin/, and the package does not ship them) it runs
// the sources through tsx, so a checkout needs no build step and never runs a stale dist/.
import { existsSync } from 'node:fs';

const sources = new URL('../cli/main.ts', import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
await main();
