// The memory a burst of unauthenticated requests costs the real `npm start` process: 50 at once, each as large as the
// endpoint takes (1 MiB) or 4 MiB; with no signature or token (refused before the body is read), and with a forged
// one that can only be checked against the body (read up to the cap, then refused).
// Resident memory is sampled every 10 ms from /proc while the burst is answered; the figure is the peak above the
// resident memory before it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SLACK_BODY_BYTES } from '../adapters/slack/guard.js';

export interface BurstFigure {
  endpoint: string;
  credentials: 'none' | 'forged';
  bodyMiB: number;
  requests: number;
  statuses: Record<string, number>;
  baselineMiB: number;
  peakMiB: number;
  costMiB: number;
}

const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface BurstCase {
  endpoint: string;
  path: string;
  credentials: 'none' | 'forged';
  bytes: number;
}

/** Each case in a process of its own, so one burst's grown heap does not hide the next one's cost. */
export async function benchUnsignedBurst(requests = 50): Promise<BurstFigure[]> {
  const cases: BurstCase[] = [['Slack', '/slack/events'], ['Teams', '/api/messages']].flatMap(([endpoint, path]) =>
    (['none', 'forged'] as const).flatMap((credentials) => [MAX_SLACK_BODY_BYTES, 4 * 1024 * 1024].map((bytes) => ({ endpoint: endpoint!, path: path!, credentials, bytes }))),
  );
  const figures: BurstFigure[] = [];
  for (const c of cases) figures.push(await burst(c, requests));
  return figures;
}

const forged = (endpoint: string): Record<string, string> =>
  endpoint === 'Slack'
    ? { 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': `v0=${'0'.repeat(64)}` }
    : { authorization: 'Bearer forged.token.value' };

async function burst({ endpoint, path, credentials, bytes }: BurstCase, requests: number): Promise<BurstFigure> {
  // Slack's start-up check (auth.test) needs an answer; nothing else is asked of it here.
  const slackApi = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, user_id: 'UBOT', team_id: 'T1', bot_id: 'B1' })));
  await new Promise<void>((resolve) => slackApi.listen(0, '127.0.0.1', resolve));
  const child = spawn(process.execPath, ['bin/reform.mjs', 'start'], {
    env: {
      PATH: process.env.PATH,
      REFORM_ENV_FILE: '',
      PORT: '0',
      HOST: '127.0.0.1',
      REFORM_DB: join(mkdtempSync(join(tmpdir(), 'reform-burst-')), 'reform.json'),
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-secret',
      SLACK_API_URL: `http://127.0.0.1:${(slackApi.address() as AddressInfo).port}/api/`,
      MicrosoftAppId: '00000000-0000-0000-0000-0000000000b1',
      MicrosoftAppPassword: 'bench-password',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('npm start was not ready within 60 s')), 60_000);
      let seen = '';
      child.stderr!.on('data', (d: Buffer) => {
        seen += d.toString();
        const ready = /"message":"ready","port":(\d+)/.exec(seen);
        if (ready) {
          clearTimeout(timer);
          resolve(Number(ready[1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`npm start exited with ${code}: ${seen.slice(-300)}`)));
    });
    await pause(1_000);
    const baseline = rssMiB(child.pid!);
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, rssMiB(child.pid!));
        await pause(10);
      }
    })();
    // What anyone on the network can send: JSON, as both endpoints take it.
    const body = Buffer.alloc(bytes, 'a');
    body.write('{"type":"message","text":"');
    body.write('"}', bytes - 2);
    const statuses: Record<string, number> = {};
    const headers = { 'content-type': 'application/json', ...(credentials === 'forged' ? forged(endpoint) : {}) };
    await Promise.all(
      Array.from({ length: requests }, async () => {
        const status = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body })
          .then(async (res) => (await res.arrayBuffer(), String(res.status)))
          // The connection closed while the request was still being sent: refused before it was read.
          .catch(() => 'closed');
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
    );
    await pause(200);
    sampling = false;
    await sampler;
    return { endpoint, credentials, bodyMiB: bytes / 2 ** 20, requests, statuses, baselineMiB: baseline, peakMiB: peak, costMiB: peak - baseline };
  } finally {
    child.kill('SIGKILL');
    slackApi.closeAllConnections();
    await new Promise<void>((resolve) => slackApi.close(() => resolve()));
  }
}
