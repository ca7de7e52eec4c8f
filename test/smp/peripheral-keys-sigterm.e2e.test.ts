// Keys are never lost at shutdown: `blebench peripheral --keys FILE` on `blebench air`, bonded by N
// centrals one after another, gets SIGTERM as soon as it has logged its Nth "bond made" line (its write
// still under way: FILE already holds 30,000 bonds of a long run, so each write takes a while): the
// process flushes its key store before it exits, and FILE holds every bond, old and new.
// (Found by a soak: 554 of 3,000 bonds were never written when the peripheral exited on
// SIGTERM without waiting for its queued writes.)
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CentralClient } from '../../central/central-client.js';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import { startChild, type Child } from '../helpers/child.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const BONDS = 6;
/** Bonds of an earlier long run already in FILE (another local identity). */
const EARLIER = 30_000;

function earlierBonds(): string {
  const hex = (i: number, n: number) => (i & 0xff).toString(16).padStart(2, '0').repeat(n);
  const bonds = Array.from({ length: EARLIER }, (_, i) => ({
    local: { address: 'B0:0B:00:00:00:01', type: 'public' },
    peer: { address: `C1:00:00:${hex(i >> 16, 1)}:${hex(i >> 8, 1)}:${hex(i, 1)}`.toUpperCase(), type: 'public' },
    role: 'peripheral',
    security: { method: 'Just Works', authenticated: false, secureConnections: true, keySize: 16 },
    localLtk: { key: hex(i, 16), ediv: 0, rand: hex(0, 8), keySize: 16 },
    createdAt: new Date(0).toISOString(),
  }));
  return JSON.stringify({ version: 1, bonds }, null, 2) + '\n';
}

/** A fresh controller on the air connects to `address`, pairs with bonding and disconnects; the pairing's error if any. */
async function bondOnce(transportSpec: string, address: string): Promise<string | undefined> {
  const transport = await openTransport(transportSpec, { name: 'central' });
  try {
    const client = await CentralClient.open(transport, { policy: 'never', timeoutMs: 10_000, smp: { config: pairingConfig({ bonding: true }), keyStore: new MemoryKeyStore() } });
    try {
      const conn = await client.connectTo({ kind: 'address', value: address.toLowerCase() });
      try {
        const report = await conn.pair();
        return report.error ? String(report.error) : undefined;
      } finally {
        await conn.disconnect();
      }
    } finally {
      await client.close();
    }
  } finally {
    await transport.close();
  }
}

describe('blebench peripheral --keys FILE stopped by SIGTERM right after its bonds were made', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-keys-sigterm-'));
  const running: Child[] = [];
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop('SIGKILL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`writes all ${BONDS} bonds to FILE (0600, valid) before it exits 0`, async () => {
    const sock = path.join(dir, 'air.sock');
    const keys = path.join(dir, 'keys.json');
    writeFileSync(keys, earlierBonds(), { mode: 0o600 });
    const air = startChild(process.execPath, [cli, 'air', '--listen', `unix:${sock}`, '--log-level', 'warn']);
    running.push(air);
    await air.waitForLine(/listening on unix:/);
    const transport = `h4:unix:${sock}`;
    const peripheral = startChild(process.execPath, [cli, 'peripheral', '--transport', transport, '--keys', keys, '--log-level', 'info', '--log-format', 'json']);
    running.unshift(peripheral); // stopped before the air
    const [, address] = await peripheral.waitForLine(/\(((?:[0-9a-f]{2}:){5}[0-9a-f]{2})\) on /i, 15_000);
    for (let i = 0; i < BONDS; i++) {
      expect(await bondOnce(transport, address!)).toBeUndefined();
    }
    // The peripheral's own word that its Nth bond is made (in memory; its write may still be under way).
    const made = new RegExp(`(?:bond made with [0-9A-F:]{17}[^\\n]*\\n[^]*){${BONDS}}`);
    await peripheral.waitForLine(made, 15_000, 'stderr');
    const code = await peripheral.stop('SIGTERM');
    expect(code, peripheral.stderr()).toBe(EXIT.OK);
    const madeWith = [...peripheral.stderr().matchAll(/bond made with ([0-9A-F:]{17})/g)].map((m) => m[1]);
    expect(new Set(madeWith).size).toBe(BONDS);
    const doc = JSON.parse(readFileSync(keys, 'utf8')) as { version: number; bonds: Array<{ peer: { address: string }; localLtk?: { key: string } }> };
    expect(doc.version).toBe(1);
    expect(doc.bonds).toHaveLength(EARLIER + BONDS);
    const inFile = new Set(doc.bonds.map((b) => b.peer.address));
    for (const peer of madeWith) expect(inFile.has(peer!), `${peer} in ${keys}`).toBe(true);
    expect(doc.bonds.every((b) => /^[0-9a-f]{32}$/.test(b.localLtk?.key ?? ''))).toBe(true);
    expect(statSync(keys).mode & 0o777).toBe(0o600);
    expect(peripheral.stderr()).not.toMatch(/not saved|not in the key store/);
  }, 90_000);
});
