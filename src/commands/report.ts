// `report`: the committee pack as files (Word, workbook, timeline picture), for anyone, as `status` is. The core
// builds the report model; the chat adapter uploads the files, the console writes them into a folder.
import { formatDay } from '../programme/model.js';
import { buildReport } from '../report/model.js';
import { reply, type Reply } from '../replies/model.js';
import type { Command } from './types.js';

export const report: Command = {
  name: 'report',
  usage: 'report',
  summary: 'the committee pack: a Word report, a workbook and the timeline picture',
  changes: false,
  async run(ctx): Promise<Reply> {
    const model = buildReport(ctx.programme, await ctx.store.read(), ctx.now);
    const s = model.summary;
    const r = reply(
      'answer',
      `Committee report: ${model.programme}, ${model.dayText}`,
      [
        {
          lines: [
            [`${s.milestones} milestones and ${s.actions} local action${s.actions === 1 ? '' : 's'}: ${s.byStatus.overdue} overdue, ${s.byStatus['due-soon']} due soon, ${s.byStatus.upcoming} upcoming, ${s.byStatus.done} done.`],
            [`Changes since ${formatDay(model.since.at.slice(0, 10), model.zone)}: ${model.changes.length}.`],
          ],
        },
      ],
      [['The Word report, the workbook and the timeline picture follow as files.']],
    );
    r.pack = model;
    return r;
  },
};
