/**
 * bulkflow's Salesforce Bulk API client. Usable on its own, without Temporal.
 *
 * @example
 * import { createSalesforceClient, OAuthPasswordAuthenticator } from 'bulkflow/salesforce';
 * const sf = createSalesforceClient({ auth: new OAuthPasswordAuthenticator({ loginUrl, clientId, clientSecret, username, password }) });
 * const job = await sf.bulk2Ingest.createJob({ object: 'Contact', operation: 'insert' });
 */
export { AccessTokenAuthenticator } from './auth/access-token.js';
export { OAuthPasswordAuthenticator, type OAuthPasswordOptions } from './auth/oauth-password.js';
export { Bulk2IngestClient } from './bulk2/ingest.js';
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
} from './bulk2/types.js';
export {
  createSalesforceClient,
  DEFAULT_API_VERSION,
  salesforceOptionsFromEnv,
  type SalesforceClient,
  type SalesforceClientOptions,
} from './client.js';
export { countCsvRecords, formatCsvRow, readCsvRows, validateHeader, type CsvReadOptions } from './csv/csv.js';
export {
  BULK1_BATCH_LIMITS,
  BULK2_UPLOAD_LIMITS,
  splitCsv,
  type SplitOptions,
  type SplitResult,
  type UploadLimits,
  type UploadUnit,
} from './csv/split.js';
export {
  InputProblem,
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
  type InputLocation,
  type SalesforceErrorOptions,
} from './core/errors.js';
export { SalesforceHttp, type ApiFamily, type ApiUsage, type SalesforceRequest } from './core/http.js';
export { redact, registerSecret } from './core/redact.js';
export { SessionManager, type Authenticator, type SalesforceSession } from './core/session.js';
export {
  ClientCredentialsAuthenticator,
  DEFAULT_LOGIN_URL,
  RefreshTokenAuthenticator,
  type ClientCredentialsOptions,
  type RefreshTokenOptions,
} from './auth/oauth-grants.js';
export {
  createJwtAssertion,
  JwtBearerAuthenticator,
  jwtBearerWithDefaults,
  type JwtBearerOptions,
} from './auth/jwt-bearer.js';
export { SoapLoginAuthenticator, type SoapLoginOptions } from './auth/soap-login.js';
export { authenticatorFromEnv, describeLoginFromEnv, type LoginDescription } from './auth/from-env.js';
export { Bulk2QueryClient, type StreamResultsOptions } from './bulk2/query.js';
export { normalizeLocator, openResultFile, type FileSinkOptions } from './bulk2/query-pages.js';
export {
  Bulk2JobType,
  QueryOperation,
  type CreateQueryJobRequest,
  type JobListPage,
  type ListJobsFilter,
  type QueryJobInfo,
  type QueryResultPage,
  type StreamResultsResult,
} from './bulk2/query-types.js';
export {
  batchesForRows,
  findShortfalls,
  LimitName,
  LimitsClient,
  ROWS_PER_BULK_BATCH,
  SalesforceLimitError,
  type BulkCapacityRequest,
  type LimitShortfall,
  type LimitValue,
  type OrgLimits,
} from './org/limits.js';
export { pollUntil, type PollUntilOptions } from './core/polling.js';
export {
  DEFAULT_POLL_POLICY,
  PollPolicyError,
  simulatePolls,
  withPollDefaults,
  type PollPolicy,
} from '../common/poll-policy.js';
export { Bulk1Client, pkChunkingHeader, type AddBatchesOptions } from './bulk1/client.js';
export {
  parseBatchInfo,
  parseBatchInfoList,
  parseJobInfo,
  parseResultIdList,
  parseStateMessage,
  syntaxOf,
  type Bulk1Syntax,
} from './bulk1/job-info.js';
export {
  Bulk1QueryResults,
  NO_RECORDS_CSV,
  type Bulk1DownloadedFile,
  type Bulk1QueryResultFile,
} from './bulk1/query.js';
export { CSV_NULL, recordsToCsv } from './bulk1/records.js';
export {
  formatRecordErrors,
  matchBatchResults,
  parseRecordError,
  readIngestResults,
  type Bulk1RowOutcome,
} from './bulk1/results.js';
export {
  Bulk1BatchState,
  Bulk1ConcurrencyMode,
  Bulk1ContentType,
  Bulk1JobState,
  Bulk1Operation,
  isJobDone,
  TERMINAL_BULK1_BATCH_STATES,
  type Bulk1AddedBatch,
  type Bulk1BatchFailure,
  type Bulk1BatchInfo,
  type Bulk1FieldValue,
  type Bulk1IngestResult,
  type Bulk1JobInfo,
  type Bulk1JobRef,
  type Bulk1Record,
  type Bulk1RecordError,
  type CreateBulk1JobRequest,
  type PkChunkingOptions,
} from './bulk1/types.js';
export {
  DescribeClient,
  levenshtein,
  suggest,
  type DescribeCacheOptions,
  type DescribeField,
  type GlobalDescribe,
  type GlobalSObject,
  type SObjectDescribe,
} from './org/describe.js';
export { sweepOrphanedIngestJobs, type SweepOptions, type SweptJob } from './bulk2/sweep.js';
export { checkResultsCoverInput, ResultMatcher, type ResultFileToCheck } from './csv/result-matching.js';
