/**
 * bulkflow's Salesforce Bulk API client. Usable on its own, without Temporal.
 *
 * @example
 * import { createSalesforceClient, OAuthPasswordAuthenticator } from 'bulkflow/salesforce';
 * const sf = createSalesforceClient({ auth: new OAuthPasswordAuthenticator({ loginUrl, clientId, clientSecret, username, password }) });
 * const job = await sf.bulk2Ingest.createJob({ object: 'Contact', operation: 'insert' });
 */
export { AccessTokenAuthenticator, OAuthPasswordAuthenticator, type OAuthPasswordOptions } from './auth.js';
export { Bulk2IngestClient } from './bulk2-ingest.js';
export {
  Bulk2JobState,
  ColumnDelimiter,
  DELIMITER_CHAR,
  IngestOperation,
  IngestResultKind,
  TERMINAL_BULK2_STATES,
  type CreateIngestJobRequest,
  type IngestJobInfo,
  type LineEnding,
} from './bulk2-types.js';
export {
  createSalesforceClient,
  DEFAULT_API_VERSION,
  salesforceOptionsFromEnv,
  type SalesforceClient,
  type SalesforceClientOptions,
} from './client.js';
export { countCsvRecords, formatCsvRow, readCsvRows, validateHeader, type CsvReadOptions } from './csv.js';
export {
  BULK1_BATCH_LIMITS,
  BULK2_UPLOAD_LIMITS,
  splitCsv,
  type SplitOptions,
  type SplitResult,
  type UploadLimits,
  type UploadUnit,
} from './csv-split.js';
export {
  isRetryable,
  isSalesforceError,
  SalesforceAuthError,
  SalesforceError,
  SalesforceErrorCode,
  SalesforceHttpError,
  SalesforceInputError,
  SalesforceJobFailedError,
  SalesforceNetworkError,
  SalesforceResultMismatchError,
  SalesforceSessionError,
} from './errors.js';
export { SalesforceHttp, type ApiFamily, type ApiUsage, type SalesforceRequest } from './http.js';
export { redact, registerSecret } from './redact.js';
export { SessionManager, type Authenticator, type SalesforceSession } from './session.js';
