// Files the bot serves itself, for Teams (which shows pictures and opens links by URL): each at an unguessable
// address, /files/<192 random bits>/<name>, that expires after 24 hours. Kept in memory: a restart forgets them,
// and the bot makes them again on the next `report`. Served by the one HTTP server (server.ts).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export interface ShelfFile {
  name: string;
  type: string;
  data: Buffer;
}

export interface FileShelf {
  /** Keeps the file until it expires and returns its address. */
  put(file: ShelfFile): string;
  /** Answers GET /files/<token>/<name>; an unknown, expired or misnamed address gets 404. */
  serve(path: string, res: ServerResponse): void;
}

export const FILE_TTL_MS = 24 * 60 * 60_000;
/** The most bytes kept at once; the oldest files go first (a pack is about half a megabyte). */
const MAX_BYTES = 200 * 1024 * 1024;

export function fileShelf(opts: { baseUrl: string; ttlMs?: number; now?: () => number }): FileShelf {
  const ttl = opts.ttlMs ?? FILE_TTL_MS;
  const now = opts.now ?? Date.now;
  const base = opts.baseUrl.replace(/\/+$/, '');
  const files = new Map<string, ShelfFile & { expires: number }>();
  let bytes = 0;
  const drop = (token: string): void => {
    bytes -= files.get(token)?.data.length ?? 0;
    files.delete(token);
  };
  const prune = (): void => {
    for (const [token, f] of files) if (f.expires <= now()) drop(token);
    // Insertion order is age order.
    for (const token of files.keys()) {
      if (bytes <= MAX_BYTES) break;
      drop(token);
    }
  };
  return {
    put(file) {
      const token = randomBytes(24).toString('base64url');
      files.set(token, { ...file, expires: now() + ttl });
      bytes += file.data.length;
      prune();
      return `${base}/files/${token}/${encodeURIComponent(file.name)}`;
    },
    serve(path, res) {
      const [, , token = '', name = ''] = path.split('/');
      const file = files.get(token);
      if (!file || file.expires <= now() || decodeURIComponent(name) !== file.name) {
        if (file && file.expires <= now()) drop(token);
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      res
        .writeHead(200, {
          'Content-Type': file.type,
          'Content-Length': String(file.data.length),
          // Pictures show in the card; documents download under their own name.
          'Content-Disposition': `${file.type.startsWith('image/') ? 'inline' : 'attachment'}; filename="${file.name}"`,
          'Cache-Control': 'private, max-age=86400',
          'X-Content-Type-Options': 'nosniff',
        })
        .end(file.data);
    },
  };
}
