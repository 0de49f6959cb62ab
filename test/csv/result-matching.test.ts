import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { ResultMismatchError } from '../../salesforce/index.js';
import { checkResultsCoverInput } from '../../csv/result-matching.js';

const input = 'LastName,Email\nLovelace,ada@x\nHopper,grace@x\nHopper,grace@x\n"O\'Brien, ""Pat""",pat@x\n';
const file = (name: string, text: string) => ({ name, body: Readable.from([text]) });

const cases: Array<[string, string, string, string, string | undefined]> = [
  [
    'rows split across the three files, out of order, duplicates interchangeable',
    '"sf__Id","sf__Created",LastName,Email\n"003A","true",Hopper,grace@x\n"003B","true",Lovelace,ada@x\n',
    '"sf__Id","sf__Error",LastName,Email\n"","REQUIRED_FIELD_MISSING:x:--",Hopper,grace@x\n',
    'LastName,Email\n"O\'Brien, ""Pat""",pat@x\n',
    undefined,
  ],
  [
    'a row missing from every file',
    '"sf__Id","sf__Created",LastName,Email\n"003A","true",Hopper,grace@x\n',
    '"sf__Id","sf__Error",LastName,Email\n',
    'LastName,Email\n',
    '3 of 4 input rows have no row',
  ],
  [
    'a row reported twice',
    '"sf__Id","sf__Created",LastName,Email\n"003A","true",Lovelace,ada@x\n"003B","true",Lovelace,ada@x\n',
    '"sf__Id","sf__Error",LastName,Email\n',
    'LastName,Email\n',
    'successfulResults row 2 matches no input row',
  ],
  [
    'a value altered on the way',
    '"sf__Id","sf__Created",LastName,Email\n"003A","true",Lovelace,ADA@x\n',
    '"sf__Id","sf__Error",LastName,Email\n',
    'LastName,Email\n',
    'successfulResults row 1 matches no input row',
  ],
  ['a column missing', '"sf__Id","sf__Created",LastName\n', '', '', 'lacks the input columns Email'],
];

for (const [name, successful, failed, unprocessed, error] of cases) {
  test(`result matching: ${name}`, async () => {
    const run = checkResultsCoverInput(Readable.from([input]), [
      file('successfulResults', successful),
      file('failedResults', failed),
      file('unprocessedrecords', unprocessed),
    ]);
    if (error === undefined) assert.equal(await run, 4);
    else await assert.rejects(run, (e) => e instanceof ResultMismatchError && e.message.includes(error));
  });
}
