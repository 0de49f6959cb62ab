/**
 * The comparison's one emulator, in a process of its own so that its CPU never mixes with a candidate's:
 * unlimited speed (no `recordsPerSecond`), and every byte its sockets read or write counted, the admin API's
 * sockets excepted. The emulator's stats count requests, not bytes, so the bytes are counted here, at the
 * server's sockets (HTTP headers and bodies; TCP/IP framing not).
 *
 * Forked with IPC by `emulator-client.ts`: sends `{ url }` once listening, answers `'bytes'` with
 * {@link WireBytes}, and closes on `'close'`.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { createSalesforceEmulator } from '../../emulator/index.js';

/** Bytes the emulator received (requests) and sent (responses), excluding `/__emulator/` calls. */
export interface WireBytes {
  requestBytes: number;
  responseBytes: number;
}

const live = new Set<Socket>();
const admin = new WeakSet<Socket>();
const closed: WireBytes = { requestBytes: 0, responseBytes: 0 };

subscribe('net.server.socket', (message) => {
  const { socket } = message as { socket: Socket };
  live.add(socket);
  socket.once('close', () => {
    live.delete(socket);
    if (admin.has(socket)) return;
    closed.requestBytes += socket.bytesRead;
    closed.responseBytes += socket.bytesWritten;
  });
});
subscribe('http.server.request.start', (message) => {
  const { request, socket } = message as { request: IncomingMessage; socket: Socket };
  if (request.url?.startsWith('/__emulator/')) admin.add(socket);
});

function wireBytes(): WireBytes {
  const total = { ...closed };
  for (const socket of live) {
    if (admin.has(socket)) continue;
    total.requestBytes += socket.bytesRead;
    total.responseBytes += socket.bytesWritten;
  }
  return total;
}

// Polls at 4 per second, many runs in a row: a daily limit must not be what stops a run.
const UNLIMITED = 100_000_000;
const emulator = await createSalesforceEmulator({
  limits: { DailyApiRequests: UNLIMITED, DailyBulkApiBatches: UNLIMITED, DailyBulkV2QueryJobs: UNLIMITED },
});
process.on('message', (message) => {
  if (message === 'bytes') process.send?.({ bytes: wireBytes() });
  if (message === 'close') void emulator.close().then(() => process.exit(0));
});
process.send?.({ url: emulator.url });
