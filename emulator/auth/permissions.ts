/**
 * System permissions the emulator checks. Only "Bulk API Hard Delete" matters to the Bulk APIs: off by default
 * on a real org, so hardDelete jobs of users without it are refused when the job is created.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm
 */
import type { OrgUser } from './credentials.js';

/** Salesforce's answer to a hardDelete job from a user without the permission, as captured from real orgs. */
export const HARD_DELETE_NOT_PERMITTED =
  'hardDelete operation requires special user profile permission, please contact your system administrator';

/** Whether the user of a session may create hardDelete jobs (an unknown user may: only known ones are limited). */
export function canHardDelete(users: readonly OrgUser[], userId: string): boolean {
  return users.find((user) => user.id === userId)?.bulkApiHardDelete !== false;
}
