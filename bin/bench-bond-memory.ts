// What one bond costs in memory in the JSON key store (issue 15's soak: a peripheral that keeps 10,000
// bonds grows by its bonds). Run in a fresh process with --expose-gc (bondMemoryBench spawns it): puts
// `count` bonds shaped as the soak's (LE legacy from a fresh central: both LTKs, both IRKs, so every
// key a bond can hold but the CSRKs), waits for the file, collects garbage, and reads the live memory
// (V8 heap used + memory outside it: Buffers' backing stores) after the first FIRST bonds and at the end.
// bytes per bond = (live at the end - live after FIRST) / (count - FIRST): nothing else changes between.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonFileKeyStore } from '../common/stack/smp/json-key-store.js';
import type { Bond } from '../common/stack/smp/bond.js';
import { withTimeout } from '../common/base/util/wait.js';

const FIRST = 1000;

export interface BondMemory {
  bonds: number;
  liveMbAtFirst: number;
  liveMbAtEnd: number;
  bytesPerBond: number;
  bondsInFile: number;
}

/** Live memory after a full collection: V8 heap used + external memory (Buffers), in bytes. */
function liveBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('bench-bond-memory: run with node --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const octets = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 0xff));
const address = (i: number) => ['C0', ...[i >> 24, i >> 16, i >> 8, i].map((x) => (x & 0xff).toString(16).padStart(2, '0').toUpperCase()), '01'].join(':');

function soakBond(i: number): Bond {
  return {
    local: { address: 'B1:EB:00:00:00:01', type: 'random' },
    peer: { address: address(i), type: 'random' },
    role: 'peripheral',
    security: { method: 'Just Works', authenticated: false, secureConnections: false, keySize: 16 },
    localLtk: { key: octets(16, i), ediv: i & 0xffff, rand: octets(8, i + 1), keySize: 16 },
    peerLtk: { key: octets(16, i + 2), ediv: (i + 1) & 0xffff, rand: octets(8, i + 3), keySize: 16 },
    peerIrk: octets(16, i + 4),
    localIrk: octets(16, 5),
    createdAt: new Date(Date.UTC(2026, 11, 4) + i).toISOString(),
  };
}

async function measure(count: number): Promise<BondMemory> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-bond-memory-'));
  const file = path.join(dir, 'keys.json');
  try {
    const store = new JsonFileKeyStore(file);
    const putAll = async (from: number, to: number) => {
      for (let i = from; i < to; i++) void store.put(soakBond(i)).catch(() => {});
      await store.settled();
    };
    await putAll(0, FIRST);
    const atFirst = liveBytes();
    await putAll(FIRST, count);
    const atEnd = liveBytes();
    const bondsInFile = (JSON.parse(readFileSync(file, 'utf8')) as { bonds: unknown[] }).bonds.length;
    if ((await store.list()).length !== count) throw new Error('bench-bond-memory: the store lost bonds');
    return { bonds: count, liveMbAtFirst: atFirst / 2 ** 20, liveMbAtEnd: atEnd / 2 ** 20, bytesPerBond: Math.round((atEnd - atFirst) / (count - FIRST)), bondsInFile };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The measure in a fresh process (nothing else in its heap), `count` bonds (more than FIRST). */
export async function bondMemoryBench(count = 10_000): Promise<BondMemory> {
  const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await withTimeout(new Promise<number | null>((resolve) => child.on('close', resolve)), { what: 'the bond memory measure', timeoutMs: 120_000 });
  if (code !== 0) throw new Error(`bench: the bond memory measure exited ${code}: ${err.trim()}`);
  return JSON.parse(out) as BondMemory;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 10_000);
  if (!Number.isInteger(count) || count <= FIRST) {
    process.stderr.write(`bench-bond-memory: expected a number of bonds above ${FIRST}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await measure(count)) + '\n');
}
