// The central under test for `blebench fuzz --role central`: a hidden command that connects to the
// rogue peripheral again and again, discovers, reads, subscribes, pairs and disconnects, so that the
// rogue's malformed answers meet noble and our central in every state. Every operation has a time
// limit and ends in a typed error (central/errors.ts) that the loop shrugs off; anything else is a
// bug and ends the process (the harness counts a crash).
import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import { LONG_RUN_HISTORY } from '../../common/stack/trace/tap.js';
import { CentralClient } from '../../central/central-client.js';
import type { CentralConnection } from '../../central/connection.js';
import { isCentralError } from '../../central/errors.js';
import { hasProperty } from '../../central/gatt/discovered.js';
import { ROGUE_NAME } from '../../common/apps/fuzz/rogue-gatt.js';
import { durationMs, transportOption } from '../options.js';
import { addPairingOptions, smpSetupFrom, type PairingFlags } from '../pairing-options.js';
import { untilSignal } from '../signals.js';

export const CENTRAL_DRIVER_COMMAND = 'fuzz-central-target';
export const CENTRAL_DRIVER_READY = /central driver ready/;

const DEFAULT_OP_TIMEOUT_MS = 800;
/** Characteristics walked per connection: enough to reach reads, CCCD writes and pairing. */
const MAX_CHARACTERISTICS = 4;

interface DriverOptions extends PairingFlags {
  transport: string;
  timeout: number;
}

export function registerCentralDriver(program: Command, done: (code: ExitCode) => void): void {
  const cmd = program
    .command(CENTRAL_DRIVER_COMMAND, { hidden: true })
    .description('(for blebench fuzz) connect to the rogue peripheral in a loop: discover, read, subscribe, pair, disconnect')
    .addOption(transportOption())
    .option('--timeout <ms>', 'time limit of each operation', durationMs('--timeout'), DEFAULT_OP_TIMEOUT_MS);
  addPairingOptions(cmd).action(async (opts: DriverOptions) => done(await runCentralDriver(opts)));
}

/** A typed central error is an outcome; anything else is a bug and is thrown on. */
async function outcome<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isCentralError(err)) return undefined;
    throw err;
  }
}

async function exercise(conn: CentralConnection): Promise<void> {
  const chars = (await outcome(conn.characteristics())) ?? [];
  for (const c of chars.slice(0, MAX_CHARACTERISTICS)) {
    if (hasProperty(c, 'read')) await outcome(conn.read(c));
    if (hasProperty(c, 'notify') || hasProperty(c, 'indicate')) await outcome(conn.subscribe(c));
    if (hasProperty(c, 'write')) await outcome(conn.write(c, Buffer.from([0x01])));
  }
  await outcome(conn.pair());
}

export async function runCentralDriver(opts: DriverOptions): Promise<ExitCode> {
  let stop = false;
  void untilSignal().then(() => (stop = true));
  const smp = smpSetupFrom(opts, () => undefined);
  const transport = await openTransport(opts.transport, { name: 'central', history: LONG_RUN_HISTORY });
  const client = await CentralClient.open(transport, { policy: 'on-error', timeoutMs: opts.timeout, ...(smp ? { smp } : {}) });
  try {
    process.stdout.write(`central driver ready on ${transport.label}\n`);
    let rounds = 0;
    while (!stop) {
      const conn = await outcome(client.connectTo({ kind: 'name', value: ROGUE_NAME }));
      if (conn) {
        try {
          await exercise(conn);
        } finally {
          await outcome(conn.disconnect());
        }
      }
      rounds++;
    }
    process.stdout.write(`central driver stopping after ${rounds} rounds\n`);
    return EXIT.OK;
  } finally {
    await client.close();
    await transport.close();
  }
}
