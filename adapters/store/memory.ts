// An in-memory Store for tests and for `reform ask` previews. Same contract as the file store, one process.
import type { Store } from '../../src/ports.js';
import { emptyState, stateSchema, type State } from '../../src/tracking/state.js';

export function memoryStore(initial: State = emptyState()): Store & { snapshot(): State } {
  let saved = JSON.stringify(initial);
  let revision = 0;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async read() {
      return stateSchema.parse(JSON.parse(saved));
    },
    update(change) {
      const run = queue.then(async () => {
        const state = stateSchema.parse(JSON.parse(saved));
        const result = change(state);
        const text = JSON.stringify(state);
        if (text !== saved) revision++;
        saved = text;
        return result;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async revision() {
      return String(revision);
    },
    snapshot() {
      return stateSchema.parse(JSON.parse(saved));
    },
  };
}
