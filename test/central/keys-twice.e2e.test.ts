// `blebench central --keys FILE` on mock, twice: the second run's fresh peripheral holds no key for the
// bond the first run kept. The central's key meets Encryption Change 0x06 (the peripheral's LTK
// Negative Reply); under --on-key-missing pair (the default) it forgets that bond, pairs again on the
// same link and the cells get their values; the comparison judges the unencrypted cells as for a
// central the peripheral holds no key for (0x05, not 0x0F), since the run showed the peripheral had
// none. Under --on-key-missing stop (iOS) the paired cells end in 0x06 and the run says so (exit 1).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const dir = mkdtempSync(path.join(tmpdir(), 'blebench-keys-twice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Json {
  differences: string[];
  centralKey?: boolean;
  peerKey?: string;
  phases: Array<{ name: string; pairings: Array<{ trigger: string; error?: { label: string }; notes: string[] }>; cells: Array<{ characteristic: { name?: string }; operation: string; outcome: { kind: string; error?: { label: string } } }> }>;
}
const central = (keys: string, ...more: string[]) => spawnSync(process.execPath, [cli, 'central', '--keys', keys, '--profile', 'default', '--json', ...more], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const parse = (out: string) => JSON.parse(out) as Json;
const bondsIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { bonds: Array<{ peerLtk?: { key: string } }> }).bonds;

describe('blebench central --keys FILE twice on mock', () => {
  it('the second run pairs again after 0x06 and matches the profile; the bond is replaced by the new one', () => {
    const keys = path.join(dir, 'keys.json');
    const first = central(keys);
    expect(first.status, first.stderr).toBe(0);
    expect(parse(first.stdout).centralKey).toBe(false);
    const before = bondsIn(keys);
    expect(before).toHaveLength(1);

    const second = central(keys);
    expect(second.status, second.stdout.slice(0, 2000) + second.stderr).toBe(0);
    const r = parse(second.stdout);
    expect(r.differences).toEqual([]);
    expect(r.centralKey).toBe(true);
    expect(r.peerKey).toBe('missing');
    const unencrypted = r.phases.find((p) => p.name === 'unencrypted')!;
    const encryptedRead = unencrypted.cells.find((c) => c.characteristic.name === 'Encrypted Read' && c.operation === 'read')!;
    expect(encryptedRead.outcome.error?.label).toBe('ATT 0x05 Insufficient Authentication');
    const pairings = r.phases.find((p) => p.name === 'paired')!.pairings;
    expect(pairings.map((p) => p.error?.label ?? 'ok')).toEqual(['ok']);
    expect(pairings[0]!.trigger).toMatch(/again after 0x06 PIN or Key Missing/);
    const after = bondsIn(keys);
    expect(after).toHaveLength(1);
    expect(after[0]!.peerLtk!.key).not.toBe(before[0]!.peerLtk!.key);
  }, 120_000);

  it('--on-key-missing stop: the paired cells end in 0x06, the bond is kept, exit 1', () => {
    const keys = path.join(dir, 'keys-stop.json');
    expect(central(keys).status).toBe(0);
    const before = bondsIn(keys);
    const second = central(keys, '--on-key-missing', 'stop');
    expect(second.status).toBe(1);
    const r = parse(second.stdout);
    expect(r.peerKey).toBe('missing');
    const paired = r.phases.find((p) => p.name === 'paired')!;
    expect(paired.cells.find((c) => c.characteristic.name === 'Encrypted Read' && c.operation === 'read')!.outcome.error?.label).toBe('HCI 0x06 PIN or Key Missing');
    expect(r.differences.some((d) => /Encrypted Read" × read \(paired\).*HCI 0x06/.test(d))).toBe(true);
    // The unencrypted phase is still judged right: the peripheral held no key, so 0x05 was its answer.
    expect(r.differences.some((d) => /\(unencrypted\)/.test(d))).toBe(false);
    expect(bondsIn(keys)).toEqual(before);
  }, 120_000);
});
