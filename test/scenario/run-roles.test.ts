// --role central and --role peripheral: each half of a scenario in its own process, meeting on a
// `blebench air` server (a stand-in for real hardware: host stacks in other processes, H4 over a
// socket). The peripheral half judges what the central did from its own tap and events.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, type Child } from '../helpers/child.js';
import { root, SUITE_DIR } from './run-helpers.js';

const sock = path.join(mkdtempSync(path.join(tmpdir(), 'blebench-roles-')), 'air.sock');
const cli = path.join(root, 'bin/blebench.js');
let air: Child | undefined;
afterAll(async () => {
  await air?.stop();
});

function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // 400 columns: each reason on one line of the table.
    const p = spawn(process.execPath, [cli, 'run', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COLUMNS: '400' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the two halves of a scenario in two processes', () => {
  it('the peripheral half and the central half of the story both pass', async () => {
    air = startChild(process.execPath, [cli, 'air', '--listen', `unix:${sock}`]);
    await air.waitForLine(/listening|unix:/i, 10_000);
    const story = path.join(SUITE_DIR, 'encrypted-everything-story.yaml');
    const peripheralHalf = startChild(process.execPath, [cli, 'run', '--role', 'peripheral', '--transport', `h4:unix:${sock}`, '--log-level', 'info', story]);
    // The central half starts once the peripheral advertises (its log says so), not on a guess.
    await peripheralHalf.waitForLine(/advertising as/, 20_000, 'stderr');
    const central = await run('--role', 'central', '--transport', `h4:unix:${sock}`, story);
    const exited = await new Promise<number | null>((resolve) =>
      peripheralHalf.proc.exitCode !== null ? resolve(peripheralHalf.proc.exitCode) : peripheralHalf.proc.once('exit', (code) => resolve(code)),
    );
    const p = { code: exited, stdout: peripheralHalf.stdout(), stderr: peripheralHalf.stderr() };
    expect(central.code, central.stdout + central.stderr).toBe(0);
    expect(p.code, p.stdout + p.stderr).toBe(0);
    expect(central.stdout).toMatch(/PASS\s+encrypted everything/);
    expect(p.stdout).toMatch(/PASS\s+encrypted everything/);
  }, 60_000);

  it('a scenario with fault knobs cannot run off the virtual radio: error, not a pass', async () => {
    const r = await run('--role', 'central', '--transport', `h4:unix:${sock}`, path.join(SUITE_DIR, 'link-lost-during-request.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('cannot run here: its faults (disconnect ATT Read Request from the central) need the in-process virtual radio: run it with --transport mock');
  }, 30_000);
});
