// The one HTTP server of the process, on PORT: Slack's HTTP mode (POST /slack/events, verified by Bolt's own
// receiver), Teams (POST /api/messages, a handler the Teams adapter supplies) and GET /healthz for probes.
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
    if (req.method === 'GET' && path === '/healthz') {
      // Socket Mode with its link to Slack down (it is reconnecting): 503, so a probe can tell.
      if (slack?.connected && !slack.connected()) return send(res, 503, { ...health, ok: false, slack: 'socket (disconnected)' });
      return send(res, 200, health);
    }
    if (req.method === 'POST' && path === '/slack/events' && slackListener) {
      try {
        // Bolt answers 401 to bad signatures and stale timestamps, and acks within Slack's 3 seconds.
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
