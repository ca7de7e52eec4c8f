// The bond-lifecycle scenarios' captures (`blebench run --btsnoop DIR`) read in tshark with no
// malformed packet and no error-level expert info, and tshark decodes the lifecycle's own PDUs: the
// Pairing Failed 0x03 of a refused re-pairing, the Encryption Change 0x06 of a reset peripheral.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const dir = mkdtempSync(path.join(tmpdir(), 'blebench-bond-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tshark = (file: string, filter: string) => spawnSync('tshark', ['-r', file, '-Y', filter], { encoding: 'utf8', timeout: 30_000 });

describe('bond-lifecycle captures in tshark', () => {
  it('no malformed packet; the 0x03 refusal and the 0x06 Encryption Change decoded', () => {
    const bond = readdirSync(path.join(root, 'fixtures/scenarios')).filter((f) => f.startsWith('bond-')).map((f) => `fixtures/scenarios/${f}`);
    expect(bond.length).toBeGreaterThanOrEqual(7);
    const run = spawnSync(process.execPath, [cli, 'run', ...bond, '--seed', '5', '--btsnoop', dir], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const files = readdirSync(dir).filter((f) => f.endsWith('.btsnoop'));
    expect(files).toHaveLength(bond.length * 2);
    for (const f of files) {
      const all = tshark(path.join(dir, f), 'frame');
      expect(all.status, all.stderr).toBe(0);
      expect(all.stdout.trim().split('\n').length, f).toBeGreaterThan(20);
      const bad = tshark(path.join(dir, f), '_ws.malformed || _ws.expert.severity >= error');
      expect(bad.status, bad.stderr).toBe(0);
      expect(bad.stdout, f).toBe('');
    }
    const refused = tshark(path.join(dir, 'fixtures.scenarios.bond-central-forgot-repairing-refused.central.btsnoop'), 'btsmp.reason == 0x03');
    expect(refused.stdout).toMatch(/Pairing Failed: Authentication Requirements/);
    const reset = tshark(path.join(dir, 'fixtures.scenarios.bond-peripheral-reset-central-stops.central.btsnoop'), 'bthci_evt.status == 0x06');
    expect(reset.stdout).toMatch(/Encrypt/);
  }, 180_000);
});
