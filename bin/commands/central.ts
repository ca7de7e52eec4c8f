// blebench central: find a target with noble over any transport and walk its security matrix,
// every characteristic × operation, unencrypted and then after pairing (--policy); with --profile,
// compare every cell and exit 1 on any difference, naming it. Exit codes: design.md.
import { Option, type Command } from 'commander';
import { EXIT, type ExitCode } from '../../common/errors/blebench-error.js';
import { loadProfile } from '../../common/gatt/load-profile.js';
import { openTransport, type HciTransport } from '../../common/hci/transport.js';
import { CentralClient, DEFAULT_TIMEOUT_MS } from '../../central/central-client.js';
import { isCentralError } from '../../central/errors.js';
import { runMatrix } from '../../central/matrix/run-matrix.js';
import { renderJson } from '../../central/matrix/render-json.js';
import { renderTable } from '../../central/matrix/render-table.js';
import { PAIRING_POLICIES, type PairingPolicy } from '../../central/pairing/pairing-policy.js';
import { parseTarget } from '../../central/scan.js';
import { logFormatOption, logLevelOption, loggerFrom, positiveInt, transportOption } from '../options.js';

export interface CentralOptions {
  target: string;
  transport: string;
  policy: PairingPolicy;
  profile?: string;
  btsnoop?: string;
  json?: boolean;
  timeout: number;
  logLevel: string;
  logFormat: string;
}

/** For tests and `run`: an already open transport (kept open), and where output goes. */
export interface CentralDeps {
  transport?: HciTransport;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

export function registerCentral(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('central')
    .description('find a target with noble and walk its security matrix: every characteristic × operation, unencrypted and after pairing')
    .requiredOption('--target <name|address|service-uuid>', 'the advertised name, the address (AA:BB:CC:DD:EE:FF) or an advertised service UUID')
    .addOption(transportOption())
    .addOption(new Option('--policy <policy>', 'when to pair: on-error (after 0x05/0x0F, then re-send), never, upfront').choices([...PAIRING_POLICIES]).default('on-error'))
    .option('--profile <name|file>', 'compare every cell with this profile; exit 1 on any difference')
    .option('--btsnoop <file>', 'write every HCI packet to FILE (btsnoop, opens in Wireshark)')
    .option('--json', 'print the matrix as JSON')
    .option('--timeout <ms>', 'time limit of each operation', positiveInt('--timeout'), DEFAULT_TIMEOUT_MS)
    .addOption(logLevelOption().default('warn'))
    .addOption(logFormatOption())
    .action(async (opts: CentralOptions) => done(await runCentral(opts)));
}

export async function runCentral(opts: CentralOptions, deps: CentralDeps = {}): Promise<ExitCode> {
  const out = deps.out ?? ((s: string) => process.stdout.write(s));
  const err = deps.err ?? ((s: string) => process.stderr.write(s));
  const log = loggerFrom(opts, 'central');
  const target = parseTarget(opts.target);
  // Bad input first (exit 2), before any transport is opened.
  const profile = opts.profile ? loadProfile(opts.profile) : undefined;
  const transport = deps.transport ?? (await openTransport(opts.transport, { name: 'central' }));
  if (opts.btsnoop) transport.tap.attachBtsnoop(opts.btsnoop);
  let client: CentralClient | undefined;
  try {
    client = await CentralClient.open(transport, { policy: opts.policy, timeoutMs: opts.timeout });
    const found = await client.find(target);
    log.info({ address: found.advertisement.address, name: found.advertisement.localName, rssi: found.advertisement.rssi }, 'found');
    const result = await runMatrix(client, found, {
      policy: opts.policy,
      ...(profile ? { profile } : {}),
      onPhase: (p) => log.info({ phase: p.name, cells: p.cells.length, note: p.note }, 'phase done'),
    });
    out(opts.json ? renderJson(result) : renderTable(result));
    return result.differences.length ? EXIT.EXPECTATION_FAILED : EXIT.OK;
  } catch (e) {
    if (!isCentralError(e)) throw e;
    err(`blebench: ${e.message}\n`);
    return e.exitCode;
  } finally {
    await client?.close();
    if (!deps.transport) await transport.close();
  }
}
