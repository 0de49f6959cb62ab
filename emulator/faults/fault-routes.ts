/**
 * `/__emulator/faults`: POST replaces the active faults with the body (an array, `{ "faults": [...] }` or one
 * fault) and answers the active list; GET answers the active list with counts; DELETE removes them all.
 */
import { HttpError, readJson, sendEmpty, sendJson } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';
import type { FaultInjector } from './fault-injector.js';
import { FaultSpecError } from './fault-spec.js';
import { parseFaults } from './fault-validation.js';

/** Registers the fault endpoints. */
export function addFaultRoutes(router: Router, faults: FaultInjector): void {
  router.add('POST', '/__emulator/faults', async ({ req, res }) => {
    const body = await readJson(req);
    try {
      faults.set(parseFaults(body));
    } catch (error) {
      if (error instanceof FaultSpecError)
        throw new HttpError(400, [{ errorCode: 'INVALID_FAULT', message: error.message }]);
      throw error;
    }
    sendJson(res, 200, { faults: faults.report() });
  });
  router.add('GET', '/__emulator/faults', ({ res }) => sendJson(res, 200, { faults: faults.report() }));
  router.add('DELETE', '/__emulator/faults', ({ res }) => {
    faults.clear();
    sendEmpty(res, 204);
  });
}
