// Key store files around a fault: a snapshot before (the bonds of an earlier pairing), and the check
// after: mode 0600, still a whole JSON document, no temporary file left beside it, and byte-identical
// unless that side really completed a pairing (then every earlier bond is still in it, unchanged).
import { copyFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KEY_STORE_FILE_MODE } from '../../../common/stack/smp/json-key-store.js';

export interface KeyFile {
  file: string;
  before: Buffer;
}

/** A fresh directory holding a copy of `source` (mode 0600), and its bytes. */
export function keyFileFrom(source: string, name: string): KeyFile {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-faults-keys-'));
  const file = path.join(dir, name);
  copyFileSync(source, file);
  chmodSync(file, KEY_STORE_FILE_MODE);
  return { file, before: readFileSync(file) };
}

export type KeyFileVerdict = { ok: true; changed: boolean } | { ok: false; why: string };

function bondsOf(text: string): unknown[] {
  const doc = JSON.parse(text) as { bonds?: unknown };
  const bonds = doc.bonds;
  if (Array.isArray(bonds)) return bonds;
  if (bonds && typeof bonds === 'object') return Object.values(bonds);
  throw new Error('no "bonds" in the key store');
}

/** What became of the key file; `mayHaveChanged` when this side's Security Manager reported a completed pairing. */
export function checkKeyFile(k: KeyFile, mayHaveChanged: boolean): KeyFileVerdict {
  const mode = statSync(k.file).mode & 0o777;
  if (mode !== KEY_STORE_FILE_MODE) return { ok: false, why: `mode ${mode.toString(8)}, not 600` };
  const leftovers = readdirSync(path.dirname(k.file)).filter((f) => f !== path.basename(k.file));
  if (leftovers.length) return { ok: false, why: `left beside it: ${leftovers.join(', ')}` };
  const after = readFileSync(k.file);
  if (after.equals(k.before)) return { ok: true, changed: false };
  if (!mayHaveChanged) return { ok: false, why: `changed (${k.before.length} → ${after.length} octets) though this side completed no pairing` };
  try {
    const now = bondsOf(after.toString('utf8')).map((b) => JSON.stringify(b));
    const lost = bondsOf(k.before.toString('utf8')).filter((b) => !now.includes(JSON.stringify(b)));
    return lost.length ? { ok: false, why: `${lost.length} earlier bond(s) lost or changed` } : { ok: true, changed: true };
  } catch (e) {
    return { ok: false, why: `no longer a key store: ${(e as Error).message}` };
  }
}
