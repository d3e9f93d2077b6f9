// `npm run teams:package`: zips adapters/teams/manifest.json (with the bot's Microsoft App ID filled in) and its
// two icons into dist/reform-teams.zip, the file Teams admins upload. Node built-ins only.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { loadEnvFile } from '../adapters/env-file.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TEAMS = join(ROOT, 'adapters', 'teams');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A fixed DOS date (1 January 1980) so the same inputs always give the same zip.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** A minimal ZIP archive: deflated entries, UTF-8 names, no directories, no zip64 (Teams packages are tiny). */
export function zip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    const body = deflateRawSync(data);
    // Fields shared by the local header (from offset 4) and the central directory entry (from offset 6).
    const common = Buffer.alloc(26);
    common.writeUInt16LE(20, 0); // version needed: 2.0 (deflate)
    common.writeUInt16LE(0x0800, 2); // names are UTF-8
    common.writeUInt16LE(8, 4); // deflate
    common.writeUInt16LE(DOS_TIME, 6);
    common.writeUInt16LE(DOS_DATE, 8);
    common.writeUInt32LE(crc32(data), 10);
    common.writeUInt32LE(body.length, 14);
    common.writeUInt32LE(data.length, 18);
    common.writeUInt16LE(fileName.length, 22);
    const local = Buffer.concat([u32(0x04034b50), common, fileName, body]);
    const tail = Buffer.alloc(14); // comment length, disk, attributes: all zero; then the local header's offset
    tail.writeUInt32LE(offset, 10);
    central.push(Buffer.concat([u32(0x02014b50), u16(20), common, tail, fileName]));
    parts.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

/** The Teams app package for a bot with this Microsoft App ID. */
export function teamsPackage(appId: string): Buffer {
  if (!GUID.test(appId)) throw new Error(`MicrosoftAppId must be the bot's Microsoft App ID (a GUID), not "${appId}"`);
  const manifest = readFileSync(join(TEAMS, 'manifest.json'), 'utf8').replaceAll('{{MicrosoftAppId}}', appId);
  return zip([
    { name: 'manifest.json', data: Buffer.from(manifest, 'utf8') },
    { name: 'color.png', data: readFileSync(join(TEAMS, 'color.png')) },
    { name: 'outline.png', data: readFileSync(join(TEAMS, 'outline.png')) },
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // A build step, not the bot: it reads its one setting here rather than through adapters/config.ts, from the
  // environment or the same settings file the bot reads (.env, or REFORM_ENV_FILE).
  try {
    loadEnvFile(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const appId = process.env.MicrosoftAppId?.trim();
  if (!appId) {
    console.error('MicrosoftAppId is not set: the Teams package needs the bot\'s Microsoft App ID (Azure Bot registration → Configuration).');
    process.exit(1);
  }
  try {
    const out = join(ROOT, 'dist', 'reform-teams.zip');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, teamsPackage(appId));
    console.log(`wrote ${out}: upload it in Teams (Apps → Manage your apps → Upload an app)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
