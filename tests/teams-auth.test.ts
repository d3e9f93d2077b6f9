// Teams authentication, the whole path, against the real `reform start` process: botbuilder's authentication
// settings come from the environment, Teams' signing keys are published on loopback, and the bot's own tokens come
// from a token service on https://127.0.0.1 trusted through NODE_EXTRA_CA_CERTS. A correctly signed activity is
// answered (with a token from that service); a token for another audience, issuer or serviceUrl is refused; another
// tenant's activity is not run; a scheduled message is sent with the app id and password.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyState } from '../src/tracking/state.js';
import { ALICE, BOT, PERSONAL, startFakeConnector, startSigningKeys, teamsActivity, type FakeConnector, type SigningKeys } from './fakes/bot-connector.js';
import { startFakeLogin, type FakeLogin } from './fakes/microsoft-login.js';

const APP_ID = '00000000-0000-0000-0000-0000000000a1';
const ISSUER = 'https://api.botframework.test';
const SCOPE = 'https://api.botframework.test';
const CHANNEL = '19:general@thread.tacv2';

let child: ChildProcess | undefined;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Bot {
  url: string;
  log: string[];
}

/** `reform start` with Teams on, its authentication settings pointed at the fakes; resolves once it is ready. */
async function startBot(env: Record<string, string>): Promise<Bot> {
  const log: string[] = [];
  child = spawn(process.execPath, ['bin/reform.mjs', 'start'], {
    env: { PATH: process.env.PATH, REFORM_ENV_FILE: '', HOST: '127.0.0.1', PORT: '0', REFORM_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let buffered = '';
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bot did not start:\n${log.join('\n')}`)), 60_000);
    child!.on('exit', (code) => reject(new Error(`the bot exited (${code}):\n${log.join('\n')}`)));
    child!.stderr!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        log.push(line);
        try {
          const entry = JSON.parse(line) as { message?: string; port?: number };
          if (entry.message === 'ready' && entry.port) {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // Not one of our log lines.
        }
      }
    });
  });
  return { url: `http://127.0.0.1:${await ready}/api/messages`, log };
}

async function fakes(): Promise<{ keys: SigningKeys; login: FakeLogin; connector: FakeConnector; dir: string }> {
  const keys = await startSigningKeys();
  const login = await startFakeLogin();
  const connector = await startFakeConnector();
  const dir = mkdtempSync(join(tmpdir(), 'reform-auth-'));
  cleanup.push(() => keys.close(), () => login.close(), () => connector.close(), () => rmSync(dir, { recursive: true, force: true }));
  return { keys, login, connector, dir };
}

function authEnv(keys: SigningKeys, login: FakeLogin, dir: string): Record<string, string> {
  return {
    REFORM_DB: join(dir, 'reform.json'),
    REFORM_NOW: '2026-11-24T10:00:00Z',
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'app-password-for-tests',
    ToBotFromChannelOpenIdMetadataUrl: keys.metadataUrl,
    ToBotFromChannelTokenIssuer: ISSUER,
    ToChannelFromBotLoginUrl: login.loginUrl,
    ToChannelFromBotOAuthScope: SCOPE,
    ValidateAuthority: 'false',
    NODE_EXTRA_CA_CERTS: login.caFile,
  };
}

const post = async (url: string, activity: unknown, token?: string): Promise<number> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(activity), signal: AbortSignal.timeout(30_000) });
  await res.text();
  return res.status;
};

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('Teams authentication through `reform start`, with botbuilder settings from the environment', () => {
  it('answers a correctly signed activity with a token from the configured login; refuses another audience, issuer or serviceUrl', { timeout: 120_000 }, async () => {
    const { keys, login, connector, dir } = await fakes();
    const bot = await startBot(authEnv(keys, login, dir));
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, aud: APP_ID, serviceurl: connector.url, nbf: now - 60, exp: now + 3600 };
    const activity = teamsActivity(connector.url, { text: 'status kinship', conversation: PERSONAL });

    expect(await post(bot.url, activity, keys.token(claims))).toBe(200);
    const reply = await connector.waitFor((c) => c.kind === 'reply' || c.kind === 'send', 30_000);
    expect(JSON.stringify(reply.body)).toContain('kinship');
    // The reply carried a token the configured login issued, asked for with the app's id, password and scope.
    expect(login.issued.length).toBeGreaterThan(0);
    expect(login.issued).toContain(reply.authorization?.replace(/^Bearer /, ''));
    expect(login.requests[0]!.form).toMatchObject({ grant_type: 'client_credentials', client_id: APP_ID, client_secret: 'app-password-for-tests', scope: `${SCOPE}/.default` });

    const before = connector.calls.length;
    const other = teamsActivity(connector.url, { text: 'assign kinship-strategy me', conversation: PERSONAL });
    expect(await post(bot.url, other, keys.token({ ...claims, aud: '00000000-0000-0000-0000-0000000000ff' }))).toBe(401);
    // The public cloud's issuer is not this cloud's.
    expect(await post(bot.url, other, keys.token({ ...claims, iss: 'https://api.botframework.com' }))).toBe(401);
    // Signed for another service: the activity names a serviceUrl the token was not issued for.
    expect(await post(bot.url, other, keys.token({ ...claims, serviceurl: 'http://127.0.0.1:1/' }))).toBe(401);
    await settle();
    expect(connector.calls.length).toBe(before);
    expect(bot.log.some((l) => l.includes('Teams request refused: no valid Bot Framework token'))).toBe(true);
  });

  it('with MicrosoftAppTenantId set, a correctly signed activity from another tenant is not run or answered', { timeout: 120_000 }, async () => {
    const { keys, login, connector, dir } = await fakes();
    const bot = await startBot({ ...authEnv(keys, login, dir), MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 'tenant-1' });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, aud: APP_ID, serviceurl: connector.url, nbf: now - 60, exp: now + 3600 };
    const foreign = { ...teamsActivity(connector.url, { text: 'assign kinship-strategy me', conversation: { ...PERSONAL, tenantId: 'tenant-2' } }), channelData: { tenant: { id: 'tenant-2' } } };
    expect(await post(bot.url, foreign, keys.token(claims))).toBe(200);
    await settle(500);
    expect(connector.calls).toEqual([]);
    expect(bot.log.some((l) => l.includes('Teams activity from another tenant ignored'))).toBe(true);
    // The bot's own tenant is answered.
    expect(await post(bot.url, teamsActivity(connector.url, { text: 'status kinship', conversation: PERSONAL }), keys.token(claims))).toBe(200);
    expect(JSON.stringify((await connector.waitFor((c) => c.kind === 'reply' || c.kind === 'send', 30_000)).body)).toContain('kinship');
  });

  it('sends a scheduled message (the weekly digest) to a Teams channel with the app id and password', { timeout: 120_000 }, async () => {
    const { keys, login, connector, dir } = await fakes();
    const state = emptyState();
    state.subscriptions.push({
      id: `digest:teams:${CHANNEL}`,
      kind: 'digest',
      platform: 'teams',
      channel: CHANNEL,
      extras: { reference: { channelId: 'msteams', serviceUrl: connector.url, bot: BOT, user: ALICE, conversation: { id: CHANNEL, isGroup: true, conversationType: 'channel', tenantId: 'tenant-1' } } },
      createdAt: '2026-11-27T15:00:00.000Z',
      createdBy: 'teams:aad-alice',
    });
    writeFileSync(join(dir, 'reform.json'), JSON.stringify(state));
    await startBot({ ...authEnv(keys, login, dir), REFORM_NOW: '2026-11-30T09:00:00Z' });
    const sent = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === CHANNEL, 60_000);
    expect(JSON.stringify(sent.body)).toContain('Weekly digest');
    expect(login.issued).toContain(sent.authorization?.replace(/^Bearer /, ''));
    expect(login.requests[0]!.form).toMatchObject({ client_id: APP_ID, client_secret: 'app-password-for-tests' });
  });
});
