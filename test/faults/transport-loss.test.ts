// The transport closing under a running program, through real processes: `blebench air` stopped
// (SIGTERM) or the unix socket cut (a proxy between the program and the air drops its streams) while
// `blebench peripheral`, `blebench central` or `blebench run --transport h4:...` runs. Each must end
// with exit 3 and the named transport error, no stack trace, and its key file (a bond from an earlier
// pairing) byte-identical and 0600. (test/cli/transport-loss.test.ts has the peripheral and the air
// stopping; these are the rest.)
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { H4, OP } from '../../common/base/codes/hci.js';
import { startChild, type Child } from '../helpers/child.js';
import { until } from '../helpers/until.js';
import { internalErrorIn, stackTraceIn } from '../bad-input/helpers/cli.js';
import { smallProfile } from '../helpers/small-profile.js';
import { checkKeyFile, keyFileFrom } from './helpers/key-files.js';
import { referencePairing } from './helpers/reference.js';
import { Tally } from './helpers/tally.js';

const ref = await referencePairing(smallProfile(), 'legacy-just-works');
const tally = new Tally('faults (transport loss)', 'exit 3 naming TRANSPORT_CLOSED, keys intact');
afterAll(() => console.log(tally.line()));

const children: Child[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.stop('SIGKILL');
  for (const s of servers.splice(0)) s.close();
});

/** How long a program may take to notice its transport is gone and exit. */
const EXIT_WITHIN_MS = 10_000;

function blebench(args: string[]): Child {
  const c = startChild(process.execPath, ['bin/blebench.js', ...args], { BLEBENCH_DEBUG: '' });
  children.push(c);
  return c;
}

async function startAir(dir: string): Promise<{ air: Child; sock: string }> {
  const sock = path.join(dir, 'air.sock');
  const air = blebench(['air', '--listen', `unix:${sock}`, '--log-level', 'info', '--log-format', 'json']);
  await air.waitForLine(/listening on unix:/);
  return { air, sock };
}

/** A unix socket that forwards every stream to the air's; `cut()` destroys them all (the socket cut). */
async function startProxy(dir: string, target: string): Promise<{ sock: string; cut: () => void }> {
  const sock = path.join(dir, 'proxy.sock');
  const streams: Socket[] = [];
  const server = createServer((client) => {
    const upstream = createConnection(target);
    streams.push(client, upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  return { sock, cut: () => streams.forEach((s) => s.destroy()) };
}

const exitOf = (c: Child) => new Promise<number | null>((resolve) => (c.proc.exitCode !== null ? resolve(c.proc.exitCode) : c.proc.once('exit', (code) => resolve(code))));

async function expectTransportClosed(c: Child, keys: ReturnType<typeof keyFileFrom>): Promise<void> {
  const code = await Promise.race([exitOf(c), new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), EXIT_WITHIN_MS).unref())]);
  expect(code, `stdout: ${c.stdout()}\nstderr: ${c.stderr()}`).toBe(3);
  expect(c.stderr()).toMatch(/TRANSPORT_CLOSED|the controller (went away|closed the stream)/);
  expect(stackTraceIn(c.stderr()), c.stderr()).toBeUndefined();
  expect(internalErrorIn(c.stdout() + c.stderr()), c.stderr()).toBeUndefined();
  expect(checkKeyFile(keys, false)).toEqual({ ok: true, changed: false });
}


/** LE Set Scan Enable (enable) as an H4 command packet: the central is scanning once its capture holds it. Vol 4 Part E 7.8.11. */
const SCAN_ENABLE = Buffer.from([H4.COMMAND, OP.LE_SET_SCAN_ENABLE & 0xff, OP.LE_SET_SCAN_ENABLE >> 8, 2, 1]);

/** What runs on the h4 transport while it goes away, and how to tell it is under way. */
const PROGRAMS: Record<string, (spec: string, keys: string, dir: string) => { args: string[]; underWay: (c: Child) => Promise<unknown> }> = {
  'blebench central (scanning for a target that is not there)': (spec, keys, dir) => {
    const capture = path.join(dir, 'central.btsnoop');
    return {
      args: ['central', '--transport', spec, '--target', 'nobody-advertises-this', '--timeout', '60000', '--keys', keys, '--btsnoop', capture],
      underWay: () => until(() => existsSync(capture) && readFileSync(capture).includes(SCAN_ENABLE), 'the central to scan', 10_000),
    };
  },
  'blebench peripheral (waiting for a central)': (spec, keys) => ({
    args: ['peripheral', '--transport', spec, '--keys', keys, '--io-capability', 'NoInputNoOutput', '--log-format', 'json'],
    underWay: (c) => c.waitForLine(/waiting for a central/),
  }),
};

describe('the transport closing under a running program', () => {
  for (const [name, program] of Object.entries(PROGRAMS)) {
    it(`${name}: the air stopped (SIGTERM): exit 3, TRANSPORT_CLOSED, keys intact`, () =>
      tally.counted(async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'blebench-loss-'));
        const keys = keyFileFrom(ref.keys.central, 'keys.json');
        const { air, sock } = await startAir(dir);
        const p = program(`h4:unix:${sock}`, keys.file, dir);
        const c = blebench(p.args);
        await p.underWay(c);
        expect(await air.stop('SIGTERM')).toBe(0);
        await expectTransportClosed(c, keys);
      }),
    );

    it(`${name}: the unix socket cut: exit 3, TRANSPORT_CLOSED, keys intact`, () =>
      tally.counted(async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'blebench-cut-'));
        const keys = keyFileFrom(ref.keys.central, 'keys.json');
        const { sock } = await startAir(dir);
        const proxy = await startProxy(dir, sock);
        const p = program(`h4:unix:${proxy.sock}`, keys.file, dir);
        const c = blebench(p.args);
        await p.underWay(c);
        proxy.cut();
        await expectTransportClosed(c, keys);
      }),
    );
  }

  it('blebench run --transport h4:unix (both roles on the air), the air stopped mid-scenario: exit 3, TRANSPORT_CLOSED', () =>
    tally.counted(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'blebench-run-loss-'));
      const scenario = path.join(dir, 'idle.yaml');
      writeFileSync(
        scenario,
        [
          'name: a long idle link',
          'description: the central connects and keeps the link idle while the air goes away',
          'qualification: []',
          'tags: [fault]',
          'time-limit-ms: 60000',
          'peripheral: { profile: default }',
          'central:',
          '  steps:',
          '    - connect:',
          '    - hold-idle: { ms: 50000 }',
          '',
        ].join('\n'),
      );
      const keys = keyFileFrom(ref.keys.central, 'keys.json'); // run keeps no keys: the file is a bystander
      const { air, sock } = await startAir(dir);
      const c = blebench(['run', scenario, '--transport', `h4:unix:${sock}`, '--log-level', 'info', '--log-format', 'json']);
      // the peripheral logs the central's connection: the scenario is at its idle step
      await c.waitForLine(/central .* connected/, 10_000, 'stderr');
      expect(await air.stop('SIGTERM')).toBe(0);
      await expectTransportClosed(c, keys);
    }),
  );
});
