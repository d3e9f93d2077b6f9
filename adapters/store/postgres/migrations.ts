// The PostgreSQL store's schema, as numbered migrations. Run at start by every replica (and by
// `reform store migrate`): each takes the same advisory lock first, so replicas starting together apply each
// migration once, in one transaction, and the others find it done. Never edit a migration once released; add one.
import type pg from 'pg';

/** The advisory lock taken while migrating (an arbitrary constant: "reform-m"). */
const MIGRATION_LOCK = 0x7265666f726d2d6dn;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Kinds and states are text without check constraints: new kinds of nudge and new item fields need no migration.
// Each row carries `v`, the store version that last wrote it, so a replica catches up by reading v > its own.
// Whole entries are kept in `data` (jsonb), so nothing is lost; the columns beside it are for keys, uniqueness
// and the queries an operator runs.
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tracking state: items, actions, audit, subscriptions, ledger, direct channels, Slack events',
    sql: `
CREATE TABLE reform_meta (
  id int PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL,
  state_version int NOT NULL,
  digests jsonb NOT NULL DEFAULT '{}',
  rest jsonb NOT NULL DEFAULT '{}',
  tombstones_from bigint NOT NULL DEFAULT 0
);
INSERT INTO reform_meta (id, version, state_version) VALUES (1, 0, 1);
CREATE TABLE items (id text PRIMARY KEY, data jsonb NOT NULL, v bigint NOT NULL, ord bigserial);
CREATE INDEX items_v ON items (v);
CREATE TABLE actions (id text PRIMARY KEY, milestone_id text NOT NULL, data jsonb NOT NULL, v bigint NOT NULL, ord bigserial);
CREATE INDEX actions_v ON actions (v);
CREATE TABLE audit (seq bigserial PRIMARY KEY, at text NOT NULL, item text NOT NULL, data jsonb NOT NULL, v bigint NOT NULL);
CREATE INDEX audit_v ON audit (v);
CREATE INDEX audit_item ON audit (item);
CREATE FUNCTION reform_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION reform_audit_append_only();
CREATE TABLE subscriptions (id text PRIMARY KEY, pos int NOT NULL, kind text NOT NULL, platform text NOT NULL, channel text NOT NULL, data jsonb NOT NULL, v bigint NOT NULL);
CREATE INDEX subscriptions_v ON subscriptions (v);
CREATE TABLE ledger (
  key text PRIMARY KEY,
  subscription text NOT NULL,
  item text NOT NULL,
  slot text NOT NULL,
  kind text NOT NULL,
  state text NOT NULL,
  due_at timestamptz NOT NULL,
  data jsonb NOT NULL,
  v bigint NOT NULL,
  ord bigserial,
  UNIQUE (subscription, item, slot)
);
CREATE INDEX ledger_v ON ledger (v);
CREATE INDEX ledger_waiting ON ledger (due_at) WHERE state IN ('pending', 'claimed');
CREATE TABLE direct_channels (identity text PRIMARY KEY, data jsonb NOT NULL, v bigint NOT NULL, ord bigserial);
CREATE INDEX direct_channels_v ON direct_channels (v);
CREATE TABLE slack_events (event_id text PRIMARY KEY, at text NOT NULL, v bigint NOT NULL, ord bigserial);
CREATE INDEX slack_events_v ON slack_events (v);
CREATE TABLE tombstones (collection text NOT NULL, key text NOT NULL, v bigint NOT NULL, PRIMARY KEY (collection, key));
CREATE INDEX tombstones_v ON tombstones (v);
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** The database's schema is newer than this program knows: stop rather than write what it cannot read. */
export class SchemaTooNew extends Error {}

/**
 * Brings the schema up to date; returns the migrations applied now (none when another replica did them).
 * All in one transaction under the migration lock.
 */
export async function migrate(client: pg.ClientBase): Promise<Migration[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query('CREATE TABLE IF NOT EXISTS reform_schema (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM reform_schema');
    const current = rows[0]?.v ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new SchemaTooNew(`the database's schema is version ${current}, newer than this version of Reform Bot knows (${SCHEMA_VERSION}): upgrade the bot`);
    }
    const due = MIGRATIONS.filter((m) => m.version > current);
    for (const m of due) {
      await client.query(m.sql);
      await client.query('INSERT INTO reform_schema (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await client.query('COMMIT');
    return due;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
