/** The emulator's listening server: plain HTTP, or HTTPS with the given key and certificate. */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { TlsMaterial } from './certificate.js';

export type EmulatorServer = HttpServer | HttpsServer;

/** Creates the server; with `tls` it speaks HTTPS only. */
export function createEmulatorServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  tls?: TlsMaterial,
): EmulatorServer {
  return tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
}
