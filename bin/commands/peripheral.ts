// blebench peripheral: serve a GATT profile with bleno over any transport, until Ctrl-C. Each
// central's requests are narrated in the log with the answer and the reason (peripheral/).
import { checkOutputFile } from '../destinations.js';
import { escapeForTerminal } from '../../common/base/output/escape.js';
import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/index.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import { LONG_RUN_HISTORY } from '../../common/stack/trace/tap.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import { BLENO_LIMITS, DEFAULT_MAX_CENTRALS, servePeripheral, type PeripheralServer } from '../../peripheral/index.js';
import { addressFrom, addressOption, logFormatOption, logLevelOption, loggerFrom, positiveInt, transportOption } from '../options.js';
import { prepareControllerAddress } from '../../common/stack/hci/vendor-address.js';
import { untilSignal } from '../signals.js';
import { addPairingOptions, keyStoreSummary, onRepairingOption, smpSetupFrom, type PairingFlags } from '../pairing-options.js';
import { RepeatedAttempts } from '../../common/stack/smp/repeated-attempts.js';
import { isStoryEntry } from '../../common/stack/trace/narrate.js';
import { refuseFlagsOnOs } from '../os-flags.js';
import { startConsole } from '../console-command.js';
import { isOsTransport } from '../../common/stack/hci/os-transport.js';
import { runOsPeripheral } from './peripheral-os.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { peripheralAsFrom } from '../../peripheral/persona/persona-flag.js';
import { BadInputError } from '../../common/base/errors/blebench-error.js';
import { parseTransportSpec } from '../../common/stack/hci/transport-spec.js';


interface PeripheralOptions extends PairingFlags {
  profile?: string;
  transport: string;
  /** --address: the controller's public address, set before bleno loads (Zephyr Write BD_ADDR). */
  address?: string;
  name?: string;
  btsnoop?: string;
  interactive?: boolean;
  /** A peripheral persona (fixtures/personas/): the profile's security and pairing answered as that platform. */
  as?: string;
  /** --max-centrals: how many centrals are served at once. */
  maxCentrals?: number;
  logLevel: string;
  logFormat: string;
}

export function registerPeripheral(program: Command, done: (code: ExitCode) => void): void {
  const cmd = program
    .command('peripheral')
    .description('serve a GATT profile with bleno over a transport, narrating what each central asks and why it gets its answer, until Ctrl-C')
    .option('--profile <name|file>', `a profile in fixtures/profiles by name, or a JSON/YAML file (default: ${DEFAULT_PROFILE})`)
    .addOption(transportOption())
    .addOption(addressOption())
    .option('--name <name>', "advertised local name (default: the profile's advertising.localName)")
    .option('--max-centrals <n>', `how many centrals are served at once (default ${DEFAULT_MAX_CENTRALS}); with that many connected the peripheral stops advertising until one leaves`, positiveInt('--max-centrals'))
    .option('--btsnoop <file>', 'write every HCI packet to FILE (btsnoop; .pcapng or .pklg by the extension; opens in Wireshark)')
    .option('--as <persona>', "serve as a platform would (a persona with a peripheral part: macos, macos:VARIANT or a file): its ATT answers per security setting and its answer to a Pairing Request")
    .option('--interactive', 'a console: pick a profile (unless --profile), watch requests live, set values, notify, change security, refuse pairing (needs a terminal)')
    .addOption(logLevelOption())
    .addOption(logFormatOption());
  addPairingOptions(cmd)
    .addOption(onRepairingOption())
    .addHelpText('after', `\nWhat bleno 0.6.2 cannot do (and this command says when a profile needs it):\n${Object.values(BLENO_LIMITS).map((l) => `  - ${l}`).join('\n')}\n`)
    .action(async (opts: PeripheralOptions, cmd: Command) => done(await (opts.interactive ? runPeripheralInteractive(opts, cmd) : runPeripheral(opts))));
}

/**
 * `blebench peripheral --interactive`: the console (peripheral/console/). Logs go nowhere unless
 * --log-level is given (they would write over the prompts); Ctrl-C ends with 130.
 */
export async function runPeripheralInteractive(opts: PeripheralOptions, cmd?: Command): Promise<ExitCode> {
  // A persona serves the profile as that platform would (the default profile when none is named) with blebench's Security Manager.
  // The persona first (a broken one is exit 2 before the terminal is asked for).
  // The console's module (inquirer's prompts) is loaded only when a console is asked for: the walk and the
  // server never use it, and it is a large share of a process's start (README, "Tests and benchmark").
  const { runPeripheralConsole } = await import('../../peripheral/console/peripheral-console.js');
  const as = opts.as !== undefined ? peripheralAsFrom(opts, loadProfile(opts.profile ?? DEFAULT_PROFILE)) : undefined;
  const { interrupt, profile, log, screen, smp, open } = startConsole(as ? { ...opts, ioCapability: opts.ioCapability ?? 'NoInputNoOutput' } : opts, 'peripheral', cmd);
  if (smp) smp.attempts = new RepeatedAttempts(); // Core v5.4 Vol 3 Part H 2.3.6, as in runPeripheral
  if (as && smp) as.apply(smp);
  const served = as?.profile ?? profile;
  return keyStoreSummary(smp, await runPeripheralConsole({
    open,
    ...(served ? { profile: served } : {}),
    ...(as ? { said: as.said, onServe: (server: PeripheralServer, t: HciTransport) => as.attach(t.tap, () => server.requestSecurity()) } : {}),
    ...(opts.name ? { name: opts.name } : {}),
    ...(smp ? { smp } : {}),
    screen,
    interrupt,
    logger: log,
  }), (l) => screen.print(l));
}

export async function runPeripheral(opts: PeripheralOptions): Promise<ExitCode> {
  refuseFlagsOnOs(opts, 'peripheral');
  const address = addressFrom(opts);
  // A broken profile is bad input (exit 2, file and path named) before any adapter is touched, and
  // before the signal handlers below are installed (a refused input must not leave them behind).
  const loaded = loadProfile(opts.profile ?? DEFAULT_PROFILE);
  if (opts.as !== undefined && parseTransportSpec(opts.transport).kind === 'os') throw new BadInputError('BAD_FLAG', '--as with --transport os: the OS answers as itself there', { path: '--as' });
  const as = peripheralAsFrom(opts, loaded);
  const profile = as?.profile ?? loaded;
  if (opts.btsnoop !== undefined) checkOutputFile('--btsnoop', opts.btsnoop);
  // After a failed pairing a verifier waits before it answers the same central again (Core v5.4 Vol 3
  // Part H 2.3.6): a new Pairing Request within the waiting interval gets Pairing Failed 0x09.
  const log = loggerFrom(opts, 'peripheral');
  // A persona answers Pairing Requests with blebench's Security Manager.
  const smp = smpSetupFrom(as ? { ...opts, ioCapability: opts.ioCapability ?? 'NoInputNoOutput' } : opts, undefined, undefined, log);
  if (smp) smp.attempts = new RepeatedAttempts();
  if (as && smp) as.apply(smp);
  // Listen for SIGINT/SIGTERM before anything is printed: a signal sent as soon as the ready line is
  // read must find our handler, not the default action (which kills the process).
  const signalled = untilSignal().then(() => EXIT.OK as ExitCode);
  const transport = await openTransport(opts.transport, { name: 'peripheral', history: LONG_RUN_HISTORY });
  if (isOsTransport(transport)) {
    try {
      return await runOsPeripheral({ transport, profile, log, signalled, ...(opts.name ? { name: opts.name } : {}) });
    } finally {
      await transport.close();
    }
  }
  const narrate = (e: TimelineEntry) => {
    if (isStoryEntry(e)) log.debug({ dir: e.dir, handle: e.handle }, e.summary);
  };
  let server: PeripheralServer | undefined;
  let stopRequests: (() => void) | undefined;
  try {
    if (opts.btsnoop) transport.tap.attachBtsnoop(opts.btsnoop);
    transport.tap.on('entry', narrate);
    // The controller's identity before bleno reads it (bleno's own HCI Reset keeps it, as Zephyr's does).
    await prepareControllerAddress(transport, address, (line) => process.stderr.write(`${line}\n`));
    const closed = new Promise<ExitCode>((resolve) =>
      transport.once('close', (err) => {
        if (err) log.error({ code: err.code }, `${err.message}${err.hint ? `; what to do: ${err.hint}` : ''}`);
        resolve(err ? EXIT.TRANSPORT_UNAVAILABLE : EXIT.OK);
      }),
    );
    server = await servePeripheral({ transport, profile, logger: log, ...(opts.name ? { name: opts.name } : {}), ...(smp ? { smp } : {}), ...(opts.maxCentrals !== undefined ? { maxCentrals: opts.maxCentrals } : {}) });
    const served = server;
    stopRequests = as?.attach(transport.tap, () => served.requestSecurity());
    log.info({ transport: transport.label, address: server.address, name: server.name }, 'advertising; waiting for a central (Ctrl-C stops)');
    for (const line of as?.said ?? []) process.stderr.write(escapeForTerminal(`blebench peripheral: ${line}\n`));
    process.stdout.write(escapeForTerminal(`blebench peripheral: serving "${profile.name}" as ${server.name} (${server.address}) on ${transport.label}; waiting for a central (Ctrl-C stops)\n`));
    const result = await Promise.race([signalled, closed]);
    log.info('stopping');
    return await keyStoreSummary(smp, result);
  } finally {
    transport.tap.off('entry', narrate);
    stopRequests?.();
    await server?.close();
    await transport.close();
  }
}
