// What real Slack refuses in a message or a view, for the fake Web APIs and the fake response_url. The documented
// Block Kit limits (50 blocks a message, 100 in a view, 3,000 characters a section text, 150 a header, 75 a button
// label, 10 elements a context block) and the undocumented cumulative one: chat.postMessage answers
// `msg_blocks_too_long` once the texts of all blocks add up to more than about 12,000 characters
// (slackapi/bolt-js #2509, #2867). A fake that accepts more than this hides the bugs users meet.

export const SLACK_FIELD_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  textObjectChars: 3000,
  sectionChars: 3000,
  sectionFields: 10,
  fieldChars: 2000,
  headerChars: 150,
  buttonTextChars: 75,
  buttonValueChars: 2000,
  actionIdChars: 255,
  actionsElements: 25,
  contextElements: 10,
  /** The sum of every text in every block, past which chat.postMessage answers msg_blocks_too_long. */
  blocksTextChars: 12_000,
  /** A message's top-level `text`. */
  messageTextChars: 40_000,
} as const;

type Json = Record<string, any>;

/** Every string held under a `text` key anywhere in the blocks: text objects, rich_text elements, button labels. */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + blocksTextLength(v), 0);
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  for (const [key, v] of Object.entries(value)) n += key === 'text' && typeof v === 'string' ? v.length : blocksTextLength(v);
  return n;
}

/** Why one text object is refused, or undefined. */
function textObjectProblem(text: unknown, max: number, where: string): string | undefined {
  const t = text as Json | undefined;
  if (!t || typeof t.text !== 'string') return `${where}: missing text`;
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') return `${where}: text type ${String(t.type)}`;
  if (!t.text.trim()) return `${where}: empty text`;
  if (t.text.length > max) return `${where}: ${t.text.length} characters, more than ${max}`;
  return undefined;
}

function blockProblem(block: Json, i: number): string | undefined {
  const where = `blocks[${i}] (${String(block?.type)})`;
  const L = SLACK_FIELD_LIMITS;
  switch (block?.type) {
    case 'header':
      if (block.text?.type !== 'plain_text') return `${where}: a header takes plain_text`;
      return textObjectProblem(block.text, L.headerChars, where);
    case 'section': {
      if (!block.text && !block.fields) return `${where}: needs text or fields`;
      if (block.text) {
        const p = textObjectProblem(block.text, L.sectionChars, where);
        if (p) return p;
      }
      if (block.fields) {
        if (block.fields.length > L.sectionFields) return `${where}: more than ${L.sectionFields} fields`;
        for (const f of block.fields) {
          const p = textObjectProblem(f, L.fieldChars, `${where} field`);
          if (p) return p;
        }
      }
      return undefined;
    }
    case 'context': {
      const elements = block.elements as Json[] | undefined;
      if (!elements?.length) return `${where}: no elements`;
      if (elements.length > L.contextElements) return `${where}: ${elements.length} elements, more than ${L.contextElements}`;
      for (const e of elements) {
        if (e.type === 'image') continue;
        const p = textObjectProblem(e, L.textObjectChars, `${where} element`);
        if (p) return p;
      }
      return undefined;
    }
    case 'actions': {
      const elements = block.elements as Json[] | undefined;
      if (!elements?.length) return `${where}: no elements`;
      if (elements.length > L.actionsElements) return `${where}: more than ${L.actionsElements} elements`;
      for (const e of elements) {
        if (e.type !== 'button') continue;
        if (e.text?.type !== 'plain_text') return `${where}: a button label is plain_text`;
        const p = textObjectProblem(e.text, L.buttonTextChars, `${where} button`);
        if (p) return p;
        if (typeof e.value === 'string' && e.value.length > L.buttonValueChars) return `${where}: button value too long`;
        if (typeof e.action_id === 'string' && e.action_id.length > L.actionIdChars) return `${where}: action_id too long`;
      }
      return undefined;
    }
    case 'rich_text':
      return Array.isArray(block.elements) && block.elements.length ? undefined : `${where}: no elements`;
    case 'divider':
      return undefined;
    case 'image': {
      // An uploaded file (slack_file) or a public URL, with alt text of at most 2,000 characters.
      const b = block as { alt_text?: string; image_url?: string; slack_file?: { id?: string; url?: string } };
      if (!b.alt_text) return `${where}: an image needs alt_text`;
      if (b.alt_text.length > 2000) return `${where}: alt_text over 2,000 characters`;
      if (!b.image_url && !b.slack_file?.id && !b.slack_file?.url) return `${where}: an image needs image_url or slack_file`;
      return undefined;
    }
    default:
      return `${where}: a block type the bot does not send`;
  }
}

export interface Refusal {
  error: string;
  /** Slack's explanation (response_metadata.messages), for a test that fails to say why. */
  detail: string;
}

/** Why Slack would refuse these blocks in a message (`view` false) or a Home view, or undefined when it would not. */
export function blocksRefusal(blocks: unknown, view = false, textLimit: number = SLACK_FIELD_LIMITS.blocksTextChars): Refusal | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format', detail: 'blocks is not an array' };
  const max = view ? SLACK_FIELD_LIMITS.viewBlocks : SLACK_FIELD_LIMITS.messageBlocks;
  const invalid = view ? 'invalid_arguments' : 'invalid_blocks';
  if (blocks.length > max) return { error: invalid, detail: `${blocks.length} blocks, no more than ${max} allowed` };
  for (const [i, block] of blocks.entries()) {
    const p = blockProblem(block as Json, i);
    if (p) return { error: invalid, detail: p };
  }
  const total = blocksTextLength(blocks);
  if (!view && total > textLimit) return { error: 'msg_blocks_too_long', detail: `${total} characters of text in the blocks` };
  return undefined;
}

/** Why Slack would refuse this message (chat.postMessage, chat.postEphemeral, chat.update, a response_url post). */
export function messageRefusal(args: Json, textLimit?: number): Refusal | undefined {
  const text = args.text;
  if (typeof text === 'string' && text.length > SLACK_FIELD_LIMITS.messageTextChars) return { error: 'msg_too_long', detail: `text of ${text.length} characters` };
  if (args.blocks === undefined && (typeof text !== 'string' || !text.trim()) && args.delete_original === undefined) return { error: 'no_text', detail: 'neither text nor blocks' };
  return blocksRefusal(args.blocks, false, textLimit);
}

/** Why Slack would refuse this view in views.publish. */
export function viewRefusal(args: Json): Refusal | undefined {
  const view = args.view as Json | undefined;
  if (!view || typeof view !== 'object') return { error: 'invalid_arguments', detail: 'no view' };
  return blocksRefusal(view.blocks, true);
}
