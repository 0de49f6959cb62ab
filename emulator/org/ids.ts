/**
 * Salesforce record ids: 15 case-sensitive base-62 characters (key prefix, instance, reserved `0`, sequence)
 * plus a 3-character suffix that encodes where the upper-case letters are, so the 18-character form survives
 * case-insensitive systems.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID15 = /^[0-9A-Za-z]{15}$/;
const ID18 = /^[0-9A-Za-z]{18}$/;

/** Instance characters of the emulated pod; any two base-62 characters would do. */
const INSTANCE = '5g';
const SEQUENCE_LENGTH = 9;

/** Key prefixes of the objects the emulator knows, as Salesforce assigns them. */
export const KeyPrefix = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Lead: '00Q',
  Case: '500',
  Campaign: '701',
  Organization: '00D',
  BulkJob: '750',
  BulkBatch: '751',
} as const;

/** The 3-character case-checksum suffix of a 15-character id. */
export function idChecksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** Extends a 15-character id to 18 characters. */
export function to18(id15: string): string {
  return id15 + idChecksum(id15);
}

/**
 * Canonical 18-character form of an id given in 15- or 18-character form, or undefined when the text is not an
 * id. An 18-character id is accepted in any letter case, as Salesforce does: the suffix restores the case.
 */
export function normalizeId(text: string): string | undefined {
  if (ID15.test(text)) return to18(text);
  if (!ID18.test(text)) return undefined;
  const suffix = text.slice(15).toUpperCase();
  let id15 = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix.charAt(chunk));
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const ch = text.charAt(chunk * 5 + i);
      id15 += bits & (1 << i) ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  // Digits cannot carry case: a suffix claiming an upper-case digit is not a real id.
  return idChecksum(id15) === suffix ? id15 + suffix : undefined;
}

function base62(n: number, width: number): string {
  let out = '';
  let rest = n;
  while (rest > 0) {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/** Builds the 18-character id for a key prefix and sequence number. */
export function makeId(prefix: string, sequence: number): string {
  return to18(prefix + INSTANCE + '0' + base62(sequence, SEQUENCE_LENGTH));
}

/**
 * Where sequences start: far enough in that ids mix digits with upper- and lower-case letters like real ones,
 * so clients that mangle the case of 15-character ids fail here as they would against Salesforce.
 */
const FIRST_SEQUENCE = 1_234_567_890;

/** Hands out fresh ids per key prefix. Never rewinds, so ids stay unique for the emulator's lifetime. */
export class IdFactory {
  readonly #next = new Map<string, number>();

  next(prefix: string): string {
    const sequence = this.#next.get(prefix) ?? FIRST_SEQUENCE;
    this.#next.set(prefix, sequence + 1);
    return makeId(prefix, sequence);
  }
}
