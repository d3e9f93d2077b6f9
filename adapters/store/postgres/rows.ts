// Between the State and the PostgreSQL tables: reading it all (at start), reading what changed since a version
// (another replica's changes), and writing what one change did. Every value travels as a query parameter;
// the SQL text is built only from the constants below.
import type pg from 'pg';
import type { State } from '../../../src/tracking/state.js';
import type { Changes, RecordName } from './working-copy.js';

interface Column {
  name: string;
  type: 'text' | 'jsonb' | 'timestamptz';
  of: (key: string, value: unknown) => string;
}

interface Table {
  table: string;
  key: string;
  /** Columns besides the key, in insert order. */
  columns: Column[];
  /** The entry as the State holds it, from the row's selected `value`. */
  select: string;
}

const json = (_k: string, v: unknown): string => JSON.stringify(v);
const field = (name: string) => (_k: string, v: unknown): string => String((v as Record<string, unknown>)[name] ?? '');

export const TABLES: Record<RecordName, Table> = {
  items: { table: 'items', key: 'id', columns: [{ name: 'data', type: 'jsonb', of: json }], select: 'data' },
  actions: {
    table: 'actions',
    key: 'id',
    columns: [
      { name: 'milestone_id', type: 'text', of: field('milestoneId') },
      { name: 'data', type: 'jsonb', of: json },
    ],
    select: 'data',
  },
  ledger: {
    table: 'ledger',
    key: 'key',
    columns: [
      { name: 'subscription', type: 'text', of: field('subscription') },
      { name: 'item', type: 'text', of: field('item') },
      { name: 'slot', type: 'text', of: field('slot') },
      { name: 'kind', type: 'text', of: field('kind') },
      { name: 'state', type: 'text', of: field('state') },
      { name: 'due_at', type: 'timestamptz', of: field('dueAt') },
      { name: 'data', type: 'jsonb', of: json },
    ],
    select: 'data',
  },
  directChannels: { table: 'direct_channels', key: 'identity', columns: [{ name: 'data', type: 'jsonb', of: json }], select: 'data' },
  slackEvents: { table: 'slack_events', key: 'event_id', columns: [{ name: 'at', type: 'text', of: (_k, v) => String(v) }], select: 'to_jsonb(at)' },
};

/** The store's version row: what every replica compares with its own. */
export interface Meta {
  version: number;
  stateVersion: number;
  digests: State['digests'];
  rest: Record<string, unknown>;
  tombstonesFrom: number;
}

export async function readMeta(db: pg.ClientBase): Promise<Meta> {
  const { rows } = await db.query<{ version: string; state_version: number; digests: State['digests']; rest: Record<string, unknown>; tombstones_from: string }>(
    'SELECT version, state_version, digests, rest, tombstones_from FROM reform_meta WHERE id = 1',
  );
  const row = rows[0];
  if (!row) throw new Error('the reform_meta row is missing');
  return { version: Number(row.version), stateVersion: row.state_version, digests: row.digests, rest: row.rest, tombstonesFrom: Number(row.tombstones_from) };
}

export async function readVersion(db: pg.ClientBase | pg.Pool): Promise<number> {
  const { rows } = await db.query<{ version: string }>('SELECT version FROM reform_meta WHERE id = 1');
  return Number(rows[0]?.version ?? 0);
}

/** What changed since a version: entries written (in their first-written order) and ids deleted. */
export interface Delta {
  records: Record<RecordName, [string, unknown][]>;
  gone: Record<string, string[]>;
  audit: State['audit'];
  subscriptions?: State['subscriptions'];
  meta: Meta;
}

async function rowsOf(db: pg.ClientBase, t: Table): Promise<[string, unknown][]> {
  const { rows } = await db.query<{ k: string; value: unknown }>(`SELECT ${t.key} AS k, ${t.select} AS value FROM ${t.table} ORDER BY ord`);
  return rows.map((r) => [r.k, r.value]);
}

/** What changed after a version, from every table in one query: (collection, key, value) in each one's order. */
const CHANGED_SINCE = [
  ...(Object.entries(TABLES) as [RecordName, Table][]).map(([name, t]) => `SELECT '${name}' AS c, ${t.key} AS k, ${t.select} AS value, ord::bigint AS n FROM ${t.table} WHERE v > $1`),
  `SELECT 'audit', NULL, data, seq FROM audit WHERE v > $1`,
  `SELECT 'gone', collection || ':' || key, NULL, 0 FROM tombstones WHERE v > $1`,
  `SELECT 'subscriptions', id, NULL, pos FROM subscriptions WHERE v > $1`,
].join(' UNION ALL ') + ' ORDER BY 1, 4';

/**
 * The state as of the transaction's snapshot, or what changed after `since` (0: everything). Run in one
 * REPEATABLE READ transaction, or under the write lock, so the rows and the version agree.
 */
export async function readDelta(db: pg.ClientBase, since: number): Promise<Delta> {
  const meta = await readMeta(db);
  const records = {} as Delta['records'];
  const gone: Delta['gone'] = {};
  let audit: State['audit'] = [];
  let subsChanged = since === 0;
  if (since === 0) {
    for (const [name, t] of Object.entries(TABLES) as [RecordName, Table][]) records[name] = await rowsOf(db, t);
    audit = (await db.query<{ data: State['audit'][number] }>('SELECT data FROM audit ORDER BY seq')).rows.map((r) => r.data);
  } else {
    // One round trip, as this runs whenever another replica changed something since this one's last look.
    for (const name of Object.keys(TABLES) as RecordName[]) records[name] = [];
    const { rows } = await db.query<{ c: string; k: string; value: unknown }>(CHANGED_SINCE, [since]);
    for (const r of rows) {
      if (r.c === 'audit') audit.push(r.value as State['audit'][number]);
      else if (r.c === 'subscriptions') subsChanged = true;
      else if (r.c === 'gone') {
        const cut = r.k.indexOf(':');
        (gone[r.k.slice(0, cut)] ??= []).push(r.k.slice(cut + 1));
      } else records[r.c as RecordName].push([r.k, r.value]);
    }
  }
  // Subscriptions are a short ordered list: read whole whenever one of them changed.
  let subscriptions: State['subscriptions'] | undefined;
  if (subsChanged || gone['subscriptions'] !== undefined) {
    const { rows } = await db.query<{ data: State['subscriptions'][number] }>('SELECT data FROM subscriptions ORDER BY pos');
    subscriptions = rows.map((r) => r.data);
  }
  return { records, gone, audit, subscriptions, meta };
}

/** Tombstones older than this many versions are pruned; a replica further behind reads everything again. */
const TOMBSTONE_KEEP = 10_000;

/** Writes what one change did, as version `version`. Runs inside the update's transaction. */
export async function writeChanges(db: pg.ClientBase, changes: Changes, version: number): Promise<void> {
  for (const [name, rc] of Object.entries(changes.records) as [RecordName, NonNullable<Changes['records'][RecordName]>][]) {
    const t = TABLES[name];
    // Deletions first: an id deleted and another added in its place must not collide on a unique key.
    if (rc.deletes.length) await forget(db, t.table, t.key, name, rc.deletes, version);
    if (rc.upserts.length) {
      const cols = [t.key, ...t.columns.map((c) => c.name)];
      const types = ['text', ...t.columns.map((c) => c.type)];
      const arrays = [rc.upserts.map(([k]) => k), ...t.columns.map((c) => rc.upserts.map(([k, v]) => c.of(k, v)))];
      const aliases = cols.map((_c, i) => `c${i}`);
      const sets = t.columns.map((c) => `${c.name} = excluded.${c.name}`).join(', ');
      // unnest keeps the list's order (WITH ORDINALITY), so new entries are numbered (ord) as the change added them.
      await db.query(
        `INSERT INTO ${t.table} (${cols.join(', ')}, v) SELECT ${aliases.map((a, i) => `${a}::${types[i]}`).join(', ')}, $${cols.length + 1} ` +
          `FROM unnest(${cols.map((_c, i) => `$${i + 1}::text[]`).join(', ')}) WITH ORDINALITY AS u(${aliases.join(', ')}, n) ORDER BY n ` +
          `ON CONFLICT (${t.key}) DO UPDATE SET ${sets}, v = excluded.v`,
        [...arrays, version],
      );
    }
  }
  if (changes.appended.length) {
    const e = changes.appended;
    await db.query(
      'INSERT INTO audit (at, item, data, v) SELECT a, i, d::jsonb, $4 FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(a, i, d, n) ORDER BY n',
      [e.map((x) => x.at), e.map((x) => x.item), e.map((x) => JSON.stringify(x)), version],
    );
  }
  if (changes.subscriptions) await writeSubscriptions(db, changes.subscriptions, version);
  const meta = ['version = $1'];
  const params: unknown[] = [version];
  if (changes.digests) meta.push(`digests = $${params.push(JSON.stringify(changes.digests))}::jsonb`);
  if (changes.rest) meta.push(`rest = $${params.push(JSON.stringify(changes.rest))}::jsonb`);
  if (version % 1000 === 0) {
    await db.query('DELETE FROM tombstones WHERE v <= $1', [version - TOMBSTONE_KEEP]);
    meta.push(`tombstones_from = $${params.push(Math.max(0, version - TOMBSTONE_KEEP))}`);
  }
  await db.query(`UPDATE reform_meta SET ${meta.join(', ')} WHERE id = 1`, params);
}

async function forget(db: pg.ClientBase, table: string, key: string, collection: string, ids: string[], version: number): Promise<void> {
  await db.query(`DELETE FROM ${table} WHERE ${key} = ANY($1::text[])`, [ids]);
  await db.query(
    'INSERT INTO tombstones (collection, key, v) SELECT $1, k, $3 FROM unnest($2::text[]) AS u(k) ON CONFLICT (collection, key) DO UPDATE SET v = excluded.v',
    [collection, ids, version],
  );
}

/** The list is short (one row per channel and kind): when it changes it is written whole, with each one's place. */
async function writeSubscriptions(db: pg.ClientBase, list: State['subscriptions'], version: number): Promise<void> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM subscriptions');
  const ids = new Set(list.map((s) => s.id));
  const dropped = rows.filter((r) => !ids.has(r.id)).map((r) => r.id);
  if (dropped.length) await forget(db, 'subscriptions', 'id', 'subscriptions', dropped, version);
  if (!list.length) return;
  const changed = list.map((s, pos) => ({ s, pos }));
  await db.query(
    'INSERT INTO subscriptions (id, pos, kind, platform, channel, data, v) SELECT i, p, k, pl, c, d::jsonb, $7 FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(i, p, k, pl, c, d) ' +
      'ON CONFLICT (id) DO UPDATE SET pos = excluded.pos, kind = excluded.kind, platform = excluded.platform, channel = excluded.channel, data = excluded.data, v = excluded.v',
    [changed.map((c) => c.s.id), changed.map((c) => c.pos), changed.map((c) => c.s.kind), changed.map((c) => c.s.platform), changed.map((c) => c.s.channel), changed.map((c) => JSON.stringify(c.s)), version],
  );
}
