/** The comparison's input: N Contacts with FirstName, LastName and Email (1,000,000 rows ≈ 43 MB of CSV). */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** Writes `rows` generated Contacts as CSV, streaming, in blocks of 10,000 lines. */
export async function writeContacts(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('FirstName,LastName,Email\n');
  for (let start = 0; start < rows; start += 10_000) {
    let block = '';
    for (let i = start; i < Math.min(rows, start + 10_000); i++) block += `First${i},Last${i},user${i}@example.com\n`;
    await write(block);
  }
  out.end();
  await once(out, 'finish');
}
