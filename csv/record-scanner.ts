/**
 * CSV records straight from bytes, for the checks that read Salesforce's result files and our staged units:
 * counting rows and fingerprinting them, synchronously, chunk by chunk, one pass per byte. No string per value
 * and no promise per row: in a Temporal worker every promise also runs AsyncLocalStorage hooks, so a per-row
 * `await` costs more than the parse. Rows are what `readCsvRows` yields for the same bytes (comma-delimited,
 * LF or CRLF, RFC 4180 quoting), which the result-matching tests and a fuzz check against papaparse hold to.
 */
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/** Hash lanes: two 32-bit multiply-xor chains (FNV-like, golden-ratio and murmur primes). */
const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;

/**
 * Splits comma-separated CSV bytes (RFC 4180; LF or CRLF; a leading UTF-8 BOM skipped) into records,
 * synchronously, chunk by chunk, hashing each value's unquoted bytes on the way (one pass per byte). For each
 * complete record the callback finds the fields as offsets into `buf` and their hashes; blank lines (and a
 * lone `""`) are not records, as in `readCsvRows`. A record cut by a chunk's end is finished on a small joined
 * buffer, so chunks are not copied.
 */
export class CsvRecordScanner {
  buf: Buffer = Buffer.alloc(0);
  fields = 0;
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  /** 1 when the value was quoted and holds doubled quotes. */
  escaped = new Uint8Array(16);
  /** Each value's hash lanes, its unquoted length mixed in. */
  f1 = new Int32Array(16);
  f2 = new Int32Array(16);
  /** The last {@link fingerprint}: 64 bits in two lanes. */
  h1 = 0;
  h2 = 0;
  /**
   * Which values to hash, by position: `all`, `none` (counting only), or a mask (result files: the input's
   * columns, not Salesforce's `sf__` ones).
   */
  hashing: 'all' | 'none' | Uint8Array = 'all';
  /** Where the current record's bytes start and end in `buf`, its line ending included. */
  recordStart = 0;
  recordEnd = 0;
  private rest: Buffer | undefined;
  private head: Buffer | undefined;
  private first = true;

  push(chunk: Buffer, onRecord: () => void): void {
    if (this.first) {
      const head = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      if (head.length < 3) {
        this.head = head;
        return;
      }
      this.first = false;
      this.head = undefined;
      chunk = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
    }
    const data = this.rest ? this.finishRest(chunk, onRecord) : chunk;
    if (!data) return;
    this.buf = data;
    const done = this.scan(false, onRecord);
    this.rest = done < data.length ? Buffer.from(data.subarray(done)) : undefined;
  }

  end(onRecord: () => void): void {
    const last = this.first ? this.head : this.rest;
    this.first = false;
    this.head = this.rest = undefined;
    if (!last) return;
    this.buf = last;
    this.scan(true, onRecord);
  }

  /** Completes the record that the previous chunk cut off; returns what of `chunk` follows it. */
  private finishRest(chunk: Buffer, onRecord: () => void): Buffer | undefined {
    const rest = this.rest ?? Buffer.alloc(0);
    for (let take = Math.min(chunk.length, 4096); ; take = Math.min(chunk.length, take * 4)) {
      this.buf = Buffer.concat([rest, chunk.subarray(0, take)]);
      const next = this.record(0, false);
      if (next >= 0) {
        this.rest = undefined;
        this.recordStart = 0;
        this.recordEnd = next;
        this.emit(onRecord);
        return chunk.subarray(Math.max(0, next - rest.length));
      }
      if (take === chunk.length) {
        this.rest = this.buf;
        return undefined;
      }
    }
  }

  /** Scans complete records from the start of `buf`; returns where the incomplete rest begins. */
  private scan(final: boolean, onRecord: () => void): number {
    const len = this.buf.length;
    let pos = 0;
    while (pos < len) {
      const next = this.record(pos, final);
      if (next < 0) return pos;
      this.recordStart = pos;
      this.recordEnd = pos = next;
      this.emit(onRecord);
    }
    return pos;
  }

  private emit(onRecord: () => void): void {
    if (this.fields > 1 || this.ends[0] !== this.starts[0]) onRecord();
  }

  /** Reads the record at `i` into the field arrays; returns where the next begins, or -1 if it is cut off. */
  private record(i: number, final: boolean): number {
    const buf = this.buf;
    const len = buf.length;
    this.fields = 0;
    const hashing = this.hashing;
    for (;;) {
      let h1 = 0x811c9dc5;
      let h2 = 0x2166136;
      let n = 0;
      const hash = hashing === 'all' || (hashing !== 'none' && hashing[this.fields] === 1);
      let c = buf[i];
      if (c === QUOTE) {
        let j = i + 1;
        let escaped = 0;
        for (;;) {
          if (j >= len) {
            if (!final) return -1;
            break; // a quote that never closes: the rest is its value
          }
          c = buf[j] ?? 0;
          if (c === QUOTE) {
            if (j + 1 >= len && !final) return -1;
            if (buf[j + 1] !== QUOTE) break;
            escaped = 1;
            j += 1;
          }
          if (hash) {
            h1 = Math.imul(h1 ^ c, P1);
            h2 = Math.imul(h2 ^ c, P2);
          }
          n += 1;
          j += 1;
        }
        this.field(i + 1, j, escaped, h1, h2, n);
        // Past the closing quote; anything before the delimiter (malformed) is skipped, CR included.
        i = j + 1;
        while (i < len && buf[i] !== COMMA && buf[i] !== LF) i++;
      } else {
        let j = i;
        while (j < len && c !== COMMA && c !== LF) {
          if (c === CR && (j + 1 < len ? buf[j + 1] === LF : !final)) {
            if (j + 1 >= len) return -1;
            break; // CRLF ends the record; the CR is not part of the value
          }
          if (hash) {
            h1 = Math.imul(h1 ^ (c ?? 0), P1);
            h2 = Math.imul(h2 ^ (c ?? 0), P2);
          }
          n += 1;
          c = buf[++j];
        }
        this.field(i, j, 0, h1, h2, n);
        i = c === CR ? j + 1 : j;
      }
      if (i >= len) return final ? len : -1;
      if (buf[i] === LF) return i + 1;
      i += 1; // the delimiter
    }
  }

  private field(start: number, end: number, escaped: number, h1: number, h2: number, length: number): void {
    const k = this.fields++;
    if (k >= this.starts.length) this.widen(k * 2);
    this.starts[k] = start;
    this.ends[k] = end;
    this.escaped[k] = escaped;
    this.f1[k] = Math.imul(h1 ^ (length + 0x100), P1);
    this.f2[k] = Math.imul(h2 ^ (length + 0x100), P2);
  }

  private widen(size: number): void {
    const grow = <T extends Int32Array | Uint8Array>(from: T, to: T): T => (to.set(from), to);
    this.starts = grow(this.starts, new Int32Array(size));
    this.ends = grow(this.ends, new Int32Array(size));
    this.escaped = grow(this.escaped, new Uint8Array(size));
    this.f1 = grow(this.f1, new Int32Array(size));
    this.f2 = grow(this.f2, new Int32Array(size));
  }

  /** The current record's values as strings (for headers). */
  texts(): string[] {
    const out: string[] = [];
    for (let k = 0; k < this.fields; k++) {
      const text = this.buf.toString('utf8', this.starts[k], this.ends[k]);
      out.push(this.escaped[k] ? text.replace(/""/g, '"') : text);
    }
    return out;
  }

  /**
   * The current record's fingerprint from its values at `positions` (all, in order, when undefined), into
   * `h1`, `h2`. A position past the record's last value counts as an empty value.
   */
  fingerprint(positions: Int32Array | undefined): void {
    let r1 = 0x9e3779b9;
    let r2 = 0x85ebca6b;
    const n = positions ? positions.length : this.fields;
    for (let p = 0; p < n; p++) {
      const k = positions ? (positions[p] ?? 0) : p;
      const v1 = k < this.fields ? (this.f1[k] ?? 0) : EMPTY1;
      const v2 = k < this.fields ? (this.f2[k] ?? 0) : EMPTY2;
      r1 = Math.imul(r1 ^ v1, P1);
      r1 ^= r1 >>> 15;
      r2 = Math.imul(r2 ^ v2, P2);
      r2 ^= r2 >>> 13;
    }
    this.h1 = Math.imul(r1 ^ (r2 >>> 16), 0x2c1b3c6d);
    this.h2 = Math.imul(r2 ^ (r1 >>> 13), 0x297a2d39);
  }
}

/**
 * The fingerprint {@link CsvRecordScanner.fingerprint} gives a record, from its values as strings (as
 * papaparse yields them): each value's UTF-8 bytes are hashed as the scanner hashes their unquoted bytes.
 */
export function fingerprintValues(values: readonly string[]): [number, number] {
  let r1 = 0x9e3779b9;
  let r2 = 0x85ebca6b;
  for (const value of values) {
    const bytes = Buffer.from(value, 'utf8');
    let h1 = 0x811c9dc5;
    let h2 = 0x2166136;
    for (const c of bytes) {
      h1 = Math.imul(h1 ^ c, P1);
      h2 = Math.imul(h2 ^ c, P2);
    }
    r1 = Math.imul(r1 ^ Math.imul(h1 ^ (bytes.length + 0x100), P1), P1);
    r1 ^= r1 >>> 15;
    r2 = Math.imul(r2 ^ Math.imul(h2 ^ (bytes.length + 0x100), P2), P2);
    r2 ^= r2 >>> 13;
  }
  return [Math.imul(r1 ^ (r2 >>> 16), 0x2c1b3c6d), Math.imul(r2 ^ (r1 >>> 13), 0x297a2d39)];
}

/** The lanes of an empty value, for a result row with fewer values than its header. */
const EMPTY1 = Math.imul(0x811c9dc5 ^ 0x100, P1);
const EMPTY2 = Math.imul(0x2166136 ^ 0x100, P2);

/**
 * Counts a CSV stream's data rows (header excluded, blank lines skipped, as `countCsvRecords` does) from its
 * bytes: `push` chunks, then `end()`. One pass, no strings, no promise per row.
 */
export class CsvRecordCounter {
  private readonly scanner = Object.assign(new CsvRecordScanner(), { hashing: 'none' as const });
  private records = 0;
  private readonly onRecord = () => {
    this.records += 1;
  };

  push(chunk: Buffer | string): void {
    this.scanner.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, this.onRecord);
  }

  end(): number {
    this.scanner.end(this.onRecord);
    return Math.max(0, this.records - 1);
  }
}
