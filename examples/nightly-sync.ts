/**
 * A nightly sync: every night at 02:30 Berlin time, upsert the Contacts exported to S3 into
 * Salesforce. Run it once (or from every deploy: it updates the schedule in place):
 *
 *   TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/nightly-sync.ts
 *   TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/nightly-sync.ts --now      # also run once now
 *   TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/nightly-sync.ts --delete   # remove it again
 *
 * A worker (`npx bulkflow worker`) must run somewhere with the Salesforce credentials and read
 * access to the bucket (AWS_* variables, or BULKFLOW_S3_ENDPOINT for an S3-compatible server).
 */
import { connectClient, createNightlySync, deleteSync, temporalTargetFromEnv, triggerSync } from '../client/index.js';

const scheduleId = 'contacts-nightly';
const client = await connectClient(temporalTargetFromEnv());

if (process.argv.includes('--delete')) {
  // Deleting stops future runs; a run already going finishes.
  const deleted = await deleteSync(client, scheduleId);
  console.log(deleted ? `deleted schedule ${scheduleId}` : `no schedule ${scheduleId}`);
} else {
  const { created } = await createNightlySync(client, {
    scheduleId,
    input: {
      object: 'Contact',
      operation: 'upsert',
      externalIdFieldName: 'Crm_Id__c', // an External ID field on Contact in your org
      // Read afresh at each run: the export job overwrites this object every evening.
      source: { url: process.env.CONTACTS_URL ?? 's3://crm-exports/contacts/latest.csv' },
    },
    hour: 2,
    minute: 30,
    timezone: 'Europe/Berlin', // follows daylight saving: always 02:30 local time
    // If the Temporal server is down at 02:30, the run still starts when it is back before 04:30.
    catchupWindowMs: 2 * 60 * 60 * 1000,
  });
  console.log(`${created ? 'created' : 'updated'} schedule ${scheduleId}: daily at 02:30 Europe/Berlin`);
  if (process.argv.includes('--now')) {
    // Skipped, like a scheduled run, when the previous run is still going.
    await triggerSync(client, scheduleId);
    console.log('triggered a run now; watch it with `temporal schedule describe --schedule-id contacts-nightly`');
  }
}
await client.connection.close();
