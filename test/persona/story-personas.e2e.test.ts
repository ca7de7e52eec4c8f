// The story across processes: `blebench air`, `blebench peripheral --as macos` (a Mac app's
// CBPeripheralManager, which refuses incoming pairing) and `blebench central --as ios` over the same
// virtual radio. The iPhone's column shows the refused Pairing Request and CBATTError 5 with no dialog.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startChild, type Child } from '../helpers/child.js';

const children: Child[] = [];
afterEach(async () => {
  for (const c of children.splice(0).reverse()) await c.stop();
});

describe('blebench peripheral --as macos, blebench central --as ios', () => {
  it('the Mac refuses pairing: the iPhone app gets CBATTError 5 "Authentication is insufficient." and no dialog', async () => {
    const sock = path.join(mkdtempSync(path.join(tmpdir(), 'story-')), 'air.sock');
    const air = startChild(process.execPath, ['bin/blebench.js', 'air', '--listen', `unix:${sock}`]);
    children.push(air);
    await air.waitForLine(/blebench air: listening on/, 15_000);
    const mac = startChild(process.execPath, ['bin/blebench.js', 'peripheral', '--as', 'macos', '--transport', `h4:unix:${sock}`]);
    children.push(mac);
    await mac.waitForLine(/waiting for a central/, 15_000);
    expect(mac.stderr()).toContain('blebench peripheral: as macOS: a Pairing Request: refused (Pairing Failed 0x05 Pairing Not Supported; the reason macOS sends is not known) (unknown: jmcorgan/fips#72');
    // --verbose: each cell's reason and what the persona's user saw; 400 columns keep each on one line.
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', '--as', 'ios', '--transport', `h4:unix:${sock}`, '--target', 'blebench', '--verbose', '--log-level', 'silent'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, COLUMNS: '400' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Encrypted Read (no --profile: the central names it as the built-in profile it matches does).
    expect(r.stdout).toContain('names from the built-in profile "blebench default"');
    expect(r.stdout).toMatch(/Encrypted Read × read, as ios: .*\n {4}→ iOS: no dialog to answer \(the peer refused the Pairing Request at once: SMP 0x05 Pairing Not Supported\) \[inference\]; the app gets CBATTError 5 "Authentication is insufficient\."/);
  }, 90_000);
});
