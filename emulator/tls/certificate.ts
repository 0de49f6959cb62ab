/**
 * TLS for the emulator: a self-signed certificate for `localhost`, `127.0.0.1` and `::1`, made at start-up, or
 * a key and certificate the caller brings. Clients trust it through the PEM the emulator exposes
 * (`NODE_EXTRA_CA_CERTS` for Node, `REQUESTS_CA_BUNDLE` for Python requests).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { generate } from 'selfsigned';

/** A private key and its certificate, both PEM. */
export interface TlsMaterial {
  key: string;
  cert: string;
}

/** Generates a self-signed certificate for the loopback names, valid for a year. */
export async function createSelfSignedCertificate(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** The material for the `https` option: generated for `true`, checked when given. */
export async function resolveTlsOption(option: true | TlsMaterial): Promise<TlsMaterial> {
  if (option === true) return createSelfSignedCertificate();
  try {
    new X509Certificate(option.cert);
  } catch (error) {
    throw new TypeError('options.https.cert must be a PEM certificate', { cause: error });
  }
  try {
    createPrivateKey(option.key);
  } catch (error) {
    throw new TypeError('options.https.key must be a PEM private key', { cause: error });
  }
  return option;
}
