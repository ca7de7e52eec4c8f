// A key store file checked before anything runs: what it holds must be a key store this version reads,
// and where it lives must take a new one. A file that exists but cannot be read as a key store is
// corrupt (never overwritten); a path that cannot hold one (its folder missing, not writable, under a
// regular file, a symlink loop, a directory) is unusable. Both are bad input (exit 2), naming the file.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BlebenchError } from '../../base/errors/blebench-error.js';
import { fileErrorWords, textProblem } from '../../base/input/read-input.js';
import { bondFromJson, bondKey, BondFormatError, type Bond } from './bond.js';

export const KEY_STORE_FORMAT_VERSION = 1;

/** The key store file exists but is not a key store this version can read. Exit 2 (bad input file). */
export class KeyStoreCorruptError extends BlebenchError {
  readonly code = 'KEY_STORE_CORRUPT';
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

/** --keys names a place where no key store can be kept. Exit 2 (bad input). */
export class KeyStoreUnusableError extends BlebenchError {
  readonly code = 'KEY_STORE_UNUSABLE';
  constructor(
    readonly file: string,
    why: string,
    hint: string,
  ) {
    super(`the key store ${file} cannot be used: ${why}`, { hint });
  }
}

/** Where --keys should point instead. */
const PLACE_HINT = 'give --keys the path of a key store file (an existing one, or a new name in a folder you can write)';

/**
 * The bonds in `file` (none when it does not exist yet), after checking that the file and its folder can
 * hold a key store. Throws KeyStoreUnusableError or KeyStoreCorruptError; reads only, changes nothing.
 */
export function openKeyStoreFile(file: string): Map<string, Bond> {
  const dir = path.dirname(path.resolve(file));
  let exists = true;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new KeyStoreUnusableError(file, 'it is a directory, not a file', PLACE_HINT);
    if (!st.isFile()) throw new KeyStoreUnusableError(file, 'it is not a regular file (a device, socket or pipe)', PLACE_HINT);
  } catch (e) {
    if (e instanceof BlebenchError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new KeyStoreUnusableError(file, fileErrorWords(e), PLACE_HINT);
    exists = false;
  }
  checkFolder(file, dir);
  return exists ? readBonds(file) : new Map();
}

/** The folder must exist (it is not created: a typo would hide keys where nobody looks) and be writable. */
function checkFolder(file: string, dir: string): void {
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) throw new KeyStoreUnusableError(file, `its folder ${dir} is not a directory`, PLACE_HINT);
  } catch (e) {
    if (e instanceof BlebenchError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KeyStoreUnusableError(file, `its folder ${dir} does not exist (blebench does not create it)`, `create it first (mkdir -p ${dir}), or ${PLACE_HINT}`);
    throw new KeyStoreUnusableError(file, `its folder ${dir}: ${fileErrorWords(e)}`, PLACE_HINT);
  }
  try {
    // A new file and each atomic replacement are made in the folder (temporary file, then rename).
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new KeyStoreUnusableError(file, `its folder ${dir} is not writable, so no bond could be saved`, `make the folder writable, or ${PLACE_HINT}`);
  }
}

/** Every bond in an existing file, or KeyStoreCorruptError saying what is wrong with it. */
export function readBonds(file: string): Map<string, Bond> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new KeyStoreUnusableError(file, fileErrorWords(e), PLACE_HINT);
  }
  return parseBonds(file, bytes);
}

export function parseBonds(file: string, bytes: Buffer): Map<string, Bond> {
  // A key store is never written empty (even with no bonds it holds {"version":1,"bonds":[]}): 0 bytes
  // is a write cut short, not a new store; a new store is a file that does not exist yet.
  if (bytes.length === 0) throw new KeyStoreCorruptError(file, 'it is empty (0 bytes): most likely a write that was cut short, not a key store (a new key store is a file that does not exist yet)');
  const notText = textProblem(bytes);
  if (notText) throw new KeyStoreCorruptError(file, notText.what);
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new KeyStoreCorruptError(file, `it is not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const version = typeof doc === 'object' && doc !== null ? (doc as { version?: unknown }).version : undefined;
  if (typeof doc !== 'object' || doc === null || version !== KEY_STORE_FORMAT_VERSION || !Array.isArray((doc as { bonds?: unknown }).bonds)) {
    const other = typeof version === 'number' && version !== KEY_STORE_FORMAT_VERSION ? ` (it says version ${version})` : '';
    throw new KeyStoreCorruptError(file, `it is not a version ${KEY_STORE_FORMAT_VERSION} key store ({"version": 1, "bonds": [...]})${other}`);
  }
  const bonds = new Map<string, Bond>();
  try {
    (doc as { bonds: unknown[] }).bonds.forEach((b, i) => {
      const bond = bondFromJson(b, `bonds[${i}]`);
      bonds.set(bondKey(bond.local, bond.peer), bond);
    });
  } catch (err) {
    if (err instanceof BondFormatError) throw new KeyStoreCorruptError(file, err.message, { cause: err });
    throw err;
  }
  return bonds;
}
