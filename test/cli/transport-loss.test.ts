// A transport that goes away under a running program ends it with exit 3 and a named reason.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startChild, type Child } from '../helpers/child.js';

const children: Child[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.stop('SIGKILL');
});

describe('the transport closing under a running program', () => {
  it('blebench peripheral on h4: exits 3 naming TRANSPORT_CLOSED when the air stops', async () => {
    const sock = path.join(mkdtempSync(path.join(tmpdir(), 'blebench-loss-')), 'air.sock');
    const air = startChild(process.execPath, ['bin/blebench.js', 'air', '--listen', `unix:${sock}`, '--log-level', 'warn']);
    children.push(air);
    await air.waitForLine(/listening on unix:/);
    const p = startChild(process.execPath, ['bin/blebench.js', 'peripheral', '--transport', `h4:unix:${sock}`, '--log-format', 'json']);
    children.push(p);
    await p.waitForLine(/waiting for a central/);
    const exited = new Promise<number | null>((resolve) => p.proc.once('exit', (code) => resolve(code)));
    expect(await air.stop('SIGTERM')).toBe(0);
    expect(await exited).toBe(3);
    expect(p.stderr()).toMatch(/TRANSPORT_CLOSED/);
    expect(p.stderr()).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
