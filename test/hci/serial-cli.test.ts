// The security matrix from the command line, across three processes: `blebench air` listening on a
// unix socket and a pty (one radio), `blebench peripheral` over h4:, `blebench central` over serial:.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, type Child } from '../helpers/child.js';

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-serial-cli-'));
const sock = path.join(dir, 'air.sock');
const tty = path.join(dir, 'air.tty');
let air: Child | undefined;
let peripheral: Child | undefined;
afterAll(async () => {
  await peripheral?.stop();
  await air?.stop();
});

describe('blebench central over serial: against blebench peripheral over h4:, one air', () => {
  it('air --listen unix: --listen pty: announces both on one radio', async () => {
    air = startChild(process.execPath, ['bin/blebench.js', 'air', '--listen', `unix:${sock}`, '--listen', `pty:${tty}`, '--log-level', 'warn']);
    await air.waitForLine(/listening on pty:.*use --transport serial:/);
    expect(air.stdout()).toContain(`listening on unix:${sock}`);
  });

  it('the matrix of the default profile matches it cell by cell: exit 0', async () => {
    peripheral = startChild(process.execPath, ['bin/blebench.js', 'peripheral', '--transport', `h4:unix:${sock}`, '--log-level', 'error']);
    await peripheral.waitForLine(/waiting for a central/);
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', '--transport', `serial:${tty}`, '--target', 'blebench', '--profile', 'default'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verdict: OK: all \d+ cell\(s\) match profile "blebench default"/);
    expect(r.stdout).toMatch(/method: LE legacy Just Works/);
  }, 70_000);

  it('a second central session on the same pty (a fresh controller) works too, as JSON', async () => {
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', '--transport', `serial:${tty}@1000000,rtscts`, '--target', 'blebench', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toBeTypeOf('object');
  }, 70_000);

  it('run --role central over serial: and run --role peripheral over h4: pass the story scenario together', async () => {
    await peripheral?.stop();
    peripheral = undefined;
    const story = 'fixtures/scenarios/encrypted-everything-story.yaml';
    const half = startChild(process.execPath, ['bin/blebench.js', 'run', '--role', 'peripheral', '--transport', `h4:unix:${sock}`, '--log-level', 'info', story]);
    await half.waitForLine(/advertising as/, 20_000, 'stderr');
    const central = spawnSync(process.execPath, ['bin/blebench.js', 'run', '--role', 'central', '--transport', `serial:${tty}`, story], { encoding: 'utf8', timeout: 60_000 });
    const halfExit = half.proc.exitCode !== null ? [half.proc.exitCode] : await once(half.proc, 'exit');
    expect(central.status, central.stdout + central.stderr).toBe(0);
    expect(central.stdout).toMatch(/PASS\s+encrypted everything/);
    expect(halfExit[0], half.stdout() + half.stderr()).toBe(0);
    expect(half.stdout()).toMatch(/PASS\s+encrypted everything/);
  }, 70_000);

  it('a serial port that does not exist: exit 3, named, no stack trace', () => {
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', '--transport', `serial:${dir}/ttyACM7`, '--target', 'x'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/there is no serial port .*ttyACM7 \(ENOENT\)/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)/);
  });
});
