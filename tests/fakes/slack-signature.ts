// Slack's request signature, apart from the fake Web API (slack-api.ts, which re-exports it) so that a process that
// only signs requests, the benchmarks' load generator, does not load Bolt and the Slack adapter with it.
import { createHmac } from 'node:crypto';

/** Slack's request signature: `v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}
