// Opens the configured store.
import type { Store } from '../../src/ports.js';
import { memoryStore } from './memory.js';

export async function openStore(_path: string): Promise<Store> {
  return memoryStore();
}
