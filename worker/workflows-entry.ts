/**
 * What a worker with the bulkflow plugin bundles: bulkflow's workflows beside the team's own. The
 * plugin points the bundler here and maps `./team-workflows.js` to the worker's own `workflowsPath`
 * (see `plugin.ts`); without one it stays the empty placeholder.
 */
export * from '../workflows/index.js';
export * from './team-workflows.js';
