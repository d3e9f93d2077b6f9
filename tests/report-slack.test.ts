// `report` and the digest's picture through the real Bolt app, against the fake Slack Web API: files.uploadV2's
// three steps (getUploadURLExternal, the upload, completeUploadExternal) and image blocks that show a file.
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';
import { digestMessage } from '../src/schedule/messages.js';
import { emptyState } from '../src/tracking/state.js';
import { at } from './helpers.js';
import { startHarness, waitFor, type Harness } from './fakes/slack-api.js';

let h: Harness;
afterEach(async () => h?.close());

const completed = (channel: string) => [...h.api.files.values()].filter((f) => f.completed && f.channel === channel);

describe('Slack: report', () => {
  it('uploads the Word report, the workbook and the picture to the channel with files.uploadV2', async () => {
    h = await startHarness();
    const { ack } = await h.command('report', 'report');
    expect(ack?.text ?? JSON.stringify(ack)).toContain('Committee report');
    const files = await waitFor(() => (completed('C1').length === 3 ? completed('C1') : undefined), 'three files shared in C1', 60_000);
    expect(files.map((f) => f.filename.split('.').at(-1)).sort()).toEqual(['docx', 'png', 'xlsx']);
    // Each file was announced with its length, uploaded whole, then completed in the channel, in that order.
    expect(h.api.callsTo('files.getUploadURLExternal')).toHaveLength(3);
    const complete = h.api.callsTo('files.completeUploadExternal');
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args).toMatchObject({ channel_id: 'C1' });
    expect(complete[0]!.args.initial_comment).toContain('Committee report');
    const docx = files.find((f) => f.filename.endsWith('.docx'))!;
    const xml = await (await JSZip.loadAsync(docx.data!)).file('word/document.xml')!.async('string');
    for (const m of h.bot.programme.milestones) expect(xml).toContain(m.id);
    const png = files.find((f) => f.filename.endsWith('.png'))!;
    expect(png.data!.readUInt32BE(16)).toBe(1600);
    expect(png.altText).toMatch(/^Timeline of \d+ dated milestones/);
  }, 90_000);

  it('tells the asker alone, with what to do, when Slack refuses the files in that channel', async () => {
    h = await startHarness();
    h.api.script('files.completeUploadExternal', { body: { ok: false, error: 'not_in_channel' } });
    await h.command('report', 'refused');
    const told = await waitFor(() => h.api.responses.find((r) => r.path === '/respond/refused' && /could not upload/.test(r.body.text))?.body, 'the refusal', 60_000);
    expect(told).toMatchObject({ response_type: 'ephemeral' });
    expect(told.text).toContain('not_in_channel');
    expect(told.text).toContain('/invite @Reform');
  }, 90_000);
});

describe('Slack: the digest carries the timeline', () => {
  const digest = (now: string) => digestMessage(h.bot.programme, emptyState(), at(now), undefined);

  it('shows the picture in an image block from a file uploaded once for every channel', async () => {
    h = await startHarness();
    const message = digest('2026-11-30T09:00:00Z');
    for (const channel of ['C2', 'C3']) expect(await h.slack.chat.send({ platform: 'slack', channel }, message, { key: `k-${channel}` })).toMatchObject({ ok: true });
    expect(h.api.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    const posts = h.api.callsTo('chat.postMessage');
    expect(posts).toHaveLength(2);
    for (const post of posts) {
      const image = post.args.blocks.find((b: { type: string }) => b.type === 'image');
      expect(image.slack_file.id).toMatch(/^F/);
      expect(h.api.files.get(image.slack_file.id)?.completed).toBe(true);
      expect(image.alt_text).toMatch(/^Timeline of \d+ dated milestones/);
    }
  }, 60_000);

  it('still posts the digest, without the picture, when the upload fails', async () => {
    h = await startHarness();
    h.api.script('files.getUploadURLExternal', { body: { ok: false, error: 'missing_scope' } });
    expect(await h.slack.chat.send({ platform: 'slack', channel: 'C4' }, digest('2026-11-30T09:00:00Z'), { key: 'k' })).toMatchObject({ ok: true });
    const [post] = h.api.callsTo('chat.postMessage');
    expect(post!.args.text).toContain('Weekly digest');
    expect(post!.args.blocks.some((b: { type: string }) => b.type === 'image')).toBe(false);
    expect(h.logs.some((l) => l.message.includes('picture upload failed'))).toBe(true);
  }, 60_000);
});
