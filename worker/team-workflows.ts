/**
 * Placeholder for the team's own workflows in `workflows-entry.ts`; the bulkflow plugin replaces it
 * with the worker's `workflowsPath` at bundle time. Bundled into the workflow sandbox: nothing here.
 */
export {};
