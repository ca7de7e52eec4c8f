// Bonds in a JSON file, written atomically (a temporary file in the same directory, fsync, rename,
// then fsync of the directory) with mode 0600 since it holds keys. A file that cannot be read as a
// key store is never overwritten: every call fails with KeyStoreCorruptError until a person looks.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BlebenchError, EXIT } from '../errors/blebench-error.js';
import { bondFromJson, bondKey, bondToJson, BondFormatError, type Bond } from './bond.js';
import type { DeviceAddress } from './engine-types.js';
import { sameAddress, type KeyStore } from './key-store.js';

export const KEY_STORE_FORMAT_VERSION = 1;
export const KEY_STORE_FILE_MODE = 0o600;

/** The key store file exists but is not a key store this version can read. Exit 2 (bad input file). */
export class KeyStoreCorruptError extends BlebenchError {
  readonly code = 'KEY_STORE_CORRUPT';
  readonly exitCode = EXIT.BAD_INPUT;
  constructor(
    readonly file: string,
    why: string,
    options?: { cause?: unknown },
  ) {
    super(`the key store ${file} cannot be read: ${why}`, {
      ...options,
      hint: `nothing was written to it; fix the file or move it aside (its keys are still in it), then run again`,
    });
  }
}

export class JsonFileKeyStore implements KeyStore {
  private writing: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async get(local: DeviceAddress, peer: DeviceAddress): Promise<Bond | undefined> {
    return (await this.read()).get(bondKey(local, peer));
  }

  async list(local?: DeviceAddress): Promise<Bond[]> {
    const all = [...(await this.read()).values()];
    return local ? all.filter((b) => sameAddress(b.local, local)) : all;
  }

  put(bond: Bond): Promise<void> {
    return this.update((bonds) => {
      bonds.set(bondKey(bond.local, bond.peer), bond);
      return true;
    });
  }

  async delete(local: DeviceAddress, peer: DeviceAddress): Promise<boolean> {
    let removed = false;
    await this.update((bonds) => (removed = bonds.delete(bondKey(local, peer))));
    return removed;
  }

  /** Read, change, write: one at a time in this process. */
  private update(change: (bonds: Map<string, Bond>) => boolean): Promise<void> {
    const run = this.writing.then(async () => {
      const bonds = await this.read();
      if (change(bonds)) await this.write(bonds);
    });
    this.writing = run.catch(() => {});
    return run;
  }

  private async read(): Promise<Map<string, Bond>> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new KeyStoreCorruptError(this.file, `it is not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
    if (typeof doc !== 'object' || doc === null || (doc as { version?: unknown }).version !== KEY_STORE_FORMAT_VERSION || !Array.isArray((doc as { bonds?: unknown }).bonds)) {
      throw new KeyStoreCorruptError(this.file, `it is not a version ${KEY_STORE_FORMAT_VERSION} key store ({"version": 1, "bonds": [...]})`);
    }
    const bonds = new Map<string, Bond>();
    try {
      (doc as { bonds: unknown[] }).bonds.forEach((b, i) => {
        const bond = bondFromJson(b, `bonds[${i}]`);
        bonds.set(bondKey(bond.local, bond.peer), bond);
      });
    } catch (err) {
      if (err instanceof BondFormatError) throw new KeyStoreCorruptError(this.file, err.message, { cause: err });
      throw err;
    }
    return bonds;
  }

  private async write(bonds: Map<string, Bond>): Promise<void> {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const text = JSON.stringify({ version: KEY_STORE_FORMAT_VERSION, bonds: [...bonds.values()].map(bondToJson) }, null, 2) + '\n';
    const fh = await fs.open(tmp, 'wx', KEY_STORE_FILE_MODE);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.chmod(KEY_STORE_FILE_MODE); // whatever the umask
      await fh.sync();
    } catch (err) {
      await fh.close();
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await fh.close();
    try {
      await fs.rename(tmp, this.file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await syncDirectory(dir);
  }
}

/** The rename is durable once the directory is synced (not possible on every platform: best effort). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* Windows and some filesystems cannot fsync a directory */
  }
}
