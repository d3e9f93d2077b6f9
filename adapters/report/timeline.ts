// The timeline picture: a Vega-Lite spec from the report model, compiled by vega-lite, drawn to SVG by vega (no
// browser, no canvas), and turned into PNG by resvg with the Inter font shipped in node_modules, loaded
// explicitly and system fonts off, so the picture is the same on a slim container as on a laptop.
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Status } from '../../src/programme/status.js';
import type { ReportTimeline } from '../../src/report/model.js';

const require = createRequire(import.meta.url);
/** Inter (SIL Open Font Licence), as TrueType: resvg reads TTF and OTF, not the web's WOFF2. */
export const FONT_FILES = [
  require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
  require.resolve('@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf'),
];
const FONT = 'Inter';

/** Colours by status, chosen to stay apart for the commonest colour blindness; the legend names each. */
export const STATUS_COLOURS: Record<Status, string> = {
  overdue: '#c0392b',
  'due-soon': '#e69f00',
  upcoming: '#0072b2',
  done: '#009e73',
  // Undated commitments are listed beside the chart, not plotted; superseded ones keep their last deadline, in grey.
  undated: '#7f7f7f',
  superseded: '#999999',
};
const STATUS_NAMES: Record<Status, string> = { overdue: 'overdue', 'due-soon': 'due soon', upcoming: 'upcoming', done: 'done', undated: 'undated', superseded: 'superseded' };

/** The PNG's width: readable at 100% on a 1,600-pixel-wide page. */
export const TIMELINE_WIDTH = 1600;
/** The name of the deadline markers' mark: one symbol per dated milestone (tests count them in the SVG). */
export const DEADLINE_MARK = 'deadline';

const LABEL_CHARS = 64;
const short = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function timelineSpec(timeline: ReportTimeline): vl.TopLevelSpec {
  const rows = timeline.rows.map((r) => ({
    label: short(`${r.id}: ${r.title}`, LABEL_CHARS),
    theme: r.theme,
    status: STATUS_NAMES[r.status],
    day: r.day,
    stated: r.statedDay ?? null,
  }));
  const undated = timeline.undated.length
    ? timeline.undated.map((u, i) => ({ n: i, text: short(`${u.id}: ${u.title}`, 44) }))
    : [{ n: 0, text: 'None' }];
  const x = { field: 'day', type: 'temporal', scale: { type: 'utc', padding: 12 }, title: null, axis: { format: '%b %Y', grid: true, labelFontSize: 13, orient: 'top', tickCount: { interval: 'month', step: 6 } } };
  const y = { field: 'label', type: 'nominal', sort: { field: 'day' }, title: null, axis: { labelLimit: 0, labelFontSize: 13 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Milestones by theme', subtitle: `As at ${dayText(timeline.today)}. Dashed line: today. A grey line joins a stated deadline to its revision.${timeline.notShown ? ` The ${timeline.rows.length} open soonest and latest done are shown; ${timeline.notShown} more are in the tables.` : ''}`, fontSize: 20, subtitleFontSize: 14, anchor: 'start' },
    config: { font: FONT, view: { stroke: '#e3e3e3' }, axis: { labelFontSize: 13, titleFontSize: 13 }, header: { labelFontSize: 14, labelFontWeight: 'bold' }, legend: { labelFontSize: 14, titleFontSize: 14 } },
    background: 'white',
    padding: 16,
    hconcat: [
      {
        data: { values: rows },
        facet: { row: { field: 'theme', type: 'nominal', title: null, sort: null, header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
        resolve: { scale: { y: 'independent' } },
        spacing: 10,
        spec: {
          width: 860,
          height: { step: 22 },
          layer: [
            { mark: { type: 'rule', color: '#9a9a9a', strokeWidth: 3 }, transform: [{ filter: 'datum.stated != null' }], encoding: { y, x: { ...x, field: 'stated' }, x2: { field: 'day' } } },
            { mark: { type: 'tick', color: '#7a7a7a', thickness: 2, size: 14 }, transform: [{ filter: 'datum.stated != null' }], encoding: { y, x: { ...x, field: 'stated' } } },
            {
              name: DEADLINE_MARK,
              mark: { type: 'point', filled: true, size: 150, opacity: 1, stroke: 'white', strokeWidth: 1 },
              encoding: {
                y,
                x,
                color: { field: 'status', type: 'nominal', title: 'Status', scale: { domain: Object.values(STATUS_NAMES), range: Object.values(STATUS_COLOURS) }, legend: { orient: 'top', direction: 'horizontal' } },
                shape: { field: 'status', type: 'nominal', title: 'Status', scale: { domain: Object.values(STATUS_NAMES), range: ['diamond', 'triangle-up', 'circle', 'square'] } },
              },
            },
            { mark: { type: 'rule', color: '#222222', strokeDash: [6, 4], strokeWidth: 2 }, encoding: { x: { datum: { expr: `datetime(${timeline.today.slice(0, 4)}, ${Number(timeline.today.slice(5, 7)) - 1}, ${Number(timeline.today.slice(8, 10))})` }, type: 'temporal' } } },
          ],
        },
      },
      {
        title: { text: 'No deadline (not plotted)', fontSize: 15, anchor: 'start' },
        data: { values: undated },
        width: 300,
        height: { step: 20 },
        mark: { type: 'text', align: 'left', fontSize: 13, x: 0 },
        encoding: { y: { field: 'n', type: 'ordinal', axis: null }, text: { field: 'text' } },
      },
    ],
  } as unknown as vl.TopLevelSpec;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
function dayText(iso: string): string {
  return `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

/** Vega-Lite's advice on the spec (independent scales in facets) is for authors, not for the bot's log. */
const QUIET = { level: () => QUIET, error: () => QUIET, warn: () => QUIET, info: () => QUIET, debug: () => QUIET } as unknown as Parameters<typeof vl.compile>[1] extends infer O ? O extends { logger?: infer L } ? L : never : never;

/** The timeline as SVG, with the view's scenegraph for counting what was drawn. */
export async function timelineSvg(timeline: ReportTimeline): Promise<string> {
  const compiled = vl.compile(timelineSpec(timeline), { logger: QUIET }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Fit to this width (default TIMELINE_WIDTH)… */
  width?: number;
  /** …or, where the picture would be taller than this, to this height (Teams' 1,024 × 1,024). */
  maxHeight?: number;
}

/** SVG to PNG with the shipped font only: a server's own fonts, or their absence, never change the picture. */
export function svgToPng(svg: string, opts: PngOptions = {}): { png: Buffer; width: number; height: number } {
  const width = opts.width ?? TIMELINE_WIDTH;
  const base = { font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT, sansSerifFamily: FONT }, background: 'white' };
  let resvg = new Resvg(svg, { ...base, fitTo: { mode: 'width', value: width } });
  if (opts.maxHeight && resvg.height * (width / resvg.width) > opts.maxHeight) {
    resvg = new Resvg(svg, { ...base, fitTo: { mode: 'height', value: opts.maxHeight } });
  }
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}

export async function timelinePng(timeline: ReportTimeline, opts: PngOptions = {}): Promise<{ png: Buffer; width: number; height: number; svg: string }> {
  const svg = await timelineSvg(timeline);
  return { ...svgToPng(svg, opts), svg };
}
