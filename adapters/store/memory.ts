// An in-memory Store for tests and for `reform ask` previews. Same contract as the file store, one process.
import type { Store } from '../../src/ports.js';
import { emptyState, stateSchema, type State } from '../../src/tracking/state.js';

export function memoryStore(initial: State = emptyState()): Store & { snapshot(): State } {
  let saved = JSON.stringify(initial);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async read() {
      return stateSchema.parse(JSON.parse(saved));
    },
    update(change) {
      const run = queue.then(async () => {
        const state = stateSchema.parse(JSON.parse(saved));
        const result = change(state);
        saved = JSON.stringify(state);
        return result;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    snapshot() {
      return stateSchema.parse(JSON.parse(saved));
    },
  };
}
