// The peripheral behaviour security-request-after: with the peripheral's Security Manager the Security
// Request goes out once the named PDU has passed (the fixture scenario passes, its timeline checks it);
// without one the scenario cannot run, and says which behaviour and why.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin/blebench.js');
const scenario = join(root, 'fixtures/scenarios/security-request-ignored-by-central.yaml');
const dir = mkdtempSync(join(tmpdir(), 'blebench-secreq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// 400 columns: each reason on one line of the table.
const run = (file: string) => spawnSync(process.execPath, [cli, 'run', file, '--seed', '1', '--btsnoop', dir], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, COLUMNS: '400' } });

describe('security-request-after', () => {
  it('with the peripheral\'s Security Manager: the Security Request goes out after the named PDU; the scenario passes', () => {
    const r = run(scenario);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 passed, 0 failed/);
  });

  it('without a security-manager block: the scenario cannot run, naming the behaviour and what it needs', () => {
    const file = join(dir, 'no-sm.yaml');
    writeFileSync(file, readFileSync(scenario, 'utf8').replace(/^ {2}security-manager: .*\n/m, ''));
    expect(readFileSync(file, 'utf8')).not.toMatch(/^\s*security-manager:/m);
    const r = run(file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/security-request-after ATT Read By Group Type Request: no Security Manager session on this link/);
    expect(r.stdout).toMatch(/0 passed, 1 failed/);
  });
});
