// Bonds in a JSON file, checked when the store is made (key-store-file.ts: a corrupt or unusable file is
// exit 2 before anything runs), kept in memory, and written atomically (a temporary file in the same
// directory, fsync, rename, then fsync of the directory) with mode 0600 since it holds keys.
// Writes are coalesced: at most one is in flight, and the next starts writeGapMs (WRITE_GAP_MS, 1 s) after it ended (at once
// when someone waits: settled/flush); bonds made meanwhile go together into it, so a burst of N bonds
// costs a few writes, not N (each of the whole file). Bonds are held compact (bond-table.ts: one record of
// octets each, 240-270 bytes with its index, where objects with a Buffer per key took ~1.9 KB). The in-memory table is the
// source of truth: the file is read again only when it changed since this process last read or wrote it
// (another process's bonds): its bonds this process does not hold, and did not delete, are adopted; for
// a bond both hold, this process's wins. A file that changed into something that is not a key store is
// not overwritten: the write fails.
// A write that fails keeps the bond in memory, saves it to a fallback key store it names (else its JSON
// goes in the error), and fails loudly with KeyStoreWriteError: a bond is never dropped in silence.
// Every command flushes its stores before it exits (flushOpenKeyStores, bounded; bin/main.ts).
import { randomBytes } from 'node:crypto';
import { promises as fs, statSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlebenchError } from '../../base/errors/blebench-error.js';
import { bondKey, bondToJson, type Bond } from './bond.js';
import { BondTable } from './bond-table.js';
import type { DeviceAddress } from './engine-types.js';
import { KEY_STORE_FORMAT_VERSION, openKeyStoreFile, parseBonds } from './key-store-file.js';
import { sameAddress, type KeyStore } from './key-store.js';

export { KEY_STORE_FORMAT_VERSION, KeyStoreCorruptError, KeyStoreUnusableError } from './key-store-file.js';
export const KEY_STORE_FILE_MODE = 0o600;
/** How long a command waits, when it ends, for its key store writes still under way. */
export const KEY_STORE_FLUSH_TIMEOUT_MS = 5000;
/** The least time between the end of one write and the start of the next (a long run's bonds are batched). */
export const WRITE_GAP_MS = 1000;

export interface JsonFileKeyStoreOptions {
  /** The least time between the end of one write and the start of the next; JsonFileKeyStore.defaultWriteGapMs unless said. */
  writeGapMs?: number;
}

/** A bond could not be written to the key store: it is kept in memory and its keys offered elsewhere. Exit 1. */
export class KeyStoreWriteError extends BlebenchError {
  readonly code = 'KEY_STORE_WRITE_FAILED';
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

/** Bonds per piece of serialisedPieces. */
const BONDS_PER_PIECE = 128;

/**
 * The same text as serialise, in pieces of BONDS_PER_PIECE bonds: a write of thousands of bonds never
 * holds the whole file as one string and one buffer (each write of the whole file grew the heap and the
 * allocator by its size, once a second in a long run: issue 15's soak).
 */
export function* serialisedPieces(bonds: Iterable<Bond>): Generator<string> {
  yield `{\n  "version": ${JSON.stringify(KEY_STORE_FORMAT_VERSION)},\n  "bonds": [`;
  let piece: string[] = [];
  let any = false;
  for (const b of bonds) {
    piece.push((any ? ',\n    ' : '\n    ') + JSON.stringify(bondToJson(b), null, 2).replace(/\n/g, '\n    '));
    any = true;
    if (piece.length === BONDS_PER_PIECE) {
      yield piece.join('');
      piece = [];
    }
  }
  if (piece.length) yield piece.join('');
  yield any ? '\n  ]\n}\n' : ']\n}\n';
}

/** What identifies one version of the file: another process's write changes it. */
type FileStamp = string | undefined;
const stampOf = (st: Stats | undefined): FileStamp => (st ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}` : undefined);
const stampNow = async (file: string): Promise<FileStamp> => stampOf(await fs.stat(file).catch((e: NodeJS.ErrnoException) => { if (e.code === 'ENOENT') return undefined; throw e; }));

/** The changes waiting for the next write, and those waiting on it. */
interface Batch {
  made: Bond[];
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  done.catch(() => {}); // each caller gets the rejection from its own await
  return { made: [], done, resolve, reject };
}

/** Every JSON key store this process opened: flushed before it exits (flushOpenKeyStores). */
const openStores = new Set<JsonFileKeyStore>();

export class JsonFileKeyStore implements KeyStore {
  /**
   * The gap of the stores made without writeGapMs: WRITE_GAP_MS. Tests that drive a command (which opens its
   * own store from --keys) set it short for their run and put it back; nothing else changes it.
   */
  static defaultWriteGapMs = WRITE_GAP_MS;
  /** This process's view: the file as checked at start, every change since (saved or not), and other processes' bonds seen. */
  private readonly bonds: BondTable;
  /** Keys this process deleted: not adopted again from another process's version of the file. */
  private readonly deleted = new Set<string>();
  /** Bonds whose write failed (kept in memory; in every later write). */
  readonly unsaved = new Map<string, Bond>();
  private stamp: FileStamp;
  private inFlight: Batch | undefined;
  private next: Batch | undefined;
  /** Between two writes (writeGapMs). */
  private cooling: NodeJS.Timeout | undefined;
  /** Callers waiting in settled(). */
  private settling = 0;
  /** Writes started (for tests and the bench: a burst of bonds must cost few writes). */
  writes = 0;
  private readonly writeGapMs: number;

  /** Checks the file now (throws KeyStoreCorruptError / KeyStoreUnusableError, exit 2); nothing is written until a bond is made. */
  constructor(
    readonly file: string,
    options: JsonFileKeyStoreOptions = {},
  ) {
    this.writeGapMs = options.writeGapMs ?? JsonFileKeyStore.defaultWriteGapMs;
    this.bonds = new BondTable(openKeyStoreFile(file));
    try {
      this.stamp = stampOf(statSync(file));
    } catch {
      this.stamp = undefined; // a new store: not there yet
    }
    openStores.add(this);
  }

  /** Resolves once every write asked for so far has ended (saved or failed and said). */
  async settled(): Promise<void> {
    this.settling++;
    try {
      this.hurry();
      while (this.inFlight ?? this.next) await (this.next ?? this.inFlight)!.done.catch(() => {});
    } finally {
      this.settling--;
    }
  }

  /** The gap between writes is for long runs; a process about to end writes at once. */
  private hurry(): void {
    if (!this.cooling) return;
    clearTimeout(this.cooling);
    this.cooling = undefined;
    this.startNext();
  }

  /** Bonds made in this run that are not (yet) in the file. */
  notWritten(): Bond[] {
    const all = new Map(this.unsaved);
    for (const b of [...(this.inFlight?.made ?? []), ...(this.next?.made ?? [])]) all.set(bondKey(b.local, b.peer), b);
    return [...all.values()];
  }

  /**
   * Waits up to timeoutMs for the writes under way. If they do not end in time, the bonds not yet written
   * are saved to a fallback key store and a KeyStoreWriteError saying where is returned (the bonds also
   * count as unsaved); a write that failed was already said by its caller.
   */
  async flush(timeoutMs = KEY_STORE_FLUSH_TIMEOUT_MS): Promise<KeyStoreWriteError | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      this.settled().then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!late) return undefined;
    const bonds = this.notWritten();
    for (const b of bonds) this.unsaved.set(bondKey(b.local, b.peer), b);
    const fallback = bonds.length ? await this.saveElsewhere(bonds) : undefined;
    return new KeyStoreWriteError(this.file, bonds, `the write under way did not end within ${timeoutMs / 1000} s of the end of the run`, fallback);
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
    this.deleted.delete(key);
    return this.schedule(bond);
  }

  async delete(local: DeviceAddress, peer: DeviceAddress): Promise<boolean> {
    const key = bondKey(local, peer);
    const had = this.bonds.delete(key);
    this.unsaved.delete(key);
    this.deleted.add(key);
    await this.schedule(undefined);
    return had;
  }

  /** Joins the next write (started now when none is in flight, else when the one in flight ends). */
  private schedule(made: Bond | undefined): Promise<void> {
    this.next ??= newBatch();
    if (made) this.next.made.push(made);
    const { done } = this.next;
    if (!this.inFlight) this.startNext();
    return done;
  }

  /** Starts the next write on the next turn, so that the puts made in this one join it. */
  private startNext(): void {
    if (!this.next || this.inFlight || this.cooling) return;
    const batch = this.next;
    this.inFlight = batch; // taken from `next` only on the next turn: until then, puts join it
    setImmediate(() => {
      this.next = undefined;
      this.writes++;
      void this.writeBatch(batch).then(batch.resolve, batch.reject).finally(() => {
        this.inFlight = undefined;
        // The next write waits a little: bonds made meanwhile join it (each write is of the whole file).
        // Not while someone waits for the writes to end (settled(), flush()): then at once.
        if (this.settling) return this.startNext();
        this.cooling = setTimeout(() => {
          this.cooling = undefined;
          this.startNext();
        }, this.writeGapMs);
        this.cooling.unref();
      });
    });
  }

  private async writeBatch(batch: Batch): Promise<void> {
    try {
      await this.adoptOthers();
      await writeKeyStoreAtomically(this.file, serialisedPieces(this.bonds.values()));
      this.stamp = await stampNow(this.file).catch(() => undefined);
      this.unsaved.clear();
    } catch (err) {
      for (const b of batch.made) this.unsaved.set(bondKey(b.local, b.peer), b);
      const why = err instanceof BlebenchError ? err.message : `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim();
      const bonds = [...this.unsaved.values()];
      const fallback = bonds.length ? await this.saveElsewhere(bonds) : undefined;
      throw new KeyStoreWriteError(this.file, bonds, why, fallback, { cause: err });
    }
  }

  /** The file changed since this process last read or wrote it: another process's bonds are kept. */
  private async adoptOthers(): Promise<void> {
    const now = await stampNow(this.file);
    if (now === this.stamp || now === undefined) return; // unchanged, or gone: this process's bonds are what there is
    const theirs = parseBonds(this.file, await fs.readFile(this.file)); // not a key store any more: not overwritten
    for (const [k, b] of theirs) if (!this.bonds.has(k) && !this.deleted.has(k)) this.bonds.set(k, b);
    this.stamp = now;
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

/**
 * Before the process exits (every command, on SIGINT/SIGTERM or its normal end): the writes of every key
 * store it opened end, or, after timeoutMs, their bonds are saved to a fallback file; the errors say where.
 */
export async function flushOpenKeyStores(timeoutMs = KEY_STORE_FLUSH_TIMEOUT_MS): Promise<KeyStoreWriteError[]> {
  const errors = await Promise.all([...openStores].map((s) => s.flush(timeoutMs)));
  return errors.filter((e): e is KeyStoreWriteError => e !== undefined);
}

/** Temporary file in the same folder, mode 0600, fsync, rename, fsync of the folder. */
export async function writeKeyStoreAtomically(file: string, text: string | Iterable<string>): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fs.open(tmp, 'wx', KEY_STORE_FILE_MODE);
  try {
    if (typeof text === 'string') await fh.writeFile(text, 'utf8');
    else for (const piece of text) await fh.writeFile(piece, 'utf8'); // from the current position, each piece whole
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
