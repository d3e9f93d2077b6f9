// Bolt, loaded with require(), and only as much of it as the deployment uses. Bolt is CommonJS: an `import` of it
// has Node read and scan the source of every module its index re-exports to list the names (cjs-module-lexer), about
// 3 MiB and tens of milliseconds at start-up spent on names require() hands over as they are. Types still come from
// `import type ... from '@slack/bolt'`.
//
// Bolt's index also loads every receiver: Express's, AWS Lambda's and Socket Mode's (with its WebSocket client and
// undici), and its App module requires the Socket Mode receiver at the top although it only builds one when asked.
// An app over HTTP (no SLACK_APP_TOKEN) uses none of them: its receiver is ours (receiver.ts). httpBolt() loads the App
// alone (the App's module still loads Bolt's HTTP receiver's), and leaves in Node's module cache (`require.cache`,
// which Node documents as open to adding entries) a stand-in for the Socket Mode receiver's module that loads the
// real module the first time anything asks for its class. Measured: Bolt
// loads in about 80 ms and 54 MiB instead of 210 ms and 69 MiB (docs/performance.md). Socket Mode, and anything that
// loads Bolt's index later in the same process, gets the real receiver, as the stand-in hands it over on first use.
import Module, { createRequire } from 'node:module';

type Bolt = typeof import('@slack/bolt', { with: { 'resolution-mode': 'require' } });
type SlackLogger = typeof import('@slack/logger', { with: { 'resolution-mode': 'require' } });

const require = createRequire(import.meta.url);
const boltIndex = require.resolve('@slack/bolt');
/** Requires as Bolt's index does: its own files, and its dependencies (the Web API client, the logger). */
const fromBolt = createRequire(boltIndex);

/** The Web API client Bolt uses (the scheduler's `reform tick` needs this alone, not Bolt). */
export const webApi = fromBolt('@slack/web-api') as Bolt['webApi'];
export const { LogLevel } = fromBolt('@slack/logger') as SlackLogger;

/** The whole of Bolt, Socket Mode among it. */
export function socketModeBolt(): Pick<Bolt, 'App' | 'SocketModeReceiver'> {
  return require('@slack/bolt') as Bolt;
}

/** Where Bolt keeps a file of its own, or undefined if this Bolt does not lay its files out so. */
function boltFile(name: string): string | undefined {
  try {
    return fromBolt.resolve(name);
  } catch {
    return undefined;
  }
}

/**
 * Bolt's App, without loading the Socket Mode receiver until something uses it. Falls back to the whole of Bolt when
 * its files are not where this Bolt keeps them, or when they are loaded already.
 */
export function httpBolt(): Pick<Bolt, 'App'> {
  const app = boltFile('./App');
  const socket = boltFile('./receivers/SocketModeReceiver');
  if (!app || !socket) return require('@slack/bolt') as Bolt;
  if (!require.cache[app] && !require.cache[socket]) deferModule(socket);
  return { App: (fromBolt(app) as { default: Bolt['App'] }).default };
}

/**
 * Puts in the module cache, at `path`, a module whose `default` export is the real module's, loaded at first use. The
 * stand-in then gives way: the real module takes its place in the cache, so later requires get it directly.
 */
function deferModule(path: string): void {
  let real: { default: unknown } | undefined;
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = {
    __esModule: true,
    get default(): unknown {
      if (!real) {
        if (require.cache[path] === standIn) delete require.cache[path];
        real = require(path) as { default: unknown };
      }
      return real.default;
    },
  };
  require.cache[path] = standIn;
}
