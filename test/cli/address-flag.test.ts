// --address on blebench central / peripheral: bad input (exit 2, the flag named, no stack trace) for a
// malformed address and for transports where blebench does not own the controller (hci:N: the
// kernel's job; os); on blebench air the controller takes the address and peers see it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { decodeCapture, readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { startChild, type Child } from '../helpers/child.js';
import { cliSession } from '../helpers/cli-batch.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
// Its refused command lines run in one node, one after another (cliSession, test/helpers/cli-batch.ts).
const session = cliSession({ caseLimitMs: 30_000, cwd: root });
afterAll(() => session.close());
const blebench = (...args: string[]) => session.run(...args);
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

describe('--address: bad input', () => {
  it.each([
    [['central', '--target', 'x', '--address', 'C0:FF:EE:00:00'], /--address "C0:FF:EE:00:00": expected a Bluetooth address/],
    [['peripheral', '--address', 'C0-FF-EE-00-00-01'], /expected a Bluetooth address AA:BB:CC:DD:EE:FF/],
    [['peripheral', '--address', '00:00:00:00:00:00'], /is "no address"/],
    [['central', '--target', 'x', '--transport', 'hci:1', '--address', 'C0:FF:EE:00:00:01'], /the kernel owns that controller/],
    [['peripheral', '--transport', 'os', '--address', 'C0:FF:EE:00:00:01'], /cannot be used with --transport os/],
  ])('%j: exit 2, says why, no stack trace', async (args, why) => {
    const r = await blebench(...args);
    expect(r.code, r.stderr).toBe(EXIT.BAD_INPUT);
    expect(r.stderr).toMatch(why);
    noStack(r.stderr);
  });

  it('the main job on mock (no --target): the capture starts with the vendor command, then noble reads that address', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-address-main-'));
    try {
      const capture = path.join(dir, 'central.btsnoop');
      const r = await blebench('central', '--address', 'C0:FF:EE:00:00:07', '--btsnoop', capture, '--log-level', 'silent');
      expect(r.code, r.stderr).toBe(EXIT.OK);
      const entries = decodeCapture((await readBtsnoop(capture)).records);
      expect(entries.slice(0, 2).map((e) => e.name)).toEqual(['HCI Zephyr Write BD_ADDR', 'HCI Command Complete (Zephyr Write BD_ADDR)']);
      const read = entries.find((e) => e.name === 'HCI Command Complete (Read BD_ADDR)');
      expect(JSON.stringify(read?.fields)).toMatch(/c0:ff:ee:00:00:07/i);
      expect(r.stdout).toMatch(/verdict: OK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hci:N names the kernel way: btmgmt --index N public-addr', async () => {
    const r = await blebench('peripheral', '--transport', 'hci:1', '--address', 'c0:ff:ee:00:00:01');
    expect(r.code).toBe(EXIT.BAD_INPUT);
    expect(r.stderr).toContain('btmgmt --index 1 public-addr C0:FF:EE:00:00:01');
  });
});

describe('--address on blebench air', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-address-cli-'));
  const running: Child[] = [];
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop('SIGKILL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the peripheral serves under the given address; the central finds it by that address; the capture has the vendor command', async () => {
    const sock = path.join(dir, 'air.sock');
    const air = startChild(process.execPath, [cli, 'air', '--listen', `unix:${sock}`, '--log-level', 'info', '--log-format', 'json']);
    running.push(air);
    await air.waitForLine(/listening on unix:/);
    const capture = path.join(dir, 'peripheral.btsnoop');
    const peripheral = startChild(process.execPath, [cli, 'peripheral', '--transport', `h4:unix:${sock}`, '--address', 'c0:ff:ee:00:00:02', '--btsnoop', capture, '--log-level', 'warn']);
    running.unshift(peripheral);
    await peripheral.waitForLine(/serving "blebench default" as blebench \(c0:ff:ee:00:00:02\)/i, 15_000);
    // a second program asking for the same address is refused by the air: exit 3, saying why
    const taken = await blebench('central', '--transport', `h4:unix:${sock}`, '--target', 'blebench', '--address', 'C0:FF:EE:00:00:02');
    expect(taken.code, taken.stderr).toBe(EXIT.TRANSPORT_UNAVAILABLE);
    expect(taken.stderr).toMatch(/refused public address C0:FF:EE:00:00:02 \(0x12/);
    expect(taken.stderr).toMatch(/what to do: .*another controller already has this address/);
    noStack(taken.stderr);
    await air.waitForLine(/Zephyr Write BD_ADDR C0:FF:EE:00:00:02 refused: another controller/, 5000, 'stderr');
    // the central finds the peripheral by the address it was given
    const found = await blebench('central', '--transport', `h4:unix:${sock}`, '--target', 'C0:FF:EE:00:00:02', '--address', 'C0:FF:EE:00:00:03', '--policy', 'never', '--json');
    expect(found.code, found.stderr).toBe(EXIT.OK);
    expect(found.stdout).toMatch(/C0:FF:EE:00:00:02/i);
    expect(await peripheral.stop('SIGINT')).toBe(EXIT.OK);
    const entries = decodeCapture((await readBtsnoop(capture)).records);
    const names = entries.map((e) => e.name);
    expect(names.indexOf('HCI Zephyr Write BD_ADDR')).toBeGreaterThanOrEqual(0);
    expect(names).toContain('HCI Command Complete (Zephyr Write BD_ADDR)');
    // set before bleno asked for its address: every Read BD_ADDR after it answers the new one
    const reads = entries.filter((e) => e.name === 'HCI Command Complete (Read BD_ADDR)');
    expect(reads.length).toBeGreaterThanOrEqual(2); // our read-back, then bleno's
    expect(entries.indexOf(reads[0]!)).toBeGreaterThan(names.indexOf('HCI Zephyr Write BD_ADDR'));
    for (const r of reads) expect(r.raw.subarray(-6).toString('hex')).toBe('020000eeffc0');
    const connected = entries.find((e) => e.name === 'HCI LE Connection Complete' || e.name === 'HCI LE Enhanced Connection Complete');
    expect(JSON.stringify(connected?.fields)).toMatch(/C0:FF:EE:00:00:03/i);
  }, 90_000);
});
