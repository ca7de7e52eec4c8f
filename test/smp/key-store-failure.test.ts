// A key store write that fails under a running command (disk full, here: the rename refused with
// ENOSPC) is never silent: `blebench central --keys FILE` on the virtual radio pairs and bonds, the
// write fails, and the run says so on stderr (the file, the reason, where the keys went instead), logs
// it at error level, repeats it in its summary and ends 1; the key file is byte-identical; the keys
// saved elsewhere are a key store holding the bond.
import fs, { promises as fsp, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../bin/main.js';
import { JsonFileKeyStore, WRITE_GAP_MS } from '../../common/stack/smp/json-key-store.js';
import { withTimeout } from '../../common/base/util/wait.js';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
  try {
    const code = await withTimeout(main(['node', 'blebench', ...args]), { what: 'blebench central', timeoutMs: 30_000 });
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

describe('a bond the key store cannot save', () => {
  // The command's store (from --keys) writes 20 ms apart, not 1 s: the GATT cache kept with the bond is a
  // second write the paired phase awaits (the gap's own length: key-store-coalescing.test.ts).
  beforeEach(() => (JsonFileKeyStore.defaultWriteGapMs = 20));
  afterEach(() => {
    JsonFileKeyStore.defaultWriteGapMs = WRITE_GAP_MS;
    vi.restoreAllMocks();
  });

  it('is said aloud (error, log, summary, exit 1), kept, and its keys saved elsewhere; the key file untouched', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-keys-fail-'));
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, '{"version": 1, "bonds": []}\n', { mode: 0o600 });
    const before = readFileSync(file);
    // The key file's own replacement fails; the fallback elsewhere may succeed.
    const rename = fsp.rename.bind(fsp);
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      if (to === file) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return rename(from, to);
    });
    // pino writes its lines straight to fd 2 (sonic-boom, fs.writeSync): read them there.
    const logLines: string[] = [];
    const writeSync = fs.writeSync.bind(fs);
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: string | Uint8Array, ...rest: unknown[]) => {
      if (fd === 2) {
        logLines.push(String(data));
        return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      }
      return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    }) as typeof fs.writeSync);
    const r = await run(['central', '--keys', file, '--io-capability', 'NoInputNoOutput', '--policy', 'upfront', '--log-level', 'error', '--log-format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(file).equals(before)).toBe(true);
    // the error line, naming the file and the reason
    expect(r.stderr).toContain(`could not be saved to the key store ${file} (ENOSPC no space left on device)`);
    // the log at error level (pino JSON on stderr: level 50)
    const logged = logLines.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; keys?: string });
    expect(logged.some((l) => l.level === 50 && l.keys === file && /bond not saved/.test(l.msg))).toBe(true);
    // the summary
    expect(r.stderr).toMatch(/1 bond\(s\) made in this run are not in the key store/);
    // where the keys went: a key store of its own, mode 0600, holding the bond
    const fallback = /saved to (\S+) instead/.exec(r.stderr)?.[1];
    expect(fallback, r.stderr).toBeDefined();
    expect(statSync(fallback!).mode & 0o777).toBe(0o600);
    vi.restoreAllMocks();
    const kept = await new JsonFileKeyStore(fallback!).list();
    expect(kept).toHaveLength(1);
    expect(kept[0]!.role).toBe('central');
    expect(kept[0]!.peerLtk?.key).toHaveLength(16);
  }, 40_000);
});
