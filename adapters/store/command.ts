// `reform store …`: the store's own commands, for whoever runs the bot.
//   migrate                  apply the PostgreSQL schema's migrations (every replica also does at start)
//   copy <from> <to> [--force]  move everything between a file store and a database, either way
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { copyStore, StoreCommandRefused } from './copy.js';
import { isDatabaseUrl, openStore } from './open.js';
import { describeUrl } from './postgres/connection.js';
import { postgresStore } from './postgres/store.js';

export async function storeCommand(args: string[], config: Config, usage: string, print: (text: string) => void): Promise<void> {
  const [verb, ...rest] = args;
  const logger = createLogger(config.logLevel, config.secrets);
  if (verb === 'migrate') {
    if (!isDatabaseUrl(config.dbFile)) throw new StoreCommandRefused(`reform store migrate: REFORM_DB is a file (${config.dbFile}); migrations are for a postgres:// URL. A file store needs none.`);
    const store = postgresStore({ url: config.dbFile, poolSize: config.dbPool, logger });
    try {
      const applied = await store.migrate();
      print(applied.length ? `applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')} to ${describeUrl(config.dbFile)}` : `${describeUrl(config.dbFile)} is up to date`);
    } finally {
      await store.close();
    }
    return;
  }
  if (verb === 'copy') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { force: { type: 'boolean' } }, strict: true });
    const [from, to, ...extra] = positionals;
    if (!from || !to || extra.length) throw new StoreCommandRefused(`reform store copy: name the store to copy from and the one to copy to, each a file or a postgres:// URL.\n${usage}`);
    if (from === to) throw new StoreCommandRefused('reform store copy: the two stores are the same; nothing was copied.');
    const source = await openStore(from, logger, { poolSize: config.dbPool });
    const target = await openStore(to, logger, { poolSize: config.dbPool }).catch(async (error: unknown) => {
      await source.close();
      throw error;
    });
    try {
      const copied = await copyStore(source, target, values.force === true);
      print(`copied ${copied} from ${source.where} to ${target.where}`);
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
    return;
  }
  throw new StoreCommandRefused(`reform store: ${verb === undefined ? 'say what to do' : `"${verb}" is not a store command`}: migrate or copy.\n${usage}`);
}
