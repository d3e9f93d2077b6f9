// The state a change runs on in the PostgreSQL store: a copy made as it is touched, so a change costs in proportion
// to what it reads and changes, not to the size of the state. The store then writes only the entries that differ.
// Called by the store once per update, inside its transaction.
import type { State } from '../../../src/tracking/state.js';

/** The State fields kept as keyed collections, one row per entry. */
export const RECORDS = ['items', 'actions', 'ledger', 'directChannels', 'slackEvents'] as const;
export type RecordName = (typeof RECORDS)[number];
/** Fields this store knows; any other (added to State later) is kept whole in one column, never dropped. */
export const KNOWN = new Set<string>([...RECORDS, 'version', 'audit', 'subscriptions', 'digests']);

const GONE = Symbol('gone');
type Slot = unknown | typeof GONE;

/**
 * A record (id -> entry) whose entries are deep-copied the first time the change looks at them. `touched` holds
 * those copies, and GONE for deleted ids; entries never looked at are never copied.
 */
function copyOnTouch(base: Record<string, unknown>): { view: Record<string, unknown>; touched: Map<string, Slot> } {
  const touched = new Map<string, Slot>();
  const has = (key: string): boolean => (touched.has(key) ? touched.get(key) !== GONE : Object.hasOwn(base, key));
  const get = (key: string): unknown => {
    if (touched.has(key)) {
      const v = touched.get(key);
      return v === GONE ? undefined : v;
    }
    if (!Object.hasOwn(base, key)) return undefined;
    const copy = structuredClone(base[key]);
    touched.set(key, copy);
    return copy;
  };
  const view = new Proxy({} as Record<string, unknown>, {
    get: (target, key) => (typeof key === 'string' && has(key) ? get(key) : Reflect.get(target, key)),
    set: (_target, key, value) => {
      if (typeof key !== 'string') return false;
      touched.set(key, value);
      return true;
    },
    defineProperty: (_target, key, descriptor) => {
      if (typeof key !== 'string' || !('value' in descriptor)) return false;
      touched.set(key, descriptor.value);
      return true;
    },
    deleteProperty: (_target, key) => {
      if (typeof key === 'string') touched.set(key, GONE);
      return true;
    },
    has: (target, key) => (typeof key === 'string' && has(key)) || Reflect.has(target, key),
    ownKeys: () => {
      const keys = Object.keys(base).filter(has);
      for (const [key, v] of touched) if (v !== GONE && !Object.hasOwn(base, key)) keys.push(key);
      return keys;
    },
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === 'string' && has(key) ? { value: get(key), writable: true, enumerable: true, configurable: true } : undefined,
  });
  return { view, touched };
}

/** What one change did to one record collection. */
export interface RecordChanges {
  upserts: [string, unknown][];
  deletes: string[];
}

export interface Changes {
  records: Partial<Record<RecordName, RecordChanges>>;
  /** Audit entries appended, in order. The trail is append-only: anything else is refused. */
  appended: State['audit'];
  /** The whole list, when it changed (a few hundred at most): written by id, with its order. */
  subscriptions?: State['subscriptions'];
  digests?: State['digests'];
  /** Fields of State this store does not know by name, when any changed. */
  rest?: Record<string, unknown>;
}

export function isEmpty(c: Changes): boolean {
  return !Object.keys(c.records).length && !c.appended.length && !c.subscriptions && !c.digests && !c.rest;
}

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** The fields of a state this store keeps whole in one column. */
export function restOf(state: State): Record<string, unknown> {
  return Object.fromEntries(Object.entries(state).filter(([k]) => !KNOWN.has(k)));
}

/**
 * Runs `change` on a working copy of `base` (never changing `base`) and returns its result with what it changed.
 */
export function runOnCopy<T>(base: State, change: (state: State) => T): { result: T; changes: Changes; working: State } {
  const views = new Map<RecordName, ReturnType<typeof copyOnTouch>>();
  const working = { ...structuredClone(restOf(base)), version: base.version } as State;
  for (const name of RECORDS) {
    const v = copyOnTouch(base[name] as Record<string, unknown>);
    views.set(name, v);
    (working as Record<string, unknown>)[name] = v.view;
  }
  // The audit is append-only: its entries are frozen, so the copy shares them and only the list is new.
  working.audit = base.audit.slice();
  working.subscriptions = structuredClone(base.subscriptions);
  working.digests = structuredClone(base.digests);
  const result = change(working);

  const changes: Changes = { records: {}, appended: [] };
  for (const name of RECORDS) {
    const { view, touched } = views.get(name)!;
    const now = working[name] as Record<string, unknown>;
    const before = base[name] as Record<string, unknown>;
    const rc: RecordChanges = { upserts: [], deletes: [] };
    if (now === view) {
      for (const [key, v] of touched) {
        if (v === GONE) {
          if (Object.hasOwn(before, key)) rc.deletes.push(key);
        } else if (!Object.hasOwn(before, key) || !same(before[key], v)) rc.upserts.push([key, v]);
      }
    } else {
      // The change put a new object in place of the whole collection: compare every entry.
      for (const key of Object.keys(before)) if (!Object.hasOwn(now, key)) rc.deletes.push(key);
      for (const [key, v] of Object.entries(now)) if (!Object.hasOwn(before, key) || !same(before[key], v)) rc.upserts.push([key, v]);
    }
    if (rc.upserts.length || rc.deletes.length) changes.records[name] = rc;
  }
  const audit = working.audit;
  if (audit.length < base.audit.length || base.audit.some((e, i) => audit[i] !== e)) {
    throw new Error('The audit trail is append-only: a change may add entries, never alter or remove one');
  }
  changes.appended = audit.slice(base.audit.length);
  if (!same(base.subscriptions, working.subscriptions)) changes.subscriptions = working.subscriptions;
  if (!same(base.digests, working.digests)) changes.digests = working.digests;
  const rest = restOf(working);
  if (!same(restOf(base), rest)) changes.rest = rest;
  return { result, changes, working };
}

/** Applies what a committed change did to the kept state, in place (queries share it, as with the file store). */
export function applyChanges(state: State, changes: Changes): void {
  for (const [name, rc] of Object.entries(changes.records) as [RecordName, RecordChanges][]) {
    const record = state[name] as Record<string, unknown>;
    for (const key of rc.deletes) delete record[key];
    for (const [key, v] of rc.upserts) record[key] = v;
  }
  for (const e of changes.appended) state.audit.push(Object.freeze(e));
  if (changes.subscriptions) state.subscriptions = changes.subscriptions;
  if (changes.digests) state.digests = changes.digests;
  if (changes.rest) {
    for (const key of Object.keys(state)) if (!KNOWN.has(key)) delete (state as Record<string, unknown>)[key];
    Object.assign(state, changes.rest);
  }
}
