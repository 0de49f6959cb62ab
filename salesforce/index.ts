/**
 * `bulkflow/salesforce`: bulkflow's Salesforce Bulk API client, usable on its own, without Temporal. Every name
 * here is a promise kept across versions; bulkflow's own layers import the modules they need directly.
 *
 * @example
 * import { createSalesforceClient, OAuthPasswordAuthenticator } from 'bulkflow/salesforce';
 * const sf = createSalesforceClient({ auth: new OAuthPasswordAuthenticator({ loginUrl, clientId, clientSecret, username, password }) });
 * const job = await sf.bulk2Ingest.createJob({ object: 'Contact', operation: 'insert' });
 */

// The client and its options.
export {
  createSalesforceClient,
  DEFAULT_API_VERSION,
  salesforceOptionsFromEnv,
  type SalesforceClient,
  type SalesforceClientOptions,
} from './client.js';

// Logging in: one authenticator per OAuth flow (or SOAP login, or a given token), or the one the environment names.
export type { Authenticator, SalesforceSession } from './core/session.js';
export { AccessTokenAuthenticator } from './auth/access-token.js';
export { OAuthPasswordAuthenticator, type OAuthPasswordOptions } from './auth/oauth-password.js';
export {
  ClientCredentialsAuthenticator,
  RefreshTokenAuthenticator,
  type ClientCredentialsOptions,
  type RefreshTokenOptions,
} from './auth/oauth-grants.js';
export { JwtBearerAuthenticator, type JwtBearerOptions } from './auth/jwt-bearer.js';
export { SoapLoginAuthenticator, type SoapLoginOptions } from './auth/soap-login.js';
export { authenticatorFromEnv, describeLoginFromEnv, type LoginDescription } from './auth/from-env.js';

// The Bulk API resources, as the client hands them out (`sf.bulk2Ingest`, `sf.bulk2Query`, `sf.bulk1`, …).
export type { Bulk2IngestClient } from './bulk2/ingest.js';
export type { Bulk2QueryClient } from './bulk2/query.js';
export type { Bulk1Client } from './bulk1/client.js';
export type { DescribeClient, DescribeField, SObjectDescribe } from './org/describe.js';
export type { LimitsClient, OrgLimits } from './org/limits.js';

// Wire values and the shapes of jobs.
export {
  Bulk2JobState,
  ColumnDelimiter,
  IngestOperation,
  IngestResultKind,
  type CreateIngestJobRequest,
  type IngestJobInfo,
  type LineEnding,
} from './bulk2/types.js';
export {
  QueryOperation,
  type CreateQueryJobRequest,
  type JobListPage,
  type ListJobsFilter,
  type QueryJobInfo,
} from './bulk2/query-types.js';
export {
  Bulk1BatchState,
  Bulk1ConcurrencyMode,
  Bulk1ContentType,
  Bulk1JobState,
  Bulk1Operation,
  type Bulk1BatchInfo,
  type Bulk1JobInfo,
  type CreateBulk1JobRequest,
  type PkChunkingOptions,
} from './bulk1/types.js';

// Housekeeping: Open Bulk 2.0 jobs that a crashed run left behind.
export { sweepOrphanedIngestJobs, type OwnJob, type SweepOptions, type SweptJob } from './bulk2/sweep.js';

// Errors: bulkflow's taxonomy, and Salesforce's part of it.
export {
  BulkflowError,
  ErrorCode,
  ErrorSource,
  InputError,
  InputProblem,
  isBulkflowError,
  isRetryable,
  ResultMismatchError,
  StorageError,
  type InputLocation,
  type JobFacts,
} from '../common/errors.js';
export {
  isSalesforceError,
  SalesforceAuthError,
  SalesforceError,
  SalesforceHttpError,
  SalesforceJobExpiredError,
  SalesforceJobFailedError,
  SalesforceNetworkError,
  SalesforceSessionError,
} from './core/errors.js';
export { SalesforceLimitError } from './org/limits.js';
