// blebench air --listen unix:PATH|tcp:127.0.0.1:PORT|pty:PATH [--btsnoop FILE]
// The virtual radio as a server: every accepted stream connection is a fresh controller; on pty:PATH
// a pseudo-terminal is the controller's UART (each host session that opens it gets a fresh one).
import { checkListenPath, checkOutputFile } from '../destinations.js';
import path from 'node:path';
import type { Command } from 'commander';
import { AirError, parseListenSpec, Radio, startAirServer, type AirServer, type VirtualController } from '../../common/stack/air/index.js';
import { BadInputError, EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { Tap } from '../../common/stack/trace/tap.js';
import { logFormatOption, logLevelOption, loggerFrom } from '../options.js';
import { untilSignal } from '../signals.js';
import { hex } from '../../common/base/codes/code-table.js';

interface AirOptions {
  /** One or more listen specs: all of them reach the same radio. */
  listen: string | string[];
  btsnoop?: string;
  logLevel: string;
  logFormat: string;
}

export function registerAir(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('air')
    .description('run the virtual radio as a server: each stream connection is a fresh controller with its own address')
    .requiredOption(
      '--listen <spec>',
      'unix:PATH, tcp:127.0.0.1:PORT (loopback only; port 0 picks one), or pty:PATH (a virtual UART controller: PATH is a symlink to a pseudo-terminal; use it with --transport serial:PATH); repeat it to reach one radio several ways',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--btsnoop <file>', 'write each controller\'s HCI traffic as btsnoop, or pcapng/pklg by the extension (FILE, then FILE-2, FILE-3, ... for later controllers)')
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .action(async (opts: AirOptions) => done(await runAir(opts)));
}

function nthCapturePath(file: string, n: number): string {
  if (n === 1) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${n}${ext}`;
}

export async function runAir(opts: AirOptions): Promise<ExitCode> {
  const log = loggerFrom(opts, 'air');
  const listens = Array.isArray(opts.listen) ? opts.listen : [opts.listen];
  for (const l of listens) {
    if (!/^(unix:.+|tcp:.+:\d+|pty:.+)$/.test(l)) {
      throw new BadInputError('BAD_FLAG', `--listen ${JSON.stringify(l)}: expected unix:PATH, tcp:127.0.0.1:PORT or pty:PATH`, { path: '--listen' });
    }
    try {
      parseListenSpec(l);
    } catch (e) {
      // the radio's own words (port out of range, not loopback), with the flag they are about
      if (e instanceof AirError && e.exitCode === EXIT.BAD_INPUT) throw new BadInputError('BAD_FLAG', `--listen ${JSON.stringify(l)}: ${e.message}`, { path: '--listen' }, { cause: e });
      throw e;
    }
    const local = /^(unix|pty):(.+)$/.exec(l);
    if (local) checkListenPath('--listen', l, local[2]!);
  }
  if (opts.btsnoop !== undefined) checkOutputFile('--btsnoop', opts.btsnoop);
  const signalled = untilSignal(); // before the ready line: see bin/commands/peripheral.ts
  const radio = new Radio({ name: 'air' });
  const servers: AirServer[] = [];
  try {
    for (const l of listens) servers.push(await startAirServer({ listen: l, radio }));
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    radio.close();
    throw err;
  }
  const taps: Tap[] = [];
  let count = 0;
  const onController = (c: VirtualController) => {
    count++;
    // Per connection at debug: a long run of connections must not fill the log at info.
    log.debug({ controller: c.address, n: count }, 'controller connected');
    c.once('close', () => log.debug({ controller: c.address }, 'controller gone'));
    // Zephyr VS Write BD_ADDR (blebench central/peripheral --address): a new identity, or why not
    c.on('public-address', (e: { from: string; to: string }) => log.info({ controller: e.to, was: e.from }, 'public address set by the host (Zephyr Write BD_ADDR)'));
    c.on('public-address-refused', (e: { address: string; status: number; reason: string }) =>
      log.warn({ controller: c.address, address: e.address, status: e.status }, `Zephyr Write BD_ADDR ${e.address} refused: ${e.reason}`),
    );
    if (opts.btsnoop) {
      const tap = new Tap({ name: c.address, keepEntries: 0 });
      const file = nthCapturePath(opts.btsnoop, count);
      tap.attachBtsnoop(file);
      taps.push(tap);
      // Directions as the host sees them: what it writes is 'tx' (host → controller).
      c.on('host-packet', (p: Buffer) => tap.observe('tx', p));
      c.on('packet', (p: Buffer) => tap.observe('rx', p));
      // The capture ends with its controller: a long-running air keeps no file open for a host that left.
      c.once('close', () => {
        taps.splice(taps.indexOf(tap), 1);
        tap.close().catch((e: unknown) => log.error({ controller: c.address, file }, `btsnoop capture not completed: ${(e as Error).message}`));
      });
      log.debug({ controller: c.address, file }, 'btsnoop capture');
    }
  };
  // A host beyond its command credits (Core v5.4 Vol 4 Part E 4.4) or not reading its events: said once per controller.
  const onOverCredit = (c: VirtualController) => {
    c.once('command-over-credit', (opcode: number) =>
      log.warn({ controller: c.address, opcode }, `the host sent HCI command ${hex(opcode, 4)} beyond its command credits (Num_HCI_Command_Packets): dropped unanswered, as every later one until it waits for Command Complete/Status`),
    );
  };
  const onStreamTrouble = (c: VirtualController, what: string) => log.warn({ controller: c.address }, what);
  for (const server of servers) {
    server.on('controller', onController);
    server.on('controller', onOverCredit);
    server.on('stream-trouble', onStreamTrouble);
    process.stdout.write(
      server.address.startsWith('pty:')
        ? `blebench air: listening on ${server.address} (a UART controller; use --transport serial:${server.address.slice(4)}; each session gets a fresh controller)\n`
        : `blebench air: listening on ${server.address} (each connection is a fresh controller)\n`,
    );
  }
  const signal = await signalled;
  log.info({ signal }, 'shutting down');
  await Promise.all(servers.map((s) => s.close()));
  radio.close();
  await Promise.all(taps.map((t) => t.close()));
  return EXIT.OK;
}
