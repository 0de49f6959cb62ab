/**
 * The emulator's clock over the admin API: `GET /__emulator/clock` reads it, `POST /__emulator/clock` with
 * `{"advanceMs": n}` moves it forward. Both answer `{ "now": "<ISO date-time>", "offsetMs": n }`.
 */
import type { EmulatorClock } from '../clock.js';
import { readJson, restError, sendJson } from '../http/http-helpers.js';
import type { Router } from '../http/router.js';

function clockState(clock: EmulatorClock) {
  return { now: new Date(clock.now()).toISOString(), offsetMs: clock.offsetMs };
}

/** Registers the clock endpoints. */
export function addClockRoutes(router: Router, clock: EmulatorClock): void {
  router.add('GET', '/__emulator/clock', ({ res }) => sendJson(res, 200, clockState(clock)));
  router.add('POST', '/__emulator/clock', async ({ req, res }) => {
    const body = await readJson(req);
    const advanceMs =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['advanceMs'] : undefined;
    if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) {
      throw restError(
        400,
        'INVALID_CLOCK',
        'The body must be {"advanceMs": n} with n a number of milliseconds, 0 or more',
      );
    }
    clock.advance(advanceMs);
    sendJson(res, 200, clockState(clock));
  });
}
