// What Teams shows beside a reply's text: for `report`, the timeline picture and links to the Word report, the
// workbook and the full-size picture; for the digest, the picture. Teams takes pictures and links by URL, so
// the files are put on the bot's own shelf (adapters/files.ts), at addresses that expire after 24 hours.
import type { Activity } from 'botbuilder';
import type { Logger } from '../../src/ports.js';
import type { Reply } from '../../src/replies/model.js';
import type { FileShelf } from '../files.js';
import { pictureCache, TEAMS_PICTURE, type PictureCache } from '../report/pictures.js';
import { replyActivity, type CardOptions } from './render.js';

/** Teams shows a picture of at most 1 MB. */
export const TEAMS_PICTURE_BYTES = 1024 * 1024;
const KEPT = 4;
const NO_SHELF = 'The files cannot be shown here: the bot has no public address to serve them from (REFORM_PUBLIC_URL). Ask whoever runs the bot, or run reform report at its terminal.';

interface Card {
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
}

/** Adds the picture (after the heading) and the links (as buttons that open them) to the reply's card. */
function addToCard(activity: Partial<Activity>, picture: { url: string; alt: string } | undefined, links: { title: string; url: string }[]): Partial<Activity> {
  const card = activity.attachments?.[0]?.content as Card | undefined;
  if (!card) return activity;
  if (picture) card.body.splice(1, 0, { type: 'Image', url: picture.url, altText: picture.alt, size: 'Stretch' });
  if (links.length) card.actions = [...(card.actions ?? []), ...links.map((l) => ({ type: 'Action.OpenUrl', title: l.title, url: l.url }))];
  return activity;
}

/** `envelope`: the addressing botbuilder adds, so the size guard measures the activity as sent. */
export type Present = (reply: Reply, o?: CardOptions, envelope?: Partial<Activity>) => Promise<Partial<Activity>>;

/**
 * The reply's activity, with its files where there is a shelf. A picture or a file that cannot be made leaves
 * the text to go alone: the digest is never held back by its picture.
 */
export function teamsPresenter(shelf: FileShelf | undefined, logger: Logger, pictures: PictureCache = pictureCache()): Present {
  const shown = new Map<string, string>();
  async function pictureUrl(key: string, reply: Reply & { picture: NonNullable<Reply['picture']> }): Promise<string | undefined> {
    const known = shown.get(key);
    if (known) return known;
    const picture = await pictures.get(key, reply.picture.timeline, TEAMS_PICTURE);
    if (picture.png.length > TEAMS_PICTURE_BYTES) return undefined;
    const url = shelf!.put({ name: `reform-timeline-${reply.picture.timeline.today}.png`, type: 'image/png', data: picture.png });
    if (shown.size >= KEPT) shown.delete(shown.keys().next().value!);
    shown.set(key, url);
    return url;
  }
  return async (reply, o, envelope) => {
    const activity = replyActivity(reply, o, envelope);
    if (!shelf && reply.pack) {
      (activity.attachments?.[0]?.content as Card | undefined)?.body.push({ type: 'TextBlock', wrap: true, text: NO_SHELF });
      return activity;
    }
    if (!shelf || (!reply.pack && !reply.picture)) return activity;
    try {
      if (reply.pack) {
        const { buildPack, MEDIA_TYPES } = await import('../report/pack.js');
        const files = await buildPack(reply.pack, ['docx', 'xlsx', 'png']);
        const card = await pictures.get(`report@${reply.pack.at}`, reply.pack.timeline, TEAMS_PICTURE);
        const small = shelf.put({ name: `reform-timeline-${reply.pack.day}-small.png`, type: 'image/png', data: card.png });
        const titles = { docx: 'Word report', xlsx: 'Workbook', png: 'Timeline (full size)' } as Record<string, string>;
        const links = files.map((f) => ({ title: titles[f.format] ?? f.name, url: shelf.put({ name: f.name, type: MEDIA_TYPES[f.format], data: f.data }) }));
        return addToCard(activity, { url: small, alt: reply.pack.timeline.alt }, links);
      }
      const url = await pictureUrl(reply.picture!.key, reply as Reply & { picture: NonNullable<Reply['picture']> });
      return url ? addToCard(activity, { url, alt: reply.picture!.timeline.alt }, []) : activity;
    } catch (error) {
      logger.warn('Teams files could not be made; the reply goes without them', { error: String(error).slice(0, 300) });
      return activity;
    }
  };
}
