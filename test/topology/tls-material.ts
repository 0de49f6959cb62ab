/**
 * What the TLS test makes for itself: a CA, a server certificate for its two names and 127.0.0.1 and a client
 * certificate, both signed by the CA (`selfsigned` signs with a given CA since 5.x); an RS256 key for JWTs,
 * its JWKS served over HTTP as Temporal's default token key provider reads it, and JWTs signed with it (or
 * with another key, under the same key id, to be refused).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';
import { LOOPBACK } from './compose-file.js';

/**
 * The server's names: with {@link MTLS_NAME} as the TLS server name a client must show a certificate signed by the
 * CA; with {@link API_KEY_NAME} it need not (the frontend's per-host TLS settings pick by the name the client asks
 * for), the way Temporal Cloud's API-key namespaces take an API key over TLS alone.
 */
export const MTLS_NAME = 'localhost';
export const API_KEY_NAME = 'api-key.localhost';

/** PEM files of the run, by role. */
export interface TlsFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

const DAY_MS = 24 * 3600 * 1000;

function validity() {
  // A minute back, so that a clock a little behind still accepts them.
  const notBeforeDate = new Date(Date.now() - 60_000);
  return { notBeforeDate, notAfterDate: new Date(notBeforeDate.getTime() + DAY_MS) };
}

/**
 * Writes the CA, server and client PEMs to `dir`; returns their paths and the private keys' PEMs (secrets
 * that no output may show).
 */
export async function writeTlsFiles(dir: string): Promise<{ files: TlsFiles; privateKeys: string[] }> {
  const ca = await generate([{ name: 'commonName', value: 'bulkflow test CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    ...validity(),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const signedByCa = { key: ca.private, cert: ca.cert };
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    ...validity(),
    ca: signedByCa,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: MTLS_NAME },
          { type: 2, value: API_KEY_NAME },
          { type: 7, ip: LOOPBACK },
        ],
      },
    ],
  });
  const client = await generate([{ name: 'commonName', value: 'bulkflow-worker' }], {
    keySize: 2048,
    algorithm: 'sha256',
    ...validity(),
    ca: signedByCa,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  const files: TlsFiles = {
    caCert: path.join(dir, 'ca.pem'),
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server-key.pem'),
    clientCert: path.join(dir, 'client.pem'),
    clientKey: path.join(dir, 'client-key.pem'),
  };
  writeFileSync(files.caCert, ca.cert);
  writeFileSync(files.serverCert, server.cert);
  writeFileSync(files.serverKey, server.private, { mode: 0o600 });
  writeFileSync(files.clientCert, client.cert);
  writeFileSync(files.clientKey, client.private, { mode: 0o600 });
  return { files, privateKeys: [ca.private, server.private, client.private] };
}

/**
 * Strings that show a PEM private key was printed, even in part or re-wrapped: its first and last full
 * base64 lines, and the body on one line.
 */
export function pemTells(pem: string): string[] {
  const lines = pem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('-----'));
  const full = lines.filter((l) => l.length === 64);
  return [full[0], full.at(-1), lines.join('')].filter((s): s is string => Boolean(s));
}

/** An RS256 signing key under a key id, its public half as a JWK. */
export interface JwtKey {
  kid: string;
  privateKey: KeyObject;
  privatePem: string;
}

export function newJwtKey(kid = `bulkflow-test-${randomUUID()}`): JwtKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * A JWT as Temporal's default claim mapper reads it (common/authorization/default_jwt_claim_mapper.go): a `kid`
 * header, a `sub`, and `permissions` as `<namespace>:<role>` strings (`temporal-system:admin` for the cluster).
 */
export function signJwt(key: JwtKey, permissions: string[], lifetimeSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const payload = base64url(
    JSON.stringify({ sub: 'bulkflow-test', permissions, iat: now, nbf: now - 60, exp: now + lifetimeSeconds }),
  );
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The JWKS document of `key`'s public half. */
export function jwks(key: JwtKey): { keys: object[] } {
  const jwk = createPublicKey(createPrivateKey(key.privatePem)).export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: key.kid, alg: 'RS256', use: 'sig' }] };
}

/** An HTTP server on the loopback answering `GET /jwks.json` with `key`'s JWKS. */
export async function serveJwks(
  key: JwtKey,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const body = JSON.stringify(jwks(key));
  let requests = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks.json') {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${port}/jwks.json`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
