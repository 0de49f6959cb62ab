/**
 * AES-256-GCM encryption of every payload bulkflow puts in Temporal's history (workflow inputs such
 * as inline records, results with their file locations, activity arguments), so that history,
 * which Temporal keeps for the retention period and shows in its UI, holds no record value in the
 * clear. Workers and clients that share the key (`BULKFLOW_ENCRYPTION_KEY`) read them.
 *
 * Search attributes and failure messages are not encrypted: bulkflow puts no record values there.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
// CommonJS package: its named exports are not visible to ESM import, so take the default.
import proto from '@temporalio/proto';

const { Payload: PayloadProto } = proto.temporal.api.common.v1;
const ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload encryption key: `id` goes into each payload's metadata, so a rotated key still decrypts old ones. */
export interface EncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** The payload codec: AES-256-GCM with the current key; previous keys decrypt what they encrypted. */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  /** `current` encrypts; it and `previous` keys decrypt (for rotation). */
  constructor(
    private readonly current: EncryptionKey,
    previous: EncryptionKey[] = [],
  ) {
    for (const k of [current, ...previous]) {
      if (k.key.length !== 32) throw new Error(`encryption key "${k.id}" must be 32 bytes, got ${k.key.length}`);
    }
    this.keys = new Map([current, ...previous].map((k) => [k.id, k.key]));
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((payload) => {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
        const plain = PayloadProto.encode(payload).finish();
        const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return {
          metadata: {
            [METADATA_ENCODING_KEY]: Buffer.from(ENCODING),
            [KEY_ID_METADATA]: Buffer.from(this.current.id),
          },
          data,
        };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((payload) => {
        const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
        if (!encoding || Buffer.from(encoding).toString() !== ENCODING) return payload;
        const keyId = Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString();
        const key = this.keys.get(keyId);
        if (!key) throw new Error(`no encryption key with id "${keyId}" to decrypt a payload`);
        const data = Buffer.from(payload.data ?? []);
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return PayloadProto.decode(plain);
      }),
    );
  }
}

/**
 * `BULKFLOW_ENCRYPTION_KEY` (base64, 32 bytes) and `BULKFLOW_ENCRYPTION_KEY_ID` (default `default`);
 * `BULKFLOW_ENCRYPTION_PREVIOUS_KEYS` as `id:base64,id:base64` for rotation. Undefined when no key
 * is set: payloads then go to history unencrypted.
 */
export function encryptionCodecFromEnv(env: NodeJS.ProcessEnv = process.env): EncryptionCodec | undefined {
  const key = env.BULKFLOW_ENCRYPTION_KEY;
  if (!key) return undefined;
  const previous = (env.BULKFLOW_ENCRYPTION_PREVIOUS_KEYS ?? '')
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const [id, value] = entry.split(':');
      if (!id || !value) throw new Error('BULKFLOW_ENCRYPTION_PREVIOUS_KEYS must look like "id:base64,id:base64"');
      return { id, key: Buffer.from(value, 'base64') };
    });
  return new EncryptionCodec(
    { id: env.BULKFLOW_ENCRYPTION_KEY_ID ?? 'default', key: Buffer.from(key, 'base64') },
    previous,
  );
}

/** The data converter clients and workers share: encrypted payloads when a key is configured. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): { payloadCodecs: PayloadCodec[] } {
  const codec = encryptionCodecFromEnv(env);
  return { payloadCodecs: codec ? [codec] : [] };
}

/**
 * The one place the codec joins a data converter, for the client plugin and the worker plugin alike: appended
 * after the converter's own codecs (once), so a team's codecs (compression, say) run first. Undefined without a key.
 */
export function encryptionDataConverter(
  key: EncryptionKey | EncryptionCodec | undefined,
): ((existing: DataConverter | undefined) => DataConverter) | undefined {
  const codec = key instanceof EncryptionCodec ? key : key ? new EncryptionCodec(key) : undefined;
  if (!codec) return undefined;
  return (existing) => {
    const codecs = existing?.payloadCodecs ?? [];
    return { ...existing, payloadCodecs: codecs.includes(codec) ? codecs : [...codecs, codec] };
  };
}
