// The digest's timeline picture, drawn once per key (one digest instant) and size, however many channels it goes
// to. Chat adapters hold one of these each; a failure is the caller's to swallow, so the text still goes out.
import type { ReportTimeline } from '../../src/report/model.js';

export interface Picture {
  png: Buffer;
  width: number;
  height: number;
  alt: string;
}

/** Teams shows a picture only up to 1,024 × 1,024 pixels and 1 MB. */
export const TEAMS_PICTURE = { width: 1024, maxHeight: 1024 } as const;
/** The page-sized picture: TIMELINE_WIDTH in timeline.ts, which is not imported here (see `draw`). */
export const PAGE_PICTURE = { width: 1600 } as const;

/** Vega, Vega-Lite and resvg take a while to load: loaded with the first picture, not with every adapter. */
async function draw(timeline: ReportTimeline, size: { width: number; maxHeight?: number }): Promise<Picture> {
  const { svgToPng, timelineSvg } = await import('./timeline.js');
  return { ...svgToPng(await timelineSvg(timeline), size), alt: timeline.alt };
}

export interface PictureCache {
  /** The picture for `key` at this size: drawn at most once while it is among the last few asked for. */
  get(key: string, timeline: ReportTimeline, size?: { width: number; maxHeight?: number }): Promise<Picture>;
}

const KEPT = 4;

export function pictureCache(): PictureCache {
  const drawn = new Map<string, Promise<Picture>>();
  return {
    get(key, timeline, size = PAGE_PICTURE) {
      const id = `${key}|${size.width}x${'maxHeight' in size ? size.maxHeight : ''}`;
      let picture = drawn.get(id);
      if (!picture) {
        picture = draw(timeline, size);
        // A failed drawing is not kept: the next digest tries again.
        picture.catch(() => drawn.delete(id));
        if (drawn.size >= KEPT) drawn.delete(drawn.keys().next().value!);
        drawn.set(id, picture);
      }
      return picture;
    },
  };
}
