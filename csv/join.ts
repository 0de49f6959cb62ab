/**
 * Joining CSV parts that each repeat the header (query result pages, v1 result files) into one CSV: the first
 * part's header, then every part's rows, byte for byte (no parse: a header has no line break in it).
 */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

/** Writes the parts, opened one at a time in order, to `sink`, and ends it; `onPart` is told after each. */
export async function joinCsvParts(
  parts: ReadonlyArray<() => Readable>,
  sink: Writable,
  onPart: (index: number) => void = () => undefined,
): Promise<void> {
  let wroteHeader = false;
  for (const [index, open] of parts.entries()) {
    let skipping = wroteHeader; // every part repeats the header line; keep the first only
    for await (const chunk of open() as AsyncIterable<Buffer>) {
      let data = chunk;
      if (skipping) {
        const newline = data.indexOf(0x0a);
        if (newline < 0) continue;
        data = data.subarray(newline + 1);
        skipping = false;
      }
      if (data.length > 0) {
        wroteHeader = true;
        if (!sink.write(data)) await once(sink, 'drain');
      }
    }
    onPart(index);
  }
  sink.end();
  await once(sink, 'finish');
}
