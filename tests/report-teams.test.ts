// `report` and the digest's picture through the real botbuilder path: the card shows the picture (within Teams'
// 1,024 × 1,024 pixels and 1 MB) and links to the files, served by the bot's own server at unguessable
// addresses that expire after 24 hours.
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';
import { fileShelf, FILE_TTL_MS, type FileShelf } from '../adapters/files.js';
import { startServer, type RunningServer } from '../adapters/server.js';
import { silentLogger } from '../src/ports.js';
import { digestMessage } from '../src/schedule/messages.js';
import { emptyState } from '../src/tracking/state.js';
import { at, defaultProgramme } from './helpers.js';
import { BOT_MENTION, PERSONAL, startTeams, type ConnectorCall, type TeamsHarness } from './fakes/bot-connector.js';

let h: TeamsHarness | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await h?.close();
  await server?.close();
  h = server = undefined;
});

/** The bot's HTTP server serving a shelf whose clock the test moves. */
async function servedShelf(): Promise<{ shelf: FileShelf; later(ms: number): void }> {
  let offset = 0;
  let shelf: FileShelf | undefined;
  server = await startServer({ port: 0, host: '127.0.0.1', files: { serve: (path, res) => shelf!.serve(path, res) }, logger: silentLogger });
  shelf = fileShelf({ baseUrl: `http://127.0.0.1:${server.port}/`, now: () => Date.now() + offset });
  return { shelf, later: (ms) => void (offset += ms) };
}

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const cardOf = (call: ConnectorCall) => call.body.attachments?.find((a: { contentType: string }) => a.contentType === ADAPTIVE)?.content;

async function checkTeamsPicture(url: string): Promise<void> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/png');
  const png = Buffer.from(await res.arrayBuffer());
  expect(png.length).toBeLessThanOrEqual(1024 * 1024);
  expect(png.readUInt32BE(16)).toBeLessThanOrEqual(1024);
  expect(png.readUInt32BE(20)).toBeLessThanOrEqual(1024);
}

describe('Teams: report', () => {
  it('answers with a card showing the picture and links to the Word report, workbook and full picture, which work', async () => {
    const { shelf, later } = await servedShelf();
    h = await startTeams({ files: shelf });
    await h.say({ text: '<at>Reform</at> report', entities: [BOT_MENTION] });
    const call = await h.connector.waitFor((c) => c.kind === 'reply', 60_000);
    const card = cardOf(call);
    expect(JSON.stringify(card.body)).toContain('Committee report');
    const image = card.body.find((e: { type: string }) => e.type === 'Image');
    expect(image.altText).toMatch(/^Timeline of \d+ dated milestones/);
    await checkTeamsPicture(image.url);
    const links = card.actions.filter((a: { type: string }) => a.type === 'Action.OpenUrl');
    expect(links.map((l: { title: string }) => l.title)).toEqual(['Word report', 'Workbook', 'Timeline (full size)']);
    for (const link of links as { url: string }[]) {
      // At least 128 random bits in the address: nobody finds a council's report by guessing.
      const token = new URL(link.url).pathname.split('/')[2]!;
      expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    }
    const word = await fetch(links[0].url);
    expect(word.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const xml = await (await JSZip.loadAsync(Buffer.from(await word.arrayBuffer()))).file('word/document.xml')!.async('string');
    expect(xml).toContain('kinship-strategy');
    expect((await fetch(links[2].url)).status).toBe(200);
    // Unknown and expired addresses are not found.
    expect((await fetch(links[0].url.replace(/files\/[^/]+/, 'files/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).status).toBe(404);
    later(FILE_TTL_MS + 1);
    expect((await fetch(links[0].url)).status).toBe(404);
  }, 90_000);

  it('answers with the card alone when the bot has no public address to serve files from', async () => {
    h = await startTeams();
    await h.say({ text: 'report', conversation: PERSONAL });
    const card = cardOf(await h.connector.waitFor((c) => c.kind === 'reply', 30_000));
    expect(JSON.stringify(card.body)).toContain('Committee report');
    expect(card.body.some((e: { type: string }) => e.type === 'Image')).toBe(false);
    expect(JSON.stringify(card.body)).toContain('REFORM_PUBLIC_URL');
  }, 60_000);
});

describe('Teams: the digest carries the timeline', () => {
  it('shows the picture, made once for every conversation it goes to, within Teams\' limits', async () => {
    const { shelf } = await servedShelf();
    h = await startTeams({ files: shelf });
    await h.say({ text: 'help', conversation: PERSONAL });
    const to = (await h.store.read()).directChannels['teams:aad-alice']!;
    const digest = digestMessage(defaultProgramme(), emptyState(), at('2026-11-30T09:00:00Z'), undefined);
    expect(await h.teams.chat.send(to, digest, { key: 'd1' })).toMatchObject({ ok: true });
    expect(await h.teams.chat.send(to, digest, { key: 'd2' })).toMatchObject({ ok: true });
    const sends = h.connector.calls.filter((c) => c.kind === 'send');
    const urls = sends.map((c) => cardOf(c).body.find((e: { type: string }) => e.type === 'Image')?.url);
    expect(urls[0]).toBeDefined();
    expect(urls[1]).toBe(urls[0]);
    await checkTeamsPicture(urls[0]);
  }, 60_000);
});
