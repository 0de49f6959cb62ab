import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact, registerSecret } from '../../../salesforce/core/redact.js';

test('redaction removes session ids, bearer tokens, form and JSON secrets and registered values', () => {
  registerSecret('hunter2-password');
  const cases: Array<[string, string]> = [
    ['Authorization: Bearer 00D5g000000abcd!AQ8AQJ.xyz_SECRET_TOKEN_VALUE', 'Authorization: Bearer [REDACTED]'],
    ['session 00D5g000000abcdEAA!AQ8AQJxxxxxxxxxxxxxxxxxxxxxxxxx expired', 'session [REDACTED] expired'],
    [
      'grant_type=password&password=abc123&client_secret=s3cr3t',
      'grant_type=password&password=[REDACTED]&client_secret=[REDACTED]',
    ],
    ['{"access_token":"tok","instance_url":"https://x"}', '{"access_token":"[REDACTED]","instance_url":"https://x"}'],
    ['<sessionId>abc</sessionId>', '<sessionId>[REDACTED]</sessionId>'],
    ['login as bob with hunter2-password failed', 'login as bob with [REDACTED] failed'],
    ['JWT bearer login needs SF_JWT_KEY_FILE', 'JWT bearer login needs SF_JWT_KEY_FILE'],
    ['OAuth password grant failed', 'OAuth password grant failed'],
  ];
  for (const [input, expected] of cases) assert.equal(redact(input), expected);
});
