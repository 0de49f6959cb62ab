/**
 * Every call on a Salesforce job speaks the API version the job was created with. Salesforce ties some calls to
 * it (a query's results answer 409 at any other version), and a worker's configured version may change while a
 * job runs (an upgrade, a restart with another `SF_API_VERSION`): the version is part of the job's state in its
 * workflow, and every activity on the job is given it. Runs recorded before that give none; their calls use the
 * worker's version, as they always did.
 */
import type { SalesforceClient } from '../salesforce/index.js';

/** The client at the job's API version, or the worker's own when the job's is not known. */
export function atJobVersion(salesforce: SalesforceClient, apiVersion: string | undefined): SalesforceClient {
  return apiVersion === undefined || apiVersion === salesforce.apiVersion
    ? salesforce
    : salesforce.atVersion(apiVersion);
}
