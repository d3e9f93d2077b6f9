// Files to Slack through files.uploadV2 (getUploadURLExternal, the upload, completeUploadExternal): the committee
// pack for `report`, and the digest's timeline picture, uploaded once per digest and shown by an image block
// (`slack_file`) in every channel's copy. Needs the files:write scope.
import type { types, webApi } from '@slack/bolt';
import type { Logger } from '../../src/ports.js';
import type { ReportModel, ReportTimeline } from '../../src/report/model.js';
import { pictureCache, type PictureCache } from '../report/pictures.js';
import { outcomeOf } from './chat.js';

/** Slack's limits: an image block's alt_text, and a file's alt text for screen readers. */
const BLOCK_ALT_CHARS = 2_000;
const FILE_ALT_CHARS = 1_000;
const KEPT = 4;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export interface SlackFiles {
  /** Uploads the Word report, the workbook and the picture to a channel (or thread); a refusal comes back in words. */
  sharePack(channel: string, threadTs: string | undefined, model: ReportModel): Promise<{ ok: true } | { ok: false; error: string }>;
  /** An image block showing the picture, uploaded once per key; undefined when it cannot be uploaded. */
  pictureBlock(picture: { key: string; timeline: ReportTimeline }): Promise<types.KnownBlock | undefined>;
}

/** What files.uploadV2 answers: one completeUploadExternal response per file. */
interface UploadResult {
  files?: { files?: { id?: string }[] }[];
}

export function slackFiles(client: webApi.WebClient, logger: Logger, pictures: PictureCache = pictureCache()): SlackFiles {
  const uploaded = new Map<string, Promise<string>>();

  async function uploadPicture(key: string, timeline: ReportTimeline): Promise<string> {
    const picture = await pictures.get(key, timeline);
    // No channel: the file stays the bot's own until a message shows it, so it is uploaded once for every channel.
    const result = (await client.files.uploadV2({ file: picture.png, filename: `reform-timeline-${timeline.today}.png`, title: `Timeline, ${timeline.today}`, alt_text: clip(picture.alt, FILE_ALT_CHARS) })) as UploadResult;
    const id = result.files?.[0]?.files?.[0]?.id;
    if (!id) throw new Error('files.uploadV2 gave no file id');
    return id;
  }

  return {
    async sharePack(channel, threadTs, model) {
      try {
        // Loaded on first use: the writers take a while to load, and most processes never make a report.
        const { buildPack } = await import('../report/pack.js');
        const files = await buildPack(model, ['docx', 'xlsx', 'png']);
        await client.files.uploadV2({
          channel_id: channel,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          initial_comment: `Committee report, ${model.dayText}: the Word report, the workbook and the timeline.`,
          file_uploads: files.map((f) => ({ file: f.data, filename: f.name, title: f.name, ...(f.alt ? { alt_text: clip(f.alt, FILE_ALT_CHARS) } : {}) })),
        });
        return { ok: true };
      } catch (error) {
        const reason = outcomeOf(error).error;
        logger.warn('slack report upload failed', { channel, error: reason });
        return { ok: false, error: reason };
      }
    },
    async pictureBlock({ key, timeline }) {
      let id = uploaded.get(key);
      if (!id) {
        id = uploadPicture(key, timeline);
        // A failed upload is not kept: the next digest tries again.
        id.catch(() => uploaded.delete(key));
        if (uploaded.size >= KEPT) uploaded.delete(uploaded.keys().next().value!);
        uploaded.set(key, id);
      }
      try {
        return { type: 'image', slack_file: { id: await id }, alt_text: clip(timeline.alt, BLOCK_ALT_CHARS) } as types.KnownBlock;
      } catch (error) {
        logger.warn('slack picture upload failed; the digest goes without it', { error: outcomeOf(error).error });
        return undefined;
      }
    },
  };
}

/** The parts of a message with the picture after the first part's heading, where Slack's 50 blocks allow. */
export function withPicture<T extends { blocks: unknown[] }>(parts: T[], block: types.KnownBlock | undefined): T[] {
  const [first, ...rest] = parts;
  if (!block || !first || first.blocks.length >= 50) return parts;
  return [{ ...first, blocks: [first.blocks[0], block, ...first.blocks.slice(1)] }, ...rest];
}
