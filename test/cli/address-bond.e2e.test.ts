// A bond across two separate `blebench central` runs on one `blebench air`: every stream connection
// is a fresh controller with a fresh address, so without --address the second run is a stranger to
// the peripheral; with --address both runs are the same identity (Zephyr Write BD_ADDR before noble
// loads), and the second run encrypts with the stored LTK, with no Pairing Request on the air
// (Core v5.4 Vol 3 Part H 2.4.4.1; Vol 3 Part C 10.3.2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { decodeCapture, readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { startChild, type Child } from '../helpers/child.js';
import { until } from '../helpers/until.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const ADDRESS = 'C0:FF:EE:00:00:01';
const hexOf = (s: string) => Buffer.from(s, 'hex');

interface StoredBond {
  local: { address: string; type: string };
  peer: { address: string; type: string };
  localLtk?: { key: string };
  peerLtk?: { key: string };
}
const bondsIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { bonds: StoredBond[] }).bonds;
/**
 * The running peripheral's key file once it holds `n` bonds: its store writes on its own time (bonds made
 * within its write gap of the last write go together into the next), not before the central's process ends.
 */
const peripheralBonds = (file: string, n: number) =>
  until(() => {
    try {
      const bonds = bondsIn(file);
      return bonds.length >= n ? bonds : undefined;
    } catch {
      return undefined; // not written yet
    }
  }, `${n} bond(s) in ${file}`);

describe('blebench central --address: one identity across runs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-address-bond-'));
  const peripheralKeys = path.join(dir, 'P.json');
  const centralKeys = path.join(dir, 'C.json');
  const running: Child[] = [];
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop('SIGKILL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const central = (transport: string, btsnoop: string, extra: string[] = []) =>
    spawnSync(
      process.execPath,
      [cli, 'central', '--target', 'blebench', '--transport', transport, '--keys', centralKeys, '--io-capability', 'NoInputNoOutput', '--policy', 'upfront', '--btsnoop', btsnoop, '--log-level', 'silent', ...extra],
      { encoding: 'utf8', timeout: 60_000 },
    );

  it('the first run pairs and bonds; the second encrypts with the stored LTK, no Pairing Request', async () => {
    const sock = path.join(dir, 'air.sock');
    const air = startChild(process.execPath, [cli, 'air', '--listen', `unix:${sock}`, '--log-level', 'warn']);
    running.push(air);
    await air.waitForLine(/listening on unix:/);
    const transport = `h4:unix:${sock}`;
    const peripheral = startChild(process.execPath, [cli, 'peripheral', '--transport', transport, '--keys', peripheralKeys, '--io-capability', 'NoInputNoOutput', '--log-level', 'warn']);
    running.unshift(peripheral); // stopped before the air
    const [, peripheralAddress] = await peripheral.waitForLine(/serving "blebench default" as blebench \(((?:[0-9a-f]{2}:){5}[0-9a-f]{2})\)/i, 15_000);

    // 1. First run: pairs with bonding; both key files hold the bond under the central's given address.
    const first = path.join(dir, 'first.btsnoop');
    const r1 = central(transport, first, ['--address', ADDRESS]);
    expect(r1.status, r1.stderr).toBe(EXIT.OK);
    const firstEntries = decodeCapture((await readBtsnoop(first)).records);
    expect(firstEntries.filter((e) => e.name === 'SMP Pairing Request')).toHaveLength(1);
    const [pBond] = await peripheralBonds(peripheralKeys, 1);
    const [cBond] = bondsIn(centralKeys);
    expect(pBond!.peer).toEqual({ address: ADDRESS, type: 'public' });
    expect(cBond!.local).toEqual({ address: ADDRESS, type: 'public' });
    expect(cBond!.peer.address).toBe(peripheralAddress!.toUpperCase());

    // 2. Second run, a new process and a new air connection, the same --address: no pairing.
    const second = path.join(dir, 'second.btsnoop');
    const r2 = central(transport, second, ['--address', ADDRESS]);
    expect(r2.status, r2.stderr).toBe(EXIT.OK);
    const entries = decodeCapture((await readBtsnoop(second)).records);
    expect(entries.filter((e) => e.name === 'SMP Pairing Request')).toEqual([]);
    expect(entries.filter((e) => e.layer === 'smp')).toEqual([]);
    const enable = entries.filter((e) => e.name === 'HCI LE Enable Encryption');
    expect(enable).toHaveLength(1);
    expect(hexOf(enable[0]!.fields.longTermKey as string).reverse().toString('hex')).toBe(cBond!.peerLtk!.key);
    expect(entries.filter((e) => e.name === 'HCI Encryption Change').map((e) => e.fields.status)).toEqual([0]);
    // the capture shows how the identity was set: the vendor command and its answer
    expect(entries.map((e) => e.name)).toContain('HCI Zephyr Write BD_ADDR');
    expect(bondsIn(peripheralKeys)).toHaveLength(1);

    // 3. The control: a third run without --address is a new identity to the peripheral, so it pairs again.
    const third = path.join(dir, 'third.btsnoop');
    const r3 = central(transport, third);
    expect(r3.status, r3.stderr).toBe(EXIT.OK);
    expect(decodeCapture((await readBtsnoop(third)).records).filter((e) => e.name === 'SMP Pairing Request')).toHaveLength(1);
    expect(await peripheralBonds(peripheralKeys, 2)).toHaveLength(2);
    expect(await peripheral.stop('SIGINT')).toBe(EXIT.OK);
  }, 150_000);
});
