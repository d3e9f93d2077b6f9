// Opens the configured store and checks it can be read, so a corrupt store stops startup with a clear message.
import type { Logger, Store } from '../../src/ports.js';
import { fileStore } from './file-store.js';

export async function openStore(path: string, logger?: Logger): Promise<Store> {
  const store = fileStore(path, { logger });
  await store.read();
  return store;
}
