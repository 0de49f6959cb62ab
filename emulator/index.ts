/**
 * A local Salesforce org for tests, benchmarks, the demo and CI: OAuth login and Bulk API 2.0 ingest over
 * HTTP, with records validated and stored as a real org would.
 *
 * @example
 * import { createSalesforceEmulator, DEV_CREDENTIALS } from './emulator/index.js';
 * const emulator = await createSalesforceEmulator({ recordsPerSecond: 1000 });
 * // POST `${emulator.url}/services/oauth2/token` with DEV_CREDENTIALS (password + securityToken), then
 * // create, upload and close ingest jobs under `${emulator.url}/services/data/v62.0/jobs/ingest`.
 * emulator.org.getRecords('Contact');
 * await emulator.close();
 */
export { createSalesforceEmulator } from './server.js';
export type { SalesforceEmulator, SalesforceEmulatorOptions } from './server.js';
export { DEV_CREDENTIALS } from './auth/credentials.js';
export { Org, DmlOperation } from './org/org.js';
export type { GetRecordsOptions } from './org/org.js';
export type { FieldValue } from './org/field-values.js';
export { FieldType } from './org/schemas.js';
export type { FieldSchema, SObjectSchema } from './org/schemas.js';
export { IngestJobState } from './bulk2/ingest-jobs.js';
