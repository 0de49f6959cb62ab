/**
 * Redaction of secrets from anything that may reach a log, an error message or workflow history.
 * Salesforce session ids and OAuth tokens start with the 15-character org id and a `!`; other
 * secrets are known values (password, token) that the session registers here at start-up.
 */

const knownSecrets = new Set<string>();

/** Registers a value that must never be printed (passwords, security tokens, client secrets). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) knownSecrets.add(value);
}

const SESSION_ID = /\b00D[0-9A-Za-z]{12,15}![0-9A-Za-z._-]{20,}/g;
// Case-sensitive, and only a token-shaped word: "JWT bearer login" is prose, not a credential.
const BEARER = /\b(Bearer|OAuth)\s+(?=[^\s"',]*[0-9!._-])[^\s"',]{8,}/g;
const FORM_SECRET = /\b(password|client_secret|refresh_token|assertion|access_token|sessionId)=([^&\s"]+)/gi;
const JSON_SECRET = /"(password|client_secret|refresh_token|access_token|sessionId|assertion)"\s*:\s*"[^"]*"/gi;
const XML_SECRET = /<((?:\w+:)?(?:sessionId|password))>[^<]*<\/\1>/gi;

/** Returns `text` with session ids, bearer tokens and registered secrets replaced by `[REDACTED]`. */
export function redact(text: string): string {
  let out = text
    .replace(SESSION_ID, '[REDACTED]')
    .replace(BEARER, '$1 [REDACTED]')
    .replace(FORM_SECRET, '$1=[REDACTED]')
    .replace(JSON_SECRET, '"$1":"[REDACTED]"')
    .replace(XML_SECRET, '<$1>[REDACTED]</$1>');
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

/** Truncates a response body for an error message, after redaction. */
export function excerpt(body: string, max = 500): string {
  const clean = redact(body);
  return clean.length > max ? `${clean.slice(0, max)}… (${clean.length - max} more characters)` : clean;
}
