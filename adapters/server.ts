// The one HTTP server of the process, on PORT: Slack's HTTP mode (POST /slack/events, its body capped and its
// signature checked by adapters/slack/guard.ts before Bolt's receiver sees it), Teams (POST /api/messages, a handler
// the Teams adapter supplies) and GET or HEAD /healthz for probes.
// Started once by the composition root after the chat adapters have started.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../src/ports.js';

export interface ServerOptions {
  port: number;
  host?: string;
  /** The started Slack adapter. Only HTTP mode takes requests here; Socket Mode's link is reported by /healthz. */
  slack?: { mode: 'http' | 'socket'; requestListener?: RequestListener; connected?: () => boolean };
  /** Handles POST /api/messages (the Teams adapter's Bot Framework endpoint). */
  teams?: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  /** Whether the tracking store can be reached now (a database may be down while the bot runs on). */
  store?: () => Promise<{ ok: boolean; store: string; error?: string }>;
  /** Serves GET /files/… (the report files and pictures Teams cards show and link to). */
  files?: { serve(path: string, res: ServerResponse): void };
  /** Serves GET /calendar/<secret>.ics (calendar feeds). */
  calendar?: { serve(path: string, res: ServerResponse): Promise<void> };
  logger: Logger;
}

export interface RunningServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/**
 * The path without its query, or undefined for a target that is not a URL at all (`//`, `http://[x`). A plain
 * origin-form target (`/slack/events?x`) is cut as it is; anything URL would read differently (absolute form,
 * `//`, dot segments) goes through URL.
 */
function pathOf(url: string): string | undefined {
  if (url.startsWith('/') && !url.startsWith('//') && !url.includes('/.')) {
    const query = url.indexOf('?');
    return query < 0 ? url : url.slice(0, query);
  }
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

function failed(logger: Logger, res: ServerResponse, path: string, error: unknown): void {
  logger.error('http handler failed', { path, error: error instanceof Error ? error.message : String(error) });
  send(res, 500);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { slack, teams, logger } = opts;
  const slackListener = slack?.mode === 'http' ? slack.requestListener : undefined;
  const health = { ok: true, slack: slack ? slack.mode : 'off', teams: teams ? 'on' : 'off' };

  const server = createServer((req, res) => {
    const path = pathOf(req.url ?? '/');
    // A request line no URL parser accepts gets a 400, not an exception that would stop the process.
    if (path === undefined) return send(res, 400, { ok: false, error: 'bad request target' });
    // HEAD as GET (load balancers probe with it); Node sends the headers and leaves the body out.
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/healthz') {
      // Socket Mode with its link to Slack down (it is reconnecting), or the store out of reach: 503, so a probe
      // (a load balancer, a readiness check) can tell. The process stays up and recovers by itself.
      const linked = !(slack?.connected && !slack.connected());
      const report = (store?: { ok: boolean; store: string; error?: string }): void => {
        const ok = linked && (store?.ok ?? true);
        // Why it is unavailable goes to the log, not to whoever can reach the port.
        if (store && !store.ok) logger.warn('health check: store unavailable', { store: store.store, error: store.error });
        const storeField = store ? { store: store.ok ? store.store : `${store.store} (unavailable)` } : {};
        send(res, ok ? 200 : 503, { ...health, ok, ...(linked ? {} : { slack: 'socket (disconnected)' }), ...storeField });
      };
      if (!opts.store) return report();
      return void opts.store().then(report, (error: unknown) => report({ ok: false, store: 'store', error: String(error) }));
    }
    if (req.method === 'POST' && path === '/slack/events' && slackListener) {
      try {
        // The guard answers 401 to bad signatures and stale timestamps; Bolt acks within Slack's 3 seconds.
        return void slackListener(req, res);
      } catch (error) {
        return failed(logger, res, path, error);
      }
    }
    if (req.method === 'GET' && path.startsWith('/files/') && opts.files) return opts.files.serve(path, res);
    if (req.method === 'GET' && path.startsWith('/calendar/') && opts.calendar) {
      // The address is a secret: a failure is logged with the route, never the path.
      return void opts.calendar.serve(path, res).catch((error: unknown) => failed(logger, res, '/calendar/…', error));
    }
    if (req.method === 'POST' && path === '/api/messages' && teams) {
      try {
        return void Promise.resolve(teams(req, res)).catch((error: unknown) => failed(logger, res, path, error));
      } catch (error) {
        return failed(logger, res, path, error);
      }
    }
    send(res, 404, { ok: false, error: 'not found' });
  });

  const host = opts.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    const refused = (error: Error): void => reject(listenProblem(error, host, opts.port));
    server.once('error', refused);
    server.listen(opts.port, host, () => {
      server.off('error', refused);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info('http server listening', { port, slack: health.slack, teams: health.teams });

  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would hold close() open; nothing useful is in flight at shutdown.
        server.closeAllConnections();
      }),
  };
}

/** The HTTP server could not start: one line naming the setting to change, not a stack trace. */
export class ServerStartError extends Error {}

function listenProblem(error: unknown, host: string, port: number): ServerStartError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') return new ServerStartError(`Cannot listen on ${where}: another program is using port ${port}. Stop it, or set PORT to a free port.`);
  if (code === 'EACCES') return new ServerStartError(`Cannot listen on ${where}: permission denied (ports below 1024 need privileges). Set PORT to 1024 or above.`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ServerStartError(`Cannot listen on ${where}: HOST "${host}" is not an address of this machine. Set HOST to 0.0.0.0 (every address) or 127.0.0.1 (this machine only).`);
  }
  return new ServerStartError(`Cannot listen on ${where}: ${code ?? String(error)}.`);
}
