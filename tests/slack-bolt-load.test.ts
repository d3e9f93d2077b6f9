// Bolt over HTTP without its Socket Mode receiver (adapters/slack/bolt.ts): the receiver's module is not loaded until
// something asks for its class, and then it is the real one, wherever it is asked for. Run in a fresh Node process,
// as Node's module cache is shared by every test in a worker.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs an ES module script against the compiled adapter (tests/global-setup.ts builds dist/ first). */
function run(script: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`the script failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

const prelude = `
import { createRequire } from 'node:module';
const { httpBolt, socketModeBolt } = await import(${JSON.stringify(new URL('../dist/adapters/slack/bolt.js', import.meta.url).href)});
const require = createRequire(import.meta.url);
const loaded = (part) => Object.keys(require.cache).some((k) => k.includes(part));
`;

describe('Bolt without Socket Mode', () => {
  it('loads the App without the Socket Mode client, and hands over the real receiver when asked', () => {
    const seen = run(`${prelude}
const { App } = httpBolt();
const before = { socketMode: loaded('/@slack/socket-mode/'), express: loaded('/node_modules/express/') };
// An App asked for Socket Mode builds the receiver itself, from the module the stand-in holds the place of.
const app = new App({ token: 'xoxb-1', appToken: 'xapp-1', socketMode: true, deferInitialization: true, logLevel: 'error' });
const after = loaded('/@slack/socket-mode/');
const whole = socketModeBolt();
const path = require.resolve('@slack/bolt/dist/receivers/SocketModeReceiver');
console.log(JSON.stringify({
  before,
  after,
  sameApp: whole.App === App,
  appsReceiverIsReal: app.receiver instanceof whole.SocketModeReceiver,
  cacheHoldsReal: require.cache[path].exports.default === whole.SocketModeReceiver,
}));`);
    expect(seen).toEqual({ before: { socketMode: false, express: false }, after: true, sameApp: true, appsReceiverIsReal: true, cacheHoldsReal: true });
  });

  it('Bolt loaded whole first: the HTTP path takes it as it is', () => {
    const seen = run(`${prelude}
const whole = socketModeBolt();
const { App } = httpBolt();
const path = require.resolve('@slack/bolt/dist/receivers/SocketModeReceiver');
console.log(JSON.stringify({ sameApp: whole.App === App, cacheHoldsReal: require.cache[path].exports.default === whole.SocketModeReceiver }));`);
    expect(seen).toEqual({ sameApp: true, cacheHoldsReal: true });
  });
});
