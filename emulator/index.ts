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
export { DEV_CREDENTIALS, LIMITED_CREDENTIALS } from './auth/credentials.js';
export { EmulatorClock } from './clock.js';
export { Org } from './org/org.js';
export type { FieldValue } from './org/field-values.js';
export { CustomFieldType } from './org/custom-objects.js';
export type { CustomFieldDefinition, CustomObjectDefinition } from './org/custom-objects.js';
export { FaultInjector } from './faults/fault-injector.js';
export type { FaultReport } from './faults/fault-injector.js';
export { FaultType, FaultSpecError } from './faults/fault-spec.js';
export type {
  ConnectionResetFault,
  ExpireSessionsFault,
  FaultSpec,
  JobFailureFault,
  LatencyFault,
  RateLimitFault,
  RouteFilter,
  Selection,
  ServerErrorFault,
  SlowProcessingFault,
  UnableToLockRowFault,
} from './faults/fault-spec.js';
export { ApiLimits, LimitName } from './limits/api-limits.js';
export type { LimitMaxima } from './limits/api-limits.js';
export type { TlsMaterial } from './tls/certificate.js';
