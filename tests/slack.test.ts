// The Slack adapter through the real Bolt code over HTTP on 127.0.0.1: slash commands, signatures, buttons,
// mentions, the Home tab and escaping, with a fake Slack Web API and response_url behind it. A slash command's
// answer comes back in the HTTP answer to the command (the ack) when it is ready in time, as Slack allows.
import { get } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS, renderSlack } from '../adapters/slack/render.js';
import { FORM, JSON_TYPE, SECRET, slackSignature, startHarness, waitFor, type Harness } from './fakes/slack-api.js';

let h: Harness;
afterEach(async () => h?.close());

/** Every text a message shows: block texts, context elements, button labels, and the fallback. */
function blockTexts(message: { blocks?: any[] }): string[] {
  return (message.blocks ?? []).flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text?.text ?? e.text)]).filter((t) => typeof t === 'string');
}

const responseTo = (name: string) => waitFor(() => h.api.responses.find((r) => r.path === `/respond/${name}`)?.body, `a respond() to ${name}`);

describe('slash command /reform over HTTP', () => {
  beforeEach(async () => {
    h = await startHarness();
  });

  it('answers a query in the ack, only to the asker, with Block Kit and a plain-text fallback', async () => {
    const { status, ack: body } = await h.command('status kinship', 'q1');
    expect(status).toBe(200);
    expect(body!.response_type).toBe('ephemeral');
    expect(body!.blocks[0]).toMatchObject({ type: 'header' });
    expect(JSON.stringify(body!.blocks)).toContain('`kinship-strategy`');
    expect(JSON.stringify(body!.blocks)).toContain(':white_check_mark:');
    expect(body!.text).toContain('kinship-strategy');
    expect(body!.text).toMatch(/^Theme "kinship": 4 milestones/);
    // One round trip: nothing was sent to the response_url as well.
    await new Promise((r) => setTimeout(r, 50));
    expect(h.api.responses).toEqual([]);
  });

  it('acks at once when the work is slow, then answers at the response_url', async () => {
    await h.close();
    let release = () => {};
    h = await startHarness({ holdUntil: new Promise<void>((r) => (release = r)), answerInAckMs: 20 });
    // The command is held until after the ack has arrived, so the ack cannot have waited for it.
    const { status, ack } = await h.command('status kinship share', 'slow');
    expect(status).toBe(200);
    expect(ack).toBeUndefined();
    expect(h.api.responses).toEqual([]);
    release();
    const body = await responseTo('slow');
    expect(body.response_type).toBe('in_channel');
    expect(body.text).toMatch(/^Theme "kinship"/);
  });

  it('answers at the response_url, not in a late ack, when the work outlasts Slack\'s 3 seconds', async () => {
    await h.close();
    // Work that outlasts Slack's wait for the ack, as in a process stalled by something else: the ack, when it comes,
    // is empty (Slack has stopped listening for it), and the answer goes to the response_url.
    h = await startHarness({ handleDelayMs: 3_200, answerInAckMs: 5_000 });
    const { status, ack } = await h.command('assign kinship-strategy <@U123|alice>', 'stalled');
    expect(status).toBe(200);
    expect(ack).toBeUndefined();
    const body = await responseTo('stalled');
    expect(body.response_type).toBe('in_channel');
    expect(body.text).toContain('kinship-strategy is now owned by');
    expect(h.logs.filter((l) => l.message === 'slack handler failed')).toEqual([]);
  }, 10_000);

  it('still acks in time when a command fails before the ack, then apologises at the response_url', async () => {
    await h.close();
    const failure = Promise.reject(new Error('boom'));
    failure.catch(() => undefined);
    h = await startHarness({ holdUntil: failure });
    const { status, ack } = await h.command('status kinship', 'early-failure');
    expect(status).toBe(200);
    expect(ack).toBeUndefined();
    expect((await responseTo('early-failure')).text).toMatch(/^Sorry, something went wrong/);
    expect(h.logs.find((l) => l.message === 'slack handler failed')?.context).toMatchObject({ kind: 'slash_command', error: 'boom' });
  });

  it('shares a query with the channel when it ends with "share", and strips the word; owners are named, not pinged', async () => {
    await h.command('assign kinship-strategy <@U0ANN|ann>', 'own');
    const { ack: body } = await h.command('status kinship share', 'q2');
    expect(body!.response_type).toBe('in_channel');
    expect(body!.text).toMatch(/^Theme "kinship"/);
    expect(blockTexts(body!).join('\n')).toContain('owner:* @ann');
    expect(JSON.stringify(body)).not.toContain('<@U0ANN>');
    // Only the asker sees a private answer, and it notifies nobody: Slack shows the mention as the person's name.
    const { ack: mine } = await h.command('status kinship', 'q3');
    expect(blockTexts(mine!).join('\n')).toContain('owner:* <@U0ANN>');
  });

  it('confirms a change in the channel, mentioning the new owner, who is stored as slack:U123', async () => {
    const { ack: body } = await h.command('assign kinship-strategy <@U123|alice>', 'c1');
    expect(body!.response_type).toBe('in_channel');
    expect(blockTexts(body!).join('\n')).toContain('<@U123>');
    expect(h.store.snapshot().items['kinship-strategy']?.owner).toEqual({ id: 'slack:U123', name: 'alice' });
  });

  it('keeps usage and problems private even for commands that change things', async () => {
    const { ack } = await h.command('done no-such-thing', 'p1');
    expect(ack!.response_type).toBe('ephemeral');
    expect(ack!.text).toContain('no-such-thing');
  });

  it('rejects a forged signature and a request older than five minutes with 401, changing nothing', async () => {
    const before = JSON.stringify(h.store.snapshot());
    const forged = await h.post(h.slash('assign kinship-strategy <@U666|mallory>', 'f1'), FORM, { signature: 'v0=' + '0'.repeat(64) });
    expect(forged.status).toBe(401);
    const stale = await h.post(h.slash('assign kinship-strategy <@U666|mallory>', 'f2'), FORM, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    // No timestamp or signature headers at all.
    const bare = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'Content-Type': FORM }, body: h.slash('assign kinship-strategy <@U666|mallory>', 'f3') });
    expect(bare.status).toBe(401);
    for (const refused of [forged, stale, bare]) expect(await refused.text()).not.toContain('kinship-strategy');
    // A signed request sent afterwards is answered, so had the bad ones been accepted they would have changed it.
    expect((await h.command('status kinship-strategy', 'after')).ack!.text).toContain('kinship-strategy');
    expect(h.api.responses).toEqual([]);
    expect(JSON.stringify(h.store.snapshot())).toBe(before);
  });

  // The guard is the only signature check on this path (Bolt's receiver behind it has its own turned off), so each
  // way of getting a request past Slack's signing is tried here, through the real server, on a command that would
  // change the store.
  it('rejects a body changed after it was signed, a signature made with another secret, and other signature versions with 401, changing nothing', async () => {
    const before = JSON.stringify(h.store.snapshot());
    const timestamp = Math.floor(Date.now() / 1000);
    const signedBody = h.slash('status kinship', 't1');
    const tampered = h.slash('assign kinship-strategy <@U666|mallory>', 't1');
    const refused = [
      // Signed for one body, sent with another.
      await h.post(tampered, FORM, { timestamp, signature: slackSignature(SECRET, timestamp, signedBody) }),
      // One byte more after the signed body.
      await h.post(tampered + '&', FORM, { timestamp, signature: slackSignature(SECRET, timestamp, tampered) }),
      // Signed for another timestamp than the one sent.
      await h.post(tampered, FORM, { timestamp, signature: slackSignature(SECRET, timestamp - 1, tampered) }),
      // Signed with a secret that is not ours.
      await h.post(tampered, FORM, { timestamp, signature: slackSignature('not-the-secret', timestamp, tampered) }),
      // The right hash under another version, or no hash at all.
      await h.post(tampered, FORM, { timestamp, signature: slackSignature(SECRET, timestamp, tampered).replace(/^v0=/, 'v1=') }),
      await h.post(tampered, FORM, { timestamp, signature: 'v0=' }),
      // Signed properly, but more than five minutes ago (a replayed request).
      await h.post(tampered, FORM, { timestamp: timestamp - 5 * 60 - 2 }),
      // An event, signed for another body.
      await h.post(JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: { type: 'app_mention', user: 'U666', text: '<@UBOT> assign kinship-strategy <@U666|mallory>', ts: '1.1', channel: 'C1' } }), JSON_TYPE, { timestamp, signature: slackSignature(SECRET, timestamp, '{}') }),
    ];
    for (const response of refused) {
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('kinship-strategy');
    }
    // The same command, signed properly, is run: had any of the above got through, it would have changed the store.
    expect((await h.command('assign kinship-strategy <@U666|mallory>', 'ok')).ack!.text).toContain('kinship-strategy');
    expect(h.store.snapshot().items['kinship-strategy']?.owner).toEqual({ id: 'slack:U666', name: 'mallory' });
    expect(before).not.toContain('U666');
    expect(h.api.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it("answers Slack's unsigned ssl_check with 200 and runs nothing sent beside it", async () => {
    const before = JSON.stringify(h.store.snapshot());
    const event = { type: 'event_callback', team_id: 'T1', event_id: 'EvSmuggled', authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }], event: { type: 'app_mention', user: 'U666', text: '<@UBOT> assign kinship-strategy <@U666|mallory>', ts: '1700000000.000100', channel: 'C1', event_ts: '1700000000.000100' } };
    const smuggled = [
      new URLSearchParams({ ssl_check: '1', payload: JSON.stringify(event) }).toString(),
      `ssl_check=1&${h.slash('assign kinship-strategy <@U666|mallory>', 's1')}`,
    ];
    for (const body of smuggled) {
      const response = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'Content-Type': FORM }, body });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(JSON.stringify(h.store.snapshot())).toBe(before);
    expect(h.api.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
    expect(h.api.responses).toEqual([]);
  });

  it('escapes user text so a note cannot ping the channel, mention someone or hide a link', async () => {
    // Typed text arrives entity-encoded from Slack; the core must store what the user typed.
    const confirmation = (await h.command('note kinship-strategy &lt;!channel&gt; &lt;!here&gt; &lt;@U999&gt; [x](http://evil) &amp; more', 'n1')).ack!;
    expect(h.store.snapshot().items['kinship-strategy']?.notes[0]?.text).toContain('<!channel> <!here>');
    for (const body of [confirmation, (await h.command('status kinship-strategy', 'n2')).ack!]) {
      const shown = [...blockTexts(body), body.text].join('\n');
      expect(shown).toContain('&lt;!channel&gt; &lt;!here&gt;');
      expect(shown).toContain('&amp; more');
      for (const bad of ['<!channel>', '<!here>', '<@U999>', '](http']) expect(shown).not.toContain(bad);
    }
  });

  it('splits a long reply into messages of at most 50 blocks and 3,000-character sections', async () => {
    const as = (text: string) => h.bot.handle({ text, user: { id: 'console:setup', name: 'setup' }, platform: 'console', channel: 'setup' });
    const longNote = 'Delayed by the ICB & partners <again>. '.repeat(90); // ~3,500 characters
    for (let i = 1; i <= 70; i++) {
      await as(`action add multi-agency-cp "Local action number ${i} with a deliberately long title to fill the section" due March 2026`);
      if (i % 10 === 0) await as(`note multi-agency-cp/${i} ${longNote}`);
    }
    // A reply in parts goes to the response_url, one part after another, so they arrive in order.
    const { ack } = await h.command('overdue', 'long');
    expect(ack).toBeUndefined();
    // The first part says how many there are; wait for all of them.
    const first = await waitFor(() => h.api.responses[0]?.body, 'the first part of a long reply');
    const count = Number(first.blocks[0].text.text.match(/of (\d)\)$/)?.[1]);
    expect(count).toBeGreaterThanOrEqual(2);
    await waitFor(() => (h.api.responses.length >= count ? true : undefined), `all ${count} parts`);
    const parts = h.api.responses.map((r) => r.body);
    expect(parts).toHaveLength(count);
    expect(parts.map((p) => p.blocks[0].text.text.match(/\((\d) of (\d)\)$/)?.slice(1).join('/'))).toEqual(parts.map((_, i) => `${i + 1}/${parts.length}`));
    expect(parts.every((p) => p.response_type === 'ephemeral')).toBe(true);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.length).toBeLessThanOrEqual(LIMITS.parts);
    for (const part of parts) {
      expect(part.blocks.length).toBeLessThanOrEqual(50);
      expect(part.text.length).toBeGreaterThan(0);
      for (const block of part.blocks) if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
      expect(part.blocks[0].text.text.length).toBeLessThanOrEqual(150);
    }
    const all = parts.map((p) => JSON.stringify(p.blocks)).join('');
    for (const i of [1, 35, 70]) expect(all).toContain(`multi-agency-cp/${i}\``);
  });
});

describe('buttons, mentions and the Home tab', () => {
  it('a button runs its command as the clicker and updates the message to show the outcome', async () => {
    h = await startHarness();
    const [reminder] = renderSlack({ tone: 'answer', heading: 'Due soon: multi-agency-cp', sections: [], footnotes: [], buttons: [{ label: 'Mark done', command: 'done multi-agency-cp' }] });
    const button = reminder!.blocks.find((b) => b.type === 'actions')! as any;
    expect(button.elements[0]).toMatchObject({ action_id: 'reform_cmd_0', value: 'done multi-agency-cp' });
    expect(await h.click(reminder!, button.elements[0], 'click')).toBe(200);
    const update = await responseTo('click');
    expect(update.replace_original).toBe(true);
    expect(update.blocks.some((b: any) => b.type === 'actions')).toBe(false);
    expect(blockTexts(update).join('\n')).toContain('<@U1>: multi-agency-cp is done');
    expect(h.store.snapshot().items['multi-agency-cp']?.done?.by).toBe('slack:U1');
  });

  it('a refused button click tells only the clicker and leaves the message and the store alone', async () => {
    h = await startHarness({ editors: ['slack:UBOSS'] });
    const payload = {
      type: 'block_actions',
      user: { id: 'U1', username: 'bob', team_id: 'T1' },
      team: { id: 'T1', domain: 'council' },
      channel: { id: 'C1', name: 'reform' },
      container: { type: 'message', message_ts: '1.2', channel_id: 'C1' },
      message: { type: 'message', ts: '1.2', text: 'x', blocks: [] },
      response_url: h.api.responseUrl('refused'),
      actions: [{ type: 'button', action_id: 'reform_cmd_0', block_id: 'b', value: 'done multi-agency-cp', action_ts: '1' }],
    };
    await h.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
    const answer = await responseTo('refused');
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(answer.text).toContain("You can't change multi-agency-cp");
    expect(h.store.snapshot().items['multi-agency-cp']?.done).toBeUndefined();
  });

  it('answers an @Reform mention in the thread with chat.postMessage', async () => {
    h = await startHarness();
    const event = {
      token: 'legacy-verification-token',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: 1_700_000_000,
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      event: { type: 'app_mention', user: 'U1', text: '<@UBOT> status kinship', ts: '1700000000.000200', thread_ts: '1700000000.000100', channel: 'C1', event_ts: '1700000000.000200' },
    };
    const res = await h.post(JSON.stringify(event), JSON_TYPE);
    expect(res.status).toBe(200);
    const posted = await waitFor(() => h.api.callsTo('chat.postMessage')[0], 'chat.postMessage');
    expect(posted.args).toMatchObject({ channel: 'C1', thread_ts: '1700000000.000100' });
    expect(posted.args.text).toMatch(/^Theme "kinship"/);
    expect(posted.authorization).toBe('Bearer xoxb-test-token');
  });

  it('answers "hey @Reform …" after the name, in a thread under the mention, naming owners without pinging them', async () => {
    h = await startHarness();
    h.api.displayNames.set('U0ALICE', 'Alice Smith');
    await h.command('assign kinship-strategy <@U0ANN|ann>', 'own-ann');
    const mention = (id: string, text: string) => ({ team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: id, event_time: 1, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }], event: { type: 'app_mention', user: 'U0ALICE', text, ts: `${id}.5`, channel: 'C1', event_ts: `${id}.5` } });
    await h.post(JSON.stringify(mention('10', 'hey <@UBOT>, status kinship share')), JSON_TYPE);
    const answer = await waitFor(() => h.api.callsTo('chat.postMessage')[0], 'the answer');
    // In a thread under the mention; "share" dropped; the owner named, not mentioned.
    expect(answer.args).toMatchObject({ channel: 'C1', thread_ts: '10.5' });
    expect(answer.args.text).toMatch(/^Theme "kinship": 4 milestones/);
    expect(JSON.stringify(answer.args.blocks)).toContain('@ann');
    expect(JSON.stringify(answer.args.blocks)).not.toContain('<@U0ANN>');
    // A change made by mention records the person by name (users.info), and mentions the new owner.
    await h.post(JSON.stringify(mention('11', '<@UBOT> assign phase-1-end me')), JSON_TYPE);
    const change = await waitFor(() => h.api.callsTo('chat.postMessage')[1], 'the change');
    expect(JSON.stringify(change.args.blocks)).toContain('<@U0ALICE>');
    expect((await h.store.read()).items['phase-1-end']?.owner).toEqual({ id: 'slack:U0ALICE', name: 'Alice Smith' });
    // A typo gets its suggestion privately, in the thread: the channel does not see the help.
    await h.post(JSON.stringify(mention('12', '<@UBOT> stauts kinship')), JSON_TYPE);
    const privately = await waitFor(() => h.api.callsTo('chat.postEphemeral')[0], 'the private answer');
    expect(privately.args).toMatchObject({ channel: 'C1', user: 'U0ALICE', thread_ts: '12.5' });
    expect(privately.args.text).toContain('Did you mean');
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('answers a slash command in time when looking up a mentioned name is slow, naming the person by id', async () => {
    h = await startHarness();
    h.api.displayNames.set('U0SLOW', 'Sam Slow');
    h.api.script('users.info', { pass: true, delayMs: 4_000 });
    const started = Date.now();
    const { status, ack } = await h.command('assign kinship-strategy <@U0SLOW>', 'slow-name');
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(ack!.text).toContain('kinship-strategy is now owned by');
    expect((await h.store.read()).items['kinship-strategy']?.owner).toEqual({ id: 'slack:U0SLOW', name: 'U0SLOW' });
  }, 10_000);

  it('names people a mention event writes without a name, in owners and notes; a failed lookup is asked again', async () => {
    h = await startHarness();
    h.api.displayNames.set('U0ALICE', 'Alice Smith');
    h.api.displayNames.set('U0ANN', 'Ann Lee');
    // The caller's profile rides along, so the only lookups are of the people mentioned (made together with the
    // caller's otherwise, and the scripted failure below would meet whichever came first).
    const mention = (id: string, text: string) => ({ team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: id, event_time: 1, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }], event: { type: 'app_mention', user: 'U0ALICE', user_profile: { display_name: 'Alice Smith' }, text, ts: `${id}.5`, channel: 'C1', event_ts: `${id}.5` } });
    // The first lookup of Ann fails (a passing 500): the id stands in, and is not kept.
    h.api.script('users.info', { status: 500, body: {} });
    await h.post(JSON.stringify(mention('20', '<@UBOT> note kinship-strategy ask <@U0ANN> first')), JSON_TYPE);
    await waitFor(() => h.api.callsTo('chat.postMessage')[0], 'the first note');
    await h.post(JSON.stringify(mention('21', '<@UBOT> assign kinship-strategy <@U0ANN>')), JSON_TYPE);
    await waitFor(() => h.api.callsTo('chat.postMessage')[1], 'the assignment');
    // The command comes before the bot's name here: nothing follows it.
    await h.post(JSON.stringify(mention('22', 'note kinship-strategy ask <@U0ANN> again <@UBOT>')), JSON_TYPE);
    await waitFor(() => h.api.callsTo('chat.postMessage')[2], 'the second note');
    const state = await h.store.read();
    expect(state.items['kinship-strategy']?.owner).toEqual({ id: 'slack:U0ANN', name: 'Ann Lee' });
    expect(state.items['kinship-strategy']?.notes.map((n) => n.text)).toEqual(['ask @U0ANN first', 'ask @Ann Lee again']);
    expect(h.logs.filter((l) => l.message === 'slack users.info failed; naming the user by id')).toHaveLength(1);
  });

  it('publishes a Home tab with what the viewer owns, what is overdue and the next deadlines', async () => {
    h = await startHarness();
    expect((await h.command('assign phase-1-end me', 'own')).ack!.response_type).toBe('in_channel');
    const event = { team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: 'Ev2', event_time: 1, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }], event: { type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home', event_ts: '1.1' } };
    await h.post(JSON.stringify(event), JSON_TYPE);
    const published = await waitFor(() => h.api.callsTo('views.publish')[0], 'views.publish');
    expect(published.args.user_id).toBe('U1');
    expect(published.args.view.type).toBe('home');
    expect(published.args.view.blocks.length).toBeLessThanOrEqual(100);
    const headers = published.args.view.blocks.filter((b: any) => b.type === 'header').map((b: any) => b.text.text);
    expect(headers[0]).toMatch(/^What you own \(1\)/);
    expect(headers.some((t: string) => /overdue/i.test(t))).toBe(true);
    expect(JSON.stringify(published.args.view.blocks)).toContain('phase-1-end');
    // The Messages tab opened is not the Home tab: nothing is published for it.
    const messagesTab = { ...event, event_id: 'Ev3', event: { ...event.event, tab: 'messages' } };
    expect((await h.post(JSON.stringify(messagesTab), JSON_TYPE)).status).toBe(200);
    const mention = { ...event, event_id: 'Ev4', event: { type: 'app_mention', user: 'U1', text: '<@UBOT> status phase-1-end', channel: 'C1', ts: '1.2' } };
    await h.post(JSON.stringify(mention), JSON_TYPE);
    await waitFor(() => h.api.callsTo('chat.postMessage')[0], 'the answer to the mention');
    expect(h.api.callsTo('views.publish')).toHaveLength(1);
  });

  it('retries a reply after a 500 or a 429 (honouring Retry-After), so the answer is not dropped', async () => {
    h = await startHarness({ handleDelayMs: 50, answerInAckMs: 10 });
    h.api.failNextResponse('flaky', { status: 500 }, { status: 429, headers: { 'Retry-After': '2' } });
    expect((await h.post(h.slash('status kinship', 'flaky'), FORM)).status).toBe(200);
    const body = await responseTo('flaky');
    expect(body.text).toMatch(/^Theme "kinship"/);
    expect(h.sleeps).toEqual([500, 2000]);
    h.api.script('chat.postMessage', { status: 503, body: {} });
    const mention = { team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: 'Ev9', event_time: 1, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }], event: { type: 'app_mention', user: 'U1', text: '<@UBOT> status kinship', ts: '1.9', channel: 'C1', event_ts: '1.9' } };
    await h.post(JSON.stringify(mention), JSON_TYPE);
    // The first post is refused with a 503; the reply is posted again.
    const replies = () => h.api.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('Theme "kinship"'));
    await waitFor(() => (replies().length >= 2 ? true : undefined), 'the retried mention reply');
    await new Promise((r) => setTimeout(r, 50));
    expect(replies()).toHaveLength(2);
    expect(replies()[1]!.args.channel).toBe('C1');
  });

  it('an unexpected failure is logged with context, never a token, and the user gets a short apology', async () => {
    h = await startHarness({ handleDelayMs: 50, answerInAckMs: 10 });
    h.api.failNextResponse('broken', { status: 500 }, { status: 500 }, { status: 500 });
    await h.post(h.slash('status kinship', 'broken'), FORM);
    const apology = await responseTo('broken');
    expect(apology).toEqual({ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(/^Sorry, something went wrong/) });
    expect(apology.text).not.toMatch(/\n\s+at /);
    for (let i = 0; i < 3; i++) h.api.script('chat.postMessage', { body: { ok: false, error: 'internal_error' } });
    const mention = { team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: 'Ev3', event_time: 1, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }], event: { type: 'app_mention', user: 'U1', text: '<@UBOT> next', ts: '1.5', channel: 'C1', event_ts: '1.5' } };
    await h.post(JSON.stringify(mention), JSON_TYPE);
    const ephemeral = await waitFor(() => h.api.callsTo('chat.postEphemeral')[0], 'the apology to the mentioner');
    expect(ephemeral.args).toMatchObject({ channel: 'C1', user: 'U1', text: expect.stringMatching(/^Sorry/) });
    const failures = h.logs.filter((l) => l.message === 'slack handler failed');
    expect(failures.map((l) => l.context?.kind)).toEqual(['slash_command', 'app_mention']);
    expect(failures[1]!.context).toMatchObject({ user: 'U1', channel: 'C1', error: expect.stringContaining('internal_error') });
    const logged = JSON.stringify(h.logs);
    for (const secret of ['xoxb-test-token', 'test-secret', 'legacy-verification-token']) expect(logged).not.toContain(secret);
  });

  it('answers 404 off the routes and reports its modes on /healthz', async () => {
    h = await startHarness();
    const health = await fetch(`${h.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, slack: 'http', teams: 'off' });
    expect((await fetch(`${h.base}/healthz?probe=1`)).status).toBe(200);
    // fetch and URLs would tidy the path first; node:http with a `path` option sends it as written.
    const port = Number(new URL(h.base).port);
    const raw = (path: string) => new Promise<number>((resolve, reject) => get({ host: '127.0.0.1', port, path }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject));
    expect(await raw('/x/../healthz')).toBe(200);
    // Targets no URL parser accepts are refused, and the server goes on answering.
    for (const bad of ['//', '///', '//[', 'http://[bad']) expect(await raw(bad), bad).toBe(400);
    expect(await raw('/healthz')).toBe(200);
    expect((await fetch(`${h.base}/nope`)).status).toBe(404);
    expect((await fetch(`${h.base}/api/messages`, { method: 'POST' })).status).toBe(404);
  });
});
