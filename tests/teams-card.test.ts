// The Adaptive Card rendering of the neutral reply model, and the Teams app package (manifest, icons, zip).
import { readFileSync } from 'node:fs';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clip, escapeCardText, escapeEveryMarker, jsonBytesAtMost, MAX_ACTIVITY_BYTES, renderCard, replyActivity } from '../adapters/teams/render.js';
import { reply, type Reply, type ReplyItem } from '../src/replies/model.js';
import { teamsPackage } from '../scripts/teams-package.js';

const BUTTONS = [
  { label: 'Mark done', command: 'done kinship-strategy' },
  { label: 'Assign to me', command: 'assign kinship-strategy me' },
  { label: 'Snooze a week', command: 'snooze kinship-strategy 7d' },
];

function reminder(owner: { id: string; name: string }): Reply {
  return {
    ...reply('answer', 'Reminder: kinship-strategy is overdue', [
      {
        items: [
          {
            id: 'kinship-strategy',
            title: 'Kinship strategy',
            status: 'overdue',
            rag: 'red',
            fields: [
              { label: 'owner', value: [{ owner }] },
              { label: 'due', value: ['December 2023'] },
            ],
          },
        ],
      },
    ]),
    buttons: BUTTONS,
  };
}

describe('Teams Adaptive Card rendering', () => {
  it('renders buttons as Action.Submit carrying the command, and the plain text as summary and fallback', () => {
    const r = reminder({ id: 'role:head of service', name: 'Head of Service' });
    const card = renderCard(r);
    expect(card.version).toMatch(/^1\.[45]$/);
    expect(card.actions).toEqual(BUTTONS.map((b) => ({ type: 'Action.Submit', title: b.label, data: { reformCommand: b.command } })));
    const activity = replyActivity(r);
    expect(activity.summary).toContain('Reminder: kinship-strategy is overdue');
    expect(activity.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect((activity.attachments?.[0]?.content as { fallbackText: string }).fallbackText).toContain('[Mark done: done kinship-strategy]');
  });

  it('shows the id in monospace, the status and RAG in words and emoji, and fields as facts', () => {
    const json = JSON.stringify(renderCard(reminder({ id: 'role:x', name: 'Head of Service' })));
    expect(json).toContain('"text":"kinship-strategy","wrap":true,"fontType":"Monospace"');
    expect(json).toContain('🔴 overdue');
    expect(json).toContain('RAG red');
    expect(json).toContain('{"title":"due","value":"December 2023"}');
    expect(json).toContain('{"title":"owner","value":"Head of Service"}');
  });

  it('mentions a Teams owner with <at> and an msteams entity when notifying, and shows other owners as escaped text', () => {
    const teams = renderCard(reminder({ id: 'teams:aad-bob', name: 'Bob Jones' }), { notify: true });
    expect(teams.msteams).toEqual({ width: 'Full', entities: [{ type: 'mention', text: '<at>Bob Jones</at>', mentioned: { id: 'aad-bob', name: 'Bob Jones' } }] });
    expect(JSON.stringify(teams.body)).toContain('"text":"owner: <at>Bob Jones</at>"');
    // A query answer names the owner without pinging them; a change (assign) notifies by default.
    const quiet = renderCard(reminder({ id: 'teams:aad-bob', name: 'Bob Jones' }));
    expect(quiet.msteams).toEqual({ width: 'Full' });
    expect(JSON.stringify(quiet.body)).toContain('{"title":"owner","value":"@Bob Jones"}');
    expect(renderCard({ ...reminder({ id: 'teams:aad-bob', name: 'Bob Jones' }), tone: 'change' }).msteams).toHaveProperty('entities');
    const slack = renderCard(reminder({ id: 'slack:U1', name: 'bob_*x*' }), { notify: true });
    expect(slack.msteams).toEqual({ width: 'Full' });
    expect(JSON.stringify(slack.body)).toContain('@bob\\\\_\\\\*x\\\\*');
    // Who changed what (a digest's changes) is named, never mentioned, even in a message that notifies owners.
    const byline = renderCard(reply('answer', 'h', [{ lines: [['by ', { owner: { id: 'teams:aad-bob', name: 'Bob Jones' }, quiet: true }]] }]), { notify: true });
    expect(byline.msteams).toEqual({ width: 'Full' });
    expect(JSON.stringify(byline.body)).toContain('by @Bob Jones');
    // A name cannot smuggle markup into the mention it becomes.
    const sneaky = renderCard(reminder({ id: 'teams:aad-eve', name: 'Eve</at> [x](http://evil)' }), { notify: true });
    expect((sneaky.msteams as { entities: { text: string }[] }).entities[0]?.text).toMatch(/^<at>Eve[^<>[\]()*_]*<\/at>$/);
  });

  it('escapes markdown emphasis, links, mentions and line-start markers in typed text', () => {
    expect(escapeCardText('[x](http://evil)')).toBe('\\[x\\](http\\://evil)');
    expect(escapeCardText('<at>Boss</at>')).toBe('\\<at>Boss\\</at>');
    expect(escapeCardText('**bold** _it_ ~s~ `c`')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\~s\\~ \\`c\\`');
    expect(escapeCardText('<https://evil>')).toBe('\\<https\\://evil>');
    expect(escapeCardText('- item')).toBe('\\- item');
    expect(escapeCardText('1. item')).toBe('1\\. item');
    expect(escapeCardText('# title\nsecond')).toBe('\\# title second');
    expect(escapeCardText('a\\*b')).toBe('a\\\\\\*b');
    // Usage text such as `<id>` is not markup in a card, so it stays readable.
    expect(escapeCardText('assign <id> <@person | me>')).toBe('assign <id> <@person | me>');
    expect(escapeCardText('plain words, 3 of them')).toBe('plain words, 3 of them');
  });

  it('escaping skips only text it would not change', () => {
    const unit = fc.constantFrom('a', '1', ' ', '\n', '\r', '\\', '`', '*', '_', '~', '[', ']', '<', 'at', '-', '+', '#', '>', '.', ')', ':', '/', 'http', '😀');
    fc.assert(fc.property(fc.string({ unit, maxLength: 30 }), (t) => {
      expect(escapeCardText(t)).toBe(escapeEveryMarker(t));
    }), { numRuns: 3000 });
  });
});

/** The entries of a zip: local headers checked against the central directory, data inflated, CRC checked. */
function unzip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const [crc, size, nameLength, local] = [archive.readUInt32LE(at + 16), archive.readUInt32LE(at + 20), archive.readUInt16LE(at + 28), archive.readUInt32LE(at + 42)];
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(archive.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const data = inflateRawSync(archive.subarray(start, start + size));
    expect(crc32(data)).toBe(crc);
    files.set(name, data);
    at += 46 + nameLength;
  }
  return files;
}

/** Width, height and RGBA pixels of an 8-bit RGBA PNG with filter type 0 rows (what our icons are). */
function pngPixels(png: Buffer): { width: number; height: number; pixels: number[][] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('ascii');
    expect(crc32(png.subarray(at + 4, at + 8 + length))).toBe(png.readUInt32BE(at + 8 + length));
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels: number[][] = [];
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    for (let x = 0; x < width; x++) pixels.push([...raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 5 + x * 4)]);
  }
  return { width, height, pixels };
}

describe('Teams message size', () => {
  const bytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x));
  const card = (activity: ReturnType<typeof replyActivity>) => activity.attachments![0]!.content as { body: unknown[]; fallbackText: string };
  const action = (n: number, note: string): ReplyItem => ({ id: `m/${n}`, title: `Local action ${n}`, status: 'overdue', fields: [{ label: 'note', value: [note] }] });

  it('keeps a reply with many long items under Teams\' limit, showing the first ones and counting the rest', () => {
    const note = 'Delayed by the ICB & partners <again>. '.repeat(40);
    const big = {
      ...reply('answer', 'Overdue (70)', [
        { title: 'Overdue', items: [{ id: 'm', title: 'Milestone', fields: [], children: Array.from({ length: 70 }, (_, i) => action(i + 1, note)) }] },
        { title: 'Also overdue', items: [action(71, note)] },
      ]),
      buttons: BUTTONS,
    };
    const before = JSON.stringify(big);
    const activity = replyActivity(big);
    expect(JSON.stringify(big)).toBe(before);
    expect(bytes(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    const shown = JSON.stringify(card(activity).body);
    expect(shown).toContain('"m/1"');
    expect(shown).not.toContain('"m/70"');
    // The second section lost its only item, so its title goes too.
    expect(shown).not.toContain('Also overdue');
    const left = Number(shown.match(/and (\d+) more not shown here/)?.[1]);
    const kept = (shown.match(/Local action \d+/g) ?? []).length;
    expect(kept).toBeGreaterThan(3);
    expect(kept + left).toBe(71);
    expect((activity.attachments![0]!.content as { actions: unknown[] }).actions).toHaveLength(3);
  });

  it('counts bytes, not characters: notes in Bengali (three bytes a character) are cut to the limit in bytes', () => {
    const note = 'শিশুদের সামাজিক যত্ন '.repeat(60).slice(0, 1_400);
    const r = reply('answer', 'Overdue (6)', [{ items: Array.from({ length: 6 }, (_, i) => action(i + 1, note)) }]);
    // The whole card, in characters, with the summary beside it, would pass for a message under the limit; in bytes
    // the card alone is over it.
    const full = JSON.stringify(renderCard(r));
    expect(full.length + 1_200).toBeLessThan(MAX_ACTIVITY_BYTES);
    expect(Buffer.byteLength(full)).toBeGreaterThan(MAX_ACTIVITY_BYTES);
    const activity = replyActivity(r);
    expect(bytes(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    expect(JSON.stringify(card(activity).body)).toMatch(/and \d+ more not shown here/);
  });

  it('cuts one very long note rather than refusing the item', () => {
    const activity = replyActivity(reply('answer', 'kinship-strategy', [{ items: [action(1, 'x😀'.repeat(40_000))] }]));
    expect(bytes(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    expect(JSON.stringify(card(activity).body)).toContain('Local action 1');
    expect(JSON.stringify(card(activity).body)).toContain('…');
  });

  it('clip marks the cut and never leaves half of an emoji', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('abcdefghijkl', 10)).toBe('abcdefghi…');
    // Cutting at 9 would leave the high half of the emoji that starts at index 8.
    const cut = clip('abcdefgh😀xyz', 10);
    expect(cut).toBe('abcdefgh…');
    expect(cut.length).toBeLessThanOrEqual(10);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '😀', '𝔸'), maxLength: 40 }), fc.integer({ min: 2, max: 30 }), (text, max) => {
        const out = clip(text, max);
        expect(out.length).toBeLessThanOrEqual(Math.max(max, text.length <= max ? text.length : 0));
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }),
    );
  });

  it('bounds the bytes of any JSON from above without writing it, so the quick test never passes a message Teams refuses', () => {
    // Control characters and lone surrogates, which JSON writes as six bytes, among the rest.
    const unit = fc.constantFrom('a', '"', '\\', '\n', '\u0000', '\u001b', 'é', '€', '😀', '\uD800', '\uDC00', 'শি');
    const text = fc.string({ unit, maxLength: 40 });
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), tie('list'), tie('record')),
      list: fc.array(tie('any'), { maxLength: 5 }),
      record: fc.dictionary(text, tie('any'), { maxKeys: 5 }),
    })).any;
    fc.assert(
      fc.property(value, (v) => {
        const json = JSON.stringify(v);
        if (json !== undefined) expect(jsonBytesAtMost(v)).toBeGreaterThanOrEqual(Buffer.byteLength(json));
      }),
      { numRuns: 3000 },
    );
    // A status card's bound is under the limit, so its JSON is not written to be counted.
    const items = Array.from({ length: 8 }, (_, i) => action(i + 1, 'Draft strategy with the DCS; consultation closes in January.'));
    const activity = replyActivity(reply('answer', 'Theme "kinship": 8 milestones', [{ items }]));
    expect(jsonBytesAtMost(activity)).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
  });

  it('any reply, however long, fits one Teams message', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '*', '<', '😀', 'kinship '), maxLength: 3000 });
    const item = fc.record({ id: text, title: text, fields: fc.array(fc.record({ label: text, value: fc.array(text, { maxLength: 2 }) }), { maxLength: 3 }) });
    const aReply = fc.record({
      tone: fc.constant('answer' as const),
      heading: text,
      sections: fc.array(fc.record({ title: fc.option(text, { nil: undefined }), lines: fc.array(fc.array(text, { maxLength: 2 }), { maxLength: 6 }), items: fc.array(fc.record({ id: text, title: text, fields: fc.constant([] as ReplyItem['fields']), children: fc.array(item, { maxLength: 8 }) }), { maxLength: 8 }) }), { maxLength: 3 }),
      footnotes: fc.array(fc.array(text, { maxLength: 2 }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(aReply, (r) => {
        expect(bytes(replyActivity(r))).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
      }),
      { numRuns: 150 },
    );
  });
});

describe('Teams app package', () => {
  const APP_ID = '11111111-2222-3333-4444-555555555555';

  it('zips the manifest with the app id filled in and both icons', () => {
    const files = unzip(teamsPackage(APP_ID));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0].botId).toBe(APP_ID);
    expect(JSON.stringify(manifest)).not.toContain('{{');
    expect(files.get('color.png')).toEqual(readFileSync('adapters/teams/color.png'));
  });

  it('refuses an app id that is not a GUID', () => {
    expect(() => teamsPackage('not-a-guid')).toThrow(/GUID/);
  });

  it('declares the bot in personal, team and group chat scopes with the command list', () => {
    const manifest = JSON.parse(readFileSync('adapters/teams/manifest.json', 'utf8'));
    expect(Number(manifest.manifestVersion)).toBeGreaterThanOrEqual(1.16);
    const bot = manifest.bots[0];
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    const titles = bot.commandLists.flatMap((l: { commands: { title: string }[] }) => l.commands.map((c) => c.title));
    expect(titles).toEqual(['status', 'next', 'overdue', 'mine', 'help', 'subscribe reminders', 'subscribe digest']);
    for (const c of bot.commandLists[0].commands) expect(c.description.length).toBeLessThanOrEqual(128);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
  });

  it('has a 192x192 colour icon and a 32x32 outline icon in white and transparency only', () => {
    const color = pngPixels(readFileSync('adapters/teams/color.png'));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = pngPixels(readFileSync('adapters/teams/outline.png'));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    for (const [r, g, b, a] of outline.pixels) expect(a === 0 || (r === 255 && g === 255 && b === 255)).toBe(true);
    expect(outline.pixels.some(([, , , a]) => a === 255)).toBe(true);
  });
});
