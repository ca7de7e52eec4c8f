// `blebench run --role central --address ADDR`: the scenarios' central controller takes the address
// before each scenario (Zephyr Write BD_ADDR), on a `blebench air` where every scenario is a new stream
// connection. The previous scenario's controller must be gone from the radio first (the air powers a
// controller off when its stream ends, and the transport waits for the stream to close), or the write
// would meet 0x12 "held by another controller".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { decodeCapture, readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { startChild, type Child } from '../helpers/child.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const scenario = (name: string) => path.join(root, 'fixtures/scenarios', name);
const ADDRESS = 'C0:FF:EE:00:00:09';

describe('blebench run --address', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-address-run-'));
  const running: Child[] = [];
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop('SIGKILL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--role central: every scenario\'s capture starts with the address written and accepted (status 0), and noble reads it back', async () => {
    const sock = path.join(dir, 'air.sock');
    const air = startChild(process.execPath, [cli, 'air', '--listen', `unix:${sock}`, '--log-level', 'warn']);
    running.push(air);
    await air.waitForLine(/listening on unix:/);
    const transport = `h4:unix:${sock}`;
    const peripheral = startChild(process.execPath, [cli, 'peripheral', '--transport', transport, '--log-level', 'warn']);
    running.unshift(peripheral);
    await peripheral.waitForLine(/serving "blebench default"/, 15_000);

    const captures = path.join(dir, 'captures');
    // One identity across scenarios means the peripheral keeps a bond made in one for the next (as real
    // hardware does): only one of these pairs, so none depends on the order the run shuffles them in.
    const scenarios = ['open-read.yaml', 'authorized-read-refused.yaml', 'encrypted-read-pairs-on-error.yaml'].map(scenario);
    const r = spawnSync(process.execPath, [cli, 'run', '--role', 'central', '--transport', transport, '--address', ADDRESS, '--btsnoop', captures, ...scenarios], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stdout + r.stderr).toBe(EXIT.OK);
    expect(r.stdout).toMatch(/3 passed, 0 failed/);

    const files = readdirSync(captures).filter((f) => f.endsWith('.central.btsnoop'));
    expect(files).toHaveLength(3);
    for (const f of files) {
      const entries = decodeCapture((await readBtsnoop(path.join(captures, f))).records);
      expect(entries.slice(0, 2).map((e) => e.name), f).toEqual(['HCI Zephyr Write BD_ADDR', 'HCI Command Complete (Zephyr Write BD_ADDR)']);
      expect(entries[1]!.fields.status, f).toBe(0);
      const read = entries.find((e) => e.name === 'HCI Command Complete (Read BD_ADDR)');
      expect(JSON.stringify(read?.fields), f).toMatch(new RegExp(ADDRESS, 'i'));
    }
  }, 120_000);

  it('--role both is bad input: one address cannot be both roles\'', () => {
    const r = spawnSync(process.execPath, [cli, 'run', '--address', ADDRESS], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(EXIT.BAD_INPUT);
    expect(r.stderr).toMatch(/--address with --role both/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
