/**
 * A new PGlite database starts with initdb, 1.4–2.8 s of WebAssembly on this machine; loading the
 * data folder of a freshly initialised one (dumpDataDir) takes ~0.35 s. The first fresh database
 * of a PGlite version on a machine dumps an empty, just-initialised one to the system's temporary
 * folder; every later fresh database (a new DATA_DIR, each in-memory store) starts from that copy.
 * It holds no schema and no data (the migrations run on the new database as before), so it is
 * the same database initdb would make. Any trouble with the copy falls back to initdb.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/** the installed PGlite's version (its package.json is not exported: read beside its entry point); null if unknown */
function pgliteVersion(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
    return pkg.name === '@electric-sql/pglite' && typeof pkg.version === 'string' && /^[\w.+-]+$/.test(pkg.version) ? pkg.version : null;
  } catch {
    return null;
  }
}

const VERSION = pgliteVersion();
/** null: the version is unknown, so no copy can be trusted to match */
const TEMPLATE_FILE = VERSION === null ? null : join(tmpdir(), `biopsy-quant-pglite-${VERSION}-initdb.tar`);

let cached: Promise<Blob | null> | undefined;

/** The empty initialised data folder to start a fresh database from, or null to run initdb. */
export function freshDataDirTemplate(file = TEMPLATE_FILE): Promise<Blob | null> {
  if (file === null) return Promise.resolve(null);
  if (file !== TEMPLATE_FILE) return loadOrMake(file);
  cached ??= loadOrMake(file);
  return cached;
}

async function loadOrMake(file: string): Promise<Blob | null> {
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // not made yet (or unreadable): make it
  }
  try {
    const db = await PGlite.create();
    const dump = await db.dumpDataDir('none');
    await db.close();
    // whole or not at all: another process may be making it at the same moment
    const part = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(part, Buffer.from(await dump.arrayBuffer()));
    await rename(part, file).catch(async () => {
      await rm(part, { force: true });
    });
    return dump;
  } catch {
    return null;
  }
}
