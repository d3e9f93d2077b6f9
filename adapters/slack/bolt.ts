// Bolt, loaded with require(). Bolt is CommonJS: an `import` of it has Node read and scan the source of every module
// its index re-exports to list the names (cjs-module-lexer), about 3 MiB and tens of milliseconds at start-up spent on
// names require() hands over as they are. Types still come from `import type ... from '@slack/bolt'`.
import { createRequire } from 'node:module';

type Bolt = typeof import('@slack/bolt', { with: { 'resolution-mode': 'require' } });

const bolt = createRequire(import.meta.url)('@slack/bolt') as Bolt;

export const { App, HTTPReceiver, SocketModeReceiver, LogLevel, webApi } = bolt;
