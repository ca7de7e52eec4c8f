// Bonds in a JSON file, checked when the store is made (key-store-file.ts: a corrupt or unusable file is
// exit 2 before anything runs), kept in memory, and written atomically on every change (a temporary file
// in the same directory, fsync, rename, then fsync of the directory) with mode 0600 since it holds keys.
// A write that fails keeps the bond in memory, saves it to a fallback key store it names (else its JSON
// goes in the error), and fails loudly with KeyStoreWriteError: a bond is never dropped in silence.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlebenchError, EXIT } from '../errors/blebench-error.js';
import { bondKey, bondToJson, type Bond } from './bond.js';
import type { DeviceAddress } from './engine-types.js';
import { KEY_STORE_FORMAT_VERSION, openKeyStoreFile, parseBonds } from './key-store-file.js';
import { sameAddress, type KeyStore } from './key-store.js';

export { KEY_STORE_FORMAT_VERSION, KeyStoreCorruptError, KeyStoreUnusableError } from './key-store-file.js';
export const KEY_STORE_FILE_MODE = 0o600;

/** A bond could not be written to the key store: it is kept in memory and its keys offered elsewhere. Exit 1. */
export class KeyStoreWriteError extends BlebenchError {
  readonly code = 'KEY_STORE_WRITE_FAILED';
  readonly exitCode = EXIT.EXPECTATION_FAILED;
  constructor(
    readonly file: string,
    readonly bonds: readonly Bond[],
    why: string,
    /** Where the bonds were saved instead (a key store file), or undefined when that failed too. */
    readonly fallback: string | undefined,
    options?: { cause?: unknown },
  ) {
    const peers = bonds.map((b) => b.peer.address).join(', ');
    const saved = fallback
      ? `its keys were saved to ${fallback} instead (a key store: use it with --keys, or copy its bonds into ${file})`
      : `its keys, to save by hand: ${serialise(bonds).trim()}`;
    const message = bonds.length
      ? `the bond with ${peers} could not be saved to the key store ${file} (${why}); it is kept in memory for this run; ${saved}`
      : `the key store ${file} could not be written (${why})`;
    super(message, {
      ...options,
      hint: `check the disk, the file's folder and its permissions; ${file} is as it was before this write`,
    });
  }
}

const serialise = (bonds: Iterable<Bond>) => JSON.stringify({ version: KEY_STORE_FORMAT_VERSION, bonds: [...bonds].map(bondToJson) }, null, 2) + '\n';

export class JsonFileKeyStore implements KeyStore {
  private writing: Promise<unknown> = Promise.resolve();
  /** This process's view: the file as checked at start, and every change since (saved or not). */
  private readonly bonds: Map<string, Bond>;
  /** Bonds whose write failed (kept in memory; retried with the next write). */
  readonly unsaved = new Map<string, Bond>();

  /** Checks the file now (throws KeyStoreCorruptError / KeyStoreUnusableError, exit 2); nothing is written until a bond is made. */
  constructor(readonly file: string) {
    this.bonds = openKeyStoreFile(file);
  }

  /** Resolves once every write asked for so far has ended (saved or failed and said). */
  async settled(): Promise<void> {
    let last: Promise<unknown> | undefined;
    while (last !== this.writing) {
      last = this.writing;
      await last;
    }
  }

  async get(local: DeviceAddress, peer: DeviceAddress): Promise<Bond | undefined> {
    return this.bonds.get(bondKey(local, peer));
  }

  async list(local?: DeviceAddress): Promise<Bond[]> {
    const all = [...this.bonds.values()];
    return local ? all.filter((b) => sameAddress(b.local, local)) : all;
  }

  put(bond: Bond): Promise<void> {
    const key = bondKey(bond.local, bond.peer);
    this.bonds.set(key, bond);
    return this.update([bond], (bonds) => {
      bonds.set(key, bond);
      return true;
    });
  }

  async delete(local: DeviceAddress, peer: DeviceAddress): Promise<boolean> {
    const key = bondKey(local, peer);
    const had = this.bonds.delete(key);
    this.unsaved.delete(key);
    let removed = false;
    await this.update([], (bonds) => (removed = bonds.delete(key)));
    return removed || had;
  }

  /**
   * Read the file again (another process may have added bonds), change, write: one at a time in this
   * process. A file that can no longer be read as a key store is not overwritten: the write fails.
   */
  private update(made: readonly Bond[], change: (bonds: Map<string, Bond>) => boolean): Promise<void> {
    const run = this.writing.then(async () => {
      try {
        const bonds = await this.onDisk();
        for (const [k, b] of this.unsaved) bonds.set(k, b);
        if (change(bonds) || this.unsaved.size) await this.write(bonds);
        this.unsaved.clear();
      } catch (err) {
        for (const b of made) this.unsaved.set(bondKey(b.local, b.peer), b);
        const why = err instanceof BlebenchError ? err.message : `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim();
        const fallback = this.unsaved.size ? await this.saveElsewhere([...this.unsaved.values()]) : undefined;
        throw new KeyStoreWriteError(this.file, [...this.unsaved.values()], why, fallback, { cause: err });
      }
    });
    this.writing = run.catch(() => {});
    return run;
  }

  private async onDisk(): Promise<Map<string, Bond>> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.file);
    } catch (err) {
      // Gone since the start (or never written): this process's bonds are what there is.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map(this.bonds);
      throw err;
    }
    return parseBonds(this.file, bytes);
  }

  private async write(bonds: Map<string, Bond>): Promise<void> {
    await writeKeyStoreAtomically(this.file, serialise(bonds.values()));
  }

  /** The unsaved bonds as a key store of their own in the system's temporary folder (mode 0600), or undefined. */
  private async saveElsewhere(bonds: Bond[]): Promise<string | undefined> {
    const file = path.join(tmpdir(), `blebench-unsaved-bonds-${process.pid}-${Date.now()}.json`);
    try {
      await writeKeyStoreAtomically(file, serialise(bonds));
      return file;
    } catch {
      return undefined;
    }
  }
}

/** Temporary file in the same folder, mode 0600, fsync, rename, fsync of the folder. */
export async function writeKeyStoreAtomically(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
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
