// `blebench peripheral --keys FILE`, end to end through the CLI on `blebench air`: a bonded pairing
// writes the bond to FILE (mode 0600) keyed by the peripheral's and the central's identity; a
// peripheral restarted with the same FILE answers the returning central's LE Long Term Key Request
// with the stored LTK: encryption starts with it and no Pairing Request goes over the air
// (Core v5.4 Vol 3 Part H 2.4.4.1; Vol 3 Part C 10.3.2). The central keeps its side in its own --keys
// file. A fresh air server hands out controller addresses in the order programs connect, so starting
// the peripheral first and the central second gives both the same identity as before (as real
// devices keep theirs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { decodeCapture, readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { startChild, type Child } from '../helpers/child.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const hexOf = (s: string) => Buffer.from(s, 'hex');

interface StoredBond {
  local: { address: string; type: string };
  peer: { address: string; type: string };
  role: string;
  security: { method: string; secureConnections: boolean };
  localLtk?: { key: string; ediv: number; rand: string };
  peerLtk?: { key: string; ediv: number; rand: string };
}
const bondsIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: number; bonds: StoredBond[] }).bonds;

describe('blebench peripheral --keys FILE', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-pkeys-'));
  const peripheralKeys = path.join(dir, 'peripheral-keys.json');
  const centralKeys = path.join(dir, 'central-keys.json');
  const running: Child[] = [];

  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop('SIGKILL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A fresh air server, the peripheral on it (first: address …:01), ready; returns its address. */
  async function air(name: string, peripheralArgs: string[]): Promise<{ transport: string; peripheral: Child; address: string }> {
    const sock = path.join(dir, `${name}.sock`);
    const a = startChild(process.execPath, [cli, 'air', '--listen', `unix:${sock}`, '--log-level', 'warn']);
    running.push(a);
    await a.waitForLine(/listening on unix:/);
    const transport = `h4:unix:${sock}`;
    const peripheral = startChild(process.execPath, [cli, 'peripheral', '--transport', transport, '--keys', peripheralKeys, '--log-level', 'warn', ...peripheralArgs]);
    running.unshift(peripheral); // stopped before the air
    const [, address] = await peripheral.waitForLine(/serving "blebench default" as blebench \(((?:[0-9a-f]{2}:){5}[0-9a-f]{2})\)/, 15_000);
    return { transport, peripheral, address: address!.toUpperCase() };
  }

  const central = (transport: string, btsnoop: string) =>
    spawnSync(process.execPath, [cli, 'central', '--target', 'blebench', '--transport', transport, '--keys', centralKeys, '--policy', 'upfront', '--btsnoop', btsnoop, '--log-level', 'silent'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, COLUMNS: '400' },
    });

  it('pairs with bonding, keeps the bond (0600, by both identities); restarted with the file, the central encrypts with the stored LTK, no Pairing Request', async () => {
    // 1. First meeting: both sides bond (the Security Manager's default).
    const first = await air('first', []);
    const firstCapture = path.join(dir, 'first.btsnoop');
    const r1 = central(first.transport, firstCapture);
    expect(r1.status, r1.stderr).toBe(EXIT.OK);
    // the running peripheral's store writes on its own time, not before the central's process ends
    await until(() => (existsSync(peripheralKeys) && bondsIn(peripheralKeys).length ? true : undefined), `the bond in ${peripheralKeys}`);
    expect(statSync(peripheralKeys).mode & 0o777).toBe(0o600);
    const [bond] = bondsIn(peripheralKeys);
    expect(bondsIn(peripheralKeys)).toHaveLength(1);
    const [centralBond] = bondsIn(centralKeys);
    // Keyed by the peripheral's own identity and the central's (distributed in Identity Address Information).
    expect(bond!.role).toBe('peripheral');
    expect(bond!.local).toEqual({ address: first.address, type: 'public' });
    expect(bond!.peer).toEqual(centralBond!.local);
    expect(bond!.peer.address).not.toBe(first.address);
    expect(bond!.localLtk?.key).toMatch(/^[0-9a-f]{32}$/);
    expect(centralBond!.peer).toEqual(bond!.local);
    expect(centralBond!.peerLtk?.key).toBe(bond!.localLtk!.key);
    const firstEntries = decodeCapture((await readBtsnoop(firstCapture)).records);
    expect(firstEntries.filter((e) => e.name === 'SMP Pairing Request')).toHaveLength(1);
    // The peripheral is stopped the way a person stops it; the air goes too.
    expect(await first.peripheral.stop('SIGINT')).toBe(EXIT.OK);
    for (const c of running.splice(0)) await c.stop('SIGKILL');

    // 2. The peripheral comes back with the same file (and the same identity), the central returns.
    const second = await air('second', ['--btsnoop', path.join(dir, 'second-peripheral.btsnoop'), '--log-level', 'info']);
    expect(second.address).toBe(first.address);
    const secondCapture = path.join(dir, 'second.btsnoop');
    const r2 = central(second.transport, secondCapture);
    expect(r2.status, r2.stderr).toBe(EXIT.OK);
    // Before encryption the peripheral knows the central has a key: 0x0F, not 0x05. After: the value.
    // (no --profile: the cell carries the built-in profile's name)
    expect(r2.stdout).toMatch(/Encrypted Read\s+read\s+ATT 0x0F Insufficient Encryption\s+"needs encryption"/);
    const central2 = decodeCapture((await readBtsnoop(secondCapture)).records);
    expect(central2.filter((e) => e.layer === 'smp')).toEqual([]);
    const enable = central2.filter((e) => e.name === 'HCI LE Enable Encryption');
    expect(enable).toHaveLength(1);
    // LE Enable Encryption carries the stored LTK (wire order: least significant octet first), EDIV 0, Rand 0 (an SC key).
    expect(hexOf(enable[0]!.fields.longTermKey as string).reverse().toString('hex')).toBe(centralBond!.peerLtk!.key);
    const change = central2.filter((e) => e.name === 'HCI Encryption Change');
    expect(change.map((e) => e.fields.status)).toEqual([0]);
    // The peripheral names the bond's key size for a link encrypted without pairing.
    await second.peripheral.waitForLine(/link to [0-9A-F:]{17} encrypted \(key size 16\)/, 5_000, 'stderr');
    // The restarted peripheral answered the LE Long Term Key Request with the key from the file.
    await second.peripheral.stop('SIGINT');
    const peripheral2 = decodeCapture((await readBtsnoop(path.join(dir, 'second-peripheral.btsnoop'))).records);
    const reply = peripheral2.filter((e) => e.name === 'HCI LE Long Term Key Request Reply');
    expect(reply).toHaveLength(1);
    expect(hexOf(reply[0]!.fields.longTermKey as string).reverse().toString('hex')).toBe(bond!.localLtk!.key);
    expect(peripheral2.filter((e) => e.name === 'SMP Pairing Request')).toHaveLength(0);
    expect(bondsIn(peripheralKeys)).toHaveLength(1);
  }, 120_000);
});
