#!/usr/bin/env node
// Bundles bulkflow's workflows once, at build time, into dist/workflow-bundle.js, so that `bulkflow worker` and
// the plugin (on a worker without workflows of its own) start without webpack: a few seconds less per worker
// start. dist/workflow-bundle.json records the @temporalio/workflow version it was built with; a worker uses
// the bundle only with that same version installed, and bundles at start otherwise.
//
// Usage: node scripts/bundle-workflows.mjs   (after tsc; `npm run build` runs it)
//        node scripts/bundle-workflows.mjs --from-sources FILE   (the TypeScript sources of a checkout, into FILE;
//        `BULKFLOW_WORKFLOW_BUNDLE=FILE` then has workers start from it: scripts/run-tests.mjs does this)
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const started = Date.now();
const fromSources = process.argv[2] === '--from-sources' ? process.argv[3] : undefined;
if (process.argv[2] === '--from-sources' && !fromSources) {
  console.error('usage: node scripts/bundle-workflows.mjs [--from-sources FILE]');
  process.exit(2);
}
const { code } = await bundleWorkflowCode({
  workflowsPath: fromSources
    ? path.join(root, 'worker', 'workflows-entry.ts')
    : path.join(dist, 'worker', 'workflows-entry.js'),
  logger: new DefaultLogger('WARN'),
});
if (fromSources) {
  writeFileSync(fromSources, code);
  console.error(`bundle-workflows: ${fromSources} from the sources in ${Date.now() - started} ms`);
  process.exit(0);
}
const require = createRequire(import.meta.url);
const { version } = require('@temporalio/workflow/package.json');
writeFileSync(path.join(dist, 'workflow-bundle.js'), code);
writeFileSync(path.join(dist, 'workflow-bundle.json'), `${JSON.stringify({ workflowSdkVersion: version }, null, 2)}\n`);
console.error(
  `bundle-workflows: dist/workflow-bundle.js (${(code.length / 1e6).toFixed(1)} MB) in ${Date.now() - started} ms`,
);
