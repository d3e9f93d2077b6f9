// What reads and checks every request on POST /slack/events before Bolt sees it. Bolt's own HTTP receiver reads a
// body of up to 4 MB before it checks the signature, logs a warning for every refused request, and a signed body that
// is JSON `null` (or a form whose payload is `null`) throws inside it where nothing catches it, stopping the process.
// Here the body is read with a cap, the signature checked, the body's shape checked, and only then is the request
// handed on, with the body parsed once, as Bolt parses it, to the receiver (receiver.ts), which gives it to Bolt's App.
//
// This is the only signature check on the HTTP path. What Bolt's receiver checked is all checked here, on the same
// bytes: the ssl_check form (content type exactly the form's, `ssl_check=1`) passes unsigned and is handed on as
// `{ ssl_check: '1' }` alone, so nothing smuggled beside it is read; every other request must pass signatureProblem,
// Bolt's verifySlackRequest's rules (v0 HMAC-SHA256 of `v0:<timestamp>:<body>`, timestamps older than five minutes
// refused) with a constant-time compare, on the body as the bytes read, decoded as Bolt decodes them. Socket Mode has
// no signatures.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse, type ParsedUrlQuery } from 'node:querystring';
import { isUtf8 } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../src/ports.js';
import { readBody, refuseBody } from '../http-body.js';
import { warnOnce } from '../warnings.js';

/**
 * The largest body taken. Slack's biggest payloads are a button click carrying its message (50 blocks of up to
 * 3,000 characters) and an event with a long message: a few hundred KB once form-encoded. 1 MB leaves room.
 */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;

const FORM = 'application/x-www-form-urlencoded';
/** Slack's ssl_check, the one request it sends unsigned, is a short form; an unsigned body is read no further. */
const UNSIGNED_MAX_BYTES = 4 * 1024;
/** Bolt refuses a request signed more than five minutes from now; so does this, before reading its body. */
const MAX_SKEW_SECONDS = 5 * 60;

/** A header Node gives as one string; undefined if absent (Node joins repeated custom headers into one). */
export const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Whether the request carries a signature and a timestamp Bolt could accept; only then is a full body read. */
function signedRecently(req: IncomingMessage, nowSeconds: number): boolean {
  const signature = req.headers['x-slack-signature'];
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  return typeof signature === 'string' && signature.startsWith('v0=') && Number.isFinite(timestamp) && Math.abs(nowSeconds - timestamp) <= MAX_SKEW_SECONDS;
}

const sourceOf = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

/**
 * Why a request's Slack signature does not hold, or undefined when it does. The rules of Bolt's verifySlackRequest:
 * a timestamp that is a number and not over five minutes old, version v0, and the HMAC-SHA256 of
 * `v0:<timestamp>:<body>` under the signing secret; stricter in one thing, as a signature is `v0=` and the hash,
 * nothing after it. The compare is crypto.timingSafeEqual over two strings of the hash's public length. Bolt's
 * compare (tsscmp) first hashes both sides again under a random key, two more HMACs and random bytes a request,
 * for no more safety here. A property test holds this to Bolt's verifier.
 *
 * `body` is the text, or the bytes read. Bolt signs the text it decodes from the bytes; for bytes that are UTF-8
 * (anything Slack sends) that is the bytes themselves, so they are signed as they are, and a forged megabyte is not
 * copied to be refused. Bytes that are not UTF-8 are decoded first, as Bolt decodes them.
 */
export function signatureProblem(signingSecret: string, body: string | Buffer, signature: string | undefined, timestampHeader: string | undefined, nowMs: number): string | undefined {
  if (!signingSecret) return 'no signing secret';
  const timestamp = Number(timestampHeader);
  if (Number.isNaN(timestamp)) return 'no timestamp';
  if (timestamp < Math.floor(nowMs / 1000) - MAX_SKEW_SECONDS) return 'timestamp over five minutes old';
  if (typeof signature !== 'string' || !signature.startsWith('v0=')) return 'not a v0 signature';
  // Bolt signs the timestamp as the number it read, so this does too.
  const signed = typeof body === 'string' || isUtf8(body) ? body : body.toString('utf8');
  const expected = Buffer.from(createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(signed).digest('hex'), 'latin1');
  const given = Buffer.from(signature.slice(3), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature mismatch';
  return undefined;
}

/**
 * The body as Bolt's receiver parses it (a form's `payload` is JSON, any other form is its fields, anything else is
 * JSON), or undefined if it is not a JSON object. `form`: the form already parsed, for a form.
 */
function parsedObject(body: Buffer, form: ParsedUrlQuery | undefined): Record<string, unknown> | undefined {
  try {
    let value: unknown;
    if (form) value = typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
    else value = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A request the guard let through: signed (or Slack's unsigned ssl_check), within the cap, its body an object. */
export interface CheckedSlackRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** Parsed once, as Bolt's receiver parses it; an ssl_check is `{ ssl_check: '1' }` alone. */
  body: Record<string, unknown>;
}

export function guardedSlackListener(deliver: (checked: CheckedSlackRequest) => void | Promise<void>, signingSecret: string, logger: Logger): RequestListener {
  return (req, res) => {
    void (async () => {
      // An unsigned or stale request costs at most a few KB: only an ssl_check could be one Slack sent.
      const signed = signedRecently(req, Date.now() / 1000);
      const read = await readBody(req, signed ? MAX_SLACK_BODY_BYTES : UNSIGNED_MAX_BYTES);
      if (!read.ok && read.status === 413 && !signed) {
        warnOnce(logger, 'slack request refused: bad or stale signature', sourceOf(req), { reason: 'no signature or timestamp within five minutes' });
        return refuseBody(req, res, 401, 'unauthorized');
      }
      if (!read.ok) {
        if (read.status === 413) warnOnce(logger, 'slack request refused: body too large', sourceOf(req), { limit: MAX_SLACK_BODY_BYTES });
        return refuseBody(req, res, read.status, read.message);
      }
      // Decoded as Bolt decodes it (Buffer#toString, UTF-8), so the bytes verified are the bytes parsed. A form is
      // read before its signature is checked, as Slack's ssl_check is an unsigned form; anything else is decoded only
      // once its signature holds.
      const contentType = req.headers['content-type'];
      const form = contentType === FORM ? parse(read.body.toString('utf8')) : undefined;
      // Slack's ssl_check is unsigned: it is handed on as `ssl_check=1` alone, which is answered with a 200, so a
      // `payload` or command sent beside it unsigned is never parsed, let alone run.
      if (form?.ssl_check === '1') return await deliver({ req, res, body: { ssl_check: '1' } });
      const problem = signatureProblem(signingSecret, read.body, headerOf(req, 'x-slack-signature'), headerOf(req, 'x-slack-request-timestamp'), Date.now());
      if (problem) {
        warnOnce(logger, 'slack request refused: bad or stale signature', sourceOf(req), { reason: problem });
        return refuseBody(req, res, 401, 'unauthorized');
      }
      const body = parsedObject(read.body, form);
      if (!body) {
        warnOnce(logger, 'slack request refused: signed, but the body is not a JSON object', sourceOf(req), { type: String(contentType ?? '') });
        return refuseBody(req, res, 400, 'bad request');
      }
      await deliver({ req, res, body });
    })().catch((error: unknown) => {
      logger.error('slack request failed', { error: String(error).slice(0, 300) });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}
