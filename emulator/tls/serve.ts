/** The emulator's listening server: plain HTTP, or HTTPS with the given key and certificate. */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { TlsMaterial } from './certificate.js';

export type EmulatorServer = HttpServer | HttpsServer;

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) closes a connection that a client
 * has already chosen for its next request whenever the client's process was busy for 5 s (a client converting
 * 50,000 records to CSV before it sends them, or one sharing the emulator's process): the server's idle timer
 * fires after the request was written, the connection is reset, and a client that retries a streamed PUT
 * (jsforce does) sends only what was left of its stream, so the job reads a data row as its header. Clients
 * drop their own idle sockets sooner than this (Node's agent after 5 s, undici after 4 s), so the choice of
 * when an idle connection ends is theirs, as it is against Salesforce.
 */
export const IDLE_CONNECTION_MS = 120_000;

/** Creates the server; with `tls` it speaks HTTPS only. */
export function createEmulatorServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  tls?: TlsMaterial,
): EmulatorServer {
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  return server;
}
