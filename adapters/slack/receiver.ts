// Bolt's way in over HTTP: a receiver, as Bolt's documentation describes writing one (init, start, stop, and each
// request handed to app.processEvent with its ack), fed by the request guard (guard.ts). The guard already reads the
// body with a cap, checks its signature and parses it once, as Bolt's receiver parses it; Bolt's HTTPReceiver would
// read the URL again, buffer and parse the body a second time and build an ack object per request, about a tenth of
// a status answer's work (docs/performance.md). What it then did is done here the same way:
//   - ssl_check: 200, no body; url_verification: 200 with the challenge as JSON;
//   - every other request goes to the App with an ack that answers once (empty, text, or JSON) and throws Bolt's
//     multiple-ack error if called again, and with the x-slack-retry-num and x-slack-retry-reason headers;
//   - a failure the App lets out: 401 for a failed authorization, else 500 (logged), unless already answered;
//   - a request no listener acked: 404 (a warning, once a minute per command or type). Bolt's receiver sends it
//     after waiting 3 seconds, a timer on every request; this one sends it when the App is done with the request,
//     as the bot's listeners all ack before they finish (a slash command within ANSWER_IN_ACK_MS, a button and an
//     event first thing).
// The App, its listeners, ack, respond, say and the Web API client are Bolt's own; only the receiver is ours. Socket
// Mode keeps Bolt's SocketModeReceiver.
import type { RequestListener, ServerResponse } from 'node:http';
import type { App, ErrorCode, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../src/ports.js';
import { warnOnce } from '../warnings.js';
import { guardedSlackListener, headerOf, type CheckedSlackRequest } from './guard.js';

/** Bolt's code for an authorize function that failed (the compiler holds it to Bolt's ErrorCode). */
const AUTHORIZATION_ERROR: `${ErrorCode.AuthorizationError}` = 'slack_bolt_authorization_error';
/** Bolt's code for an ack called twice, so code that checks for it still can (held to Bolt's ErrorCode). */
const MULTIPLE_ACK_ERROR: `${ErrorCode.ReceiverMultipleAckError}` = 'slack_bolt_receiver_ack_multiple_error';

export interface GuardedReceiver extends Receiver {
  /** Serves POST /slack/events: the guard, then the App. */
  readonly requestListener: RequestListener;
}

/** The ack's answer, as Bolt's HTTPReceiver writes it: nothing, a text, or JSON. */
function answer(res: ServerResponse, body: unknown): void {
  if (!body) res.writeHead(200).end();
  else if (typeof body === 'string') res.writeHead(200).end(body);
  else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export function guardedReceiver(signingSecret: string, logger: Logger): GuardedReceiver {
  let app: App | undefined;

  const dispatch = async ({ req, res, body }: CheckedSlackRequest): Promise<void> => {
    // Slack's probes, answered without the App.
    if (body.ssl_check === '1') return void res.writeHead(200).end();
    if (body.type === 'url_verification') return answer(res, { challenge: body.challenge });
    if (!app) throw new Error('the Slack receiver was given a request before Bolt initialised it');
    // Who answered the request: the ack, or the receiver once the App was done with it.
    let answered: 'ack' | 'receiver' | undefined;
    const retry = headerOf(req, 'x-slack-retry-num');
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (answered === 'ack') throw Object.assign(new Error('ack() was called more than once'), { code: MULTIPLE_ACK_ERROR });
        if (answered) throw new Error('ack() came after the request was answered');
        answered = 'ack';
        answer(res, response);
      },
      retryNum: retry === undefined ? undefined : Number.parseInt(retry, 10),
      retryReason: headerOf(req, 'x-slack-retry-reason'),
    };
    try {
      await app.processEvent(event);
    } catch (error) {
      if (answered || res.headersSent) {
        logger.error('slack request failed after its ack', { error: String(error).slice(0, 300) });
        return;
      }
      answered = 'receiver';
      if ((error as { code?: unknown } | null)?.code === AUTHORIZATION_ERROR) return void res.writeHead(401).end();
      logger.error('slack request failed', { error: String(error).slice(0, 300) });
      return void res.writeHead(500).end();
    }
    // The App has run every listener for it, so nothing will ack it now: a request no listener takes (a shortcut or
    // a form the bot has none for) gets its 404 at once, where Bolt's receiver waits 3 seconds to send it.
    if (!answered) {
      answered = 'receiver';
      // Signed, so Slack's: most likely a feature switched on in the app's settings that the bot has no listener for.
      const kind = String(body.command ?? body.type ?? 'unknown');
      warnOnce(logger, 'slack request not acknowledged by any listener; answered 404', kind, { type: kind });
      if (!res.headersSent) res.writeHead(404).end();
    }
  };

  return {
    requestListener: guardedSlackListener(dispatch, signingSecret, logger),
    init(given: App) {
      app = given;
    },
    // The bot's one server (adapters/server.ts) listens and hands requests to requestListener.
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}
