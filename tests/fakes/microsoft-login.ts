// A fake Microsoft login (the token service the bot asks for its Bot Connector tokens) on https://127.0.0.1, with
// a certificate made for the test by openssl. MSAL insists on HTTPS; the bot process trusts the certificate through
// NODE_EXTRA_CA_CERTS. It answers MSAL's OpenID configuration request and client-credentials token requests,
// recording each, and hands out tokens the fake Bot Connector can check for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TokenRequest {
  tenantPath: string;
  form: Record<string, string>;
}

export interface FakeLogin {
  /** Pass as ToChannelFromBotLoginUrl: https://127.0.0.1:PORT/<tenant>. */
  loginUrl: string;
  /** Pass as NODE_EXTRA_CA_CERTS to the bot process. */
  caFile: string;
  requests: TokenRequest[];
  /** Every access token handed out. */
  issued: string[];
  close(): Promise<void>;
}

export async function startFakeLogin(tenant = 'botframework.test'): Promise<FakeLogin> {
  const dir = mkdtempSync(join(tmpdir(), 'reform-login-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const requests: TokenRequest[] = [];
  const issued: string[] = [];
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const path = new URL(req.url ?? '/', base).pathname;
      const tenantPath = path.split('/')[1] ?? '';
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'GET' && path.endsWith('/v2.0/.well-known/openid-configuration')) {
        return json(200, {
          issuer: `${base}/${tenantPath}/v2.0`,
          authorization_endpoint: `${base}/${tenantPath}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/${tenantPath}/oauth2/v2.0/token`,
          end_session_endpoint: `${base}/${tenantPath}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/${tenantPath}/discovery/v2.0/keys`,
          response_modes_supported: ['query'],
        });
      }
      if (req.method === 'POST' && path.endsWith('/oauth2/v2.0/token')) {
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        requests.push({ tenantPath, form });
        if (form.grant_type !== 'client_credentials' || !form.client_secret) return json(400, { error: 'invalid_request' });
        const token = `bot-token-${issued.length + 1}`;
        issued.push(token);
        return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
      }
      json(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    loginUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}/${tenant}`,
    caFile: cert,
    requests,
    issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
