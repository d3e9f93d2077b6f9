// The bot's modules as `npm start` runs them: the JavaScript that `npm run build` (and `npm ci`) compiles into dist/,
// not the TypeScript sources through tsx, which adds a helper call naming every function it defines (esbuild's
// keepNames) and so costs the bot, and not the bare SDK apps beside it, about 2% of each status request. `npm run
// bench` builds first. Types come from the sources the JavaScript was compiled from.
import type * as FileStore from '../adapters/store/file-store.js';
import type * as PostgresStore from '../adapters/store/postgres/store.js';
import type * as SlackApp from '../adapters/slack/app.js';
import type * as SlackRender from '../adapters/slack/render.js';
import type * as TeamsAdapter from '../adapters/teams/adapter.js';
import type * as TeamsRender from '../adapters/teams/render.js';
import type * as Server from '../adapters/server.js';
import type * as BotModule from '../src/bot.js';
import type * as Ports from '../src/ports.js';

const compiled = async <T>(path: string): Promise<T> => (await import(new URL(`../dist/${path}`, import.meta.url).href)) as T;

export const { fileStore } = await compiled<typeof FileStore>('adapters/store/file-store.js');
export const { createSlackAdapter } = await compiled<typeof SlackApp>('adapters/slack/app.js');
export const { renderSlack } = await compiled<typeof SlackRender>('adapters/slack/render.js');
export const { createTeamsAdapter } = await compiled<typeof TeamsAdapter>('adapters/teams/adapter.js');
export const { replyActivity } = await compiled<typeof TeamsRender>('adapters/teams/render.js');
export const { startServer } = await compiled<typeof Server>('adapters/server.js');
export const { createBot } = await compiled<typeof BotModule>('src/bot.js');
export const { silentLogger } = await compiled<typeof Ports>('src/ports.js');

/** The PostgreSQL store, loaded only where a comparison asks for it. */
export const postgresStore = async (...args: Parameters<typeof PostgresStore.postgresStore>) =>
  (await compiled<typeof PostgresStore>('adapters/store/postgres/store.js')).postgresStore(...args);
