// blebench central: find a target with noble over any transport and walk its security matrix,
// every characteristic × operation, unencrypted and then after pairing (--policy); with --profile,
// compare every cell and exit 1 on any difference, naming it. Exit codes: design.md.
import { checkOutputFile } from '../destinations.js';
import { escapeField, escapeForTerminal, escapeJsonForTerminal } from '../../common/base/output/escape.js';
import { addPairingOptions, keyStoreSummary, pairingOverridesFrom, smpSetupFrom } from '../pairing-options.js';
import { methodConfigs, parseMethods, PAIRING_METHODS, type MatrixMethod } from '../../central/matrix/pairing-methods.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { Option, type Command } from 'commander';
import type { ExitCode } from '../../common/base/errors/blebench-error.js';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import { parseTransportSpec } from '../../common/stack/hci/transport-spec.js';
import { BadInputError } from '../../common/base/errors/blebench-error.js';
import { openWorld } from '../../world/open-world.js';
import { CentralClient, DEFAULT_TIMEOUT_MS } from '../../central/central-client.js';
import { runMatrix } from '../../central/matrix/run-matrix.js';
import { PAIRING_POLICIES } from '../../central/pairing/pairing-policy.js';
import { parseTarget } from '../../central/scan.js';
import { addressFrom, addressOption, logFormatOption, logLevelOption, loggerFrom, durationMs, noColorOption, transportOption, verboseOption } from '../options.js';
import { wrap } from '../../common/base/output/fit.js';
import { prepareControllerAddress, writePublicAddress } from '../../common/stack/hci/vendor-address.js';
import { matrixOutput, printMatrix } from './matrix-output.js';
import { refuseFlagsOnOs } from '../os-flags.js';
import { startConsole } from '../console-command.js';
import { runOsCentral, type OsCentralDeps } from './central-os.js';
import type { CentralDeps, CentralOptions } from './central-options.js';
import { DEFAULT_KEY_MISSING_POLICY, KEY_MISSING_POLICIES } from '../../central/pairing/key-missing-policy.js';
import { checkProfileDestination, saveRecordedProfile } from '../save-profile.js';
import { version } from '../version.js';
import { personasFrom } from '../persona-flag.js';
import type { PrivacySetup } from '../../common/stack/smp/privacy-setup.js';
import { hex } from '../../common/base/codes/code-table.js';
import { PRIVACY_NOT_ACTED, personaCentralSetup, type PersonaCentralSetup } from '../../common/apps/persona/persona-central.js';
import { personaColumn } from '../../central/persona/persona-column.js';
import { GATT_CACHE_MODES } from '../../central/gatt/gatt-cache.js';
import type { Persona } from '../../common/apps/persona/persona-types.js';

export type { CentralDeps, CentralOptions } from './central-options.js';

export function registerCentral(program: Command, done: (code: ExitCode) => void): void {
  const cmd = program
    .command('central')
    .description('find a target with noble and walk its security matrix: every characteristic × operation, unencrypted and after pairing')
    .option(
      '--target <name|address|service-uuid>',
      'the advertised name, the address (AA:BB:CC:DD:EE:FF) or an advertised service UUID; on --transport mock, omit it to walk the profile served by blebench itself on the virtual radio',
    )
    .addOption(transportOption())
    .addOption(addressOption())
    .addOption(new Option('--policy <policy>', 'when to pair: on-error (after 0x05/0x0F, then re-send), never, upfront').choices([...PAIRING_POLICIES]).default('on-error'))
    .addOption(
      new Option('--on-key-missing <policy>', 'the peer has no key for this central\'s bond (Encryption Change 0x06 PIN or Key Missing: it was reset): pair (forget the bond, pair again on the link, as Android), stop (report 0x06, keep the bond, as iOS since 13.4)')
        .choices([...KEY_MISSING_POLICIES])
        .default(DEFAULT_KEY_MISSING_POLICY),
    )
    .addOption(
      new Option('--gatt-cache <mode>', "the GATT cache kept with a bond (Core Vol 3 Part G 2.5.2): verify (read the Database Hash first, discover again when it differs), trust (use it until Service Changed or 0x12 says it is stale), off (discover on every link)")
        .choices([...GATT_CACHE_MODES])
        .default('verify'),
    )
    .option('--no-gatt-cache', 'the same as --gatt-cache off: discover the database on every link')
    .option(
      '--methods <list>',
      `one paired phase (column) per pairing method, each on a new connection with the central's Security Manager set for it: ${PAIRING_METHODS.join(', ')} (on mock with no --target the served peripheral gets the matching IO capability; against a real target the pairing flags override the method's settings)`,
    )
    .option(
      '--as <personas>',
      'one phase (column) per persona, run as that platform would (its Pairing Request, when it pairs, what it does on a missing key), each cell saying what its app and user would see: ios, macos, android, windows, bluez, spec, noble, NAME:VARIANT, or a persona file (fixtures/personas/README.md)',
    )
    .option('--profile <name|file>', 'compare every cell with this profile; exit 1 on any difference')
    .option('--save-profile <file>', "write the target's GATT table and the security each operation was seen to need as a profile (for `peripheral --profile` and `central --profile`); what the matrix cannot tell is marked as a guess")
    .option('--btsnoop <file>', 'write every HCI packet to FILE (btsnoop; .pcapng or .pklg by the extension; opens in Wireshark)')
    .option('--json', 'print the matrix as JSON')
    .option('--html <out>', 'also write the matrix (each cell coloured and linked to its place in the sequence) and the central tap\'s sequence chart as one self-contained HTML page to OUT')
    .addOption(verboseOption())
    .addOption(noColorOption())
    .option('--interactive', 'a console instead of the matrix: pick a peripheral from a live scan list, then read, write, subscribe, pair (needs a terminal)')
    .option('--timeout <ms>', 'time limit of each operation', durationMs('--timeout'), DEFAULT_TIMEOUT_MS)
    .addOption(logLevelOption().default('warn'))
    .addOption(logFormatOption());
  addPairingOptions(cmd).action(async (opts: CentralOptions, cmd: Command) =>
    done(await (opts.interactive ? runCentralInteractive(opts, cmd) : runCentral(opts, { explicit: (key) => cmd.getOptionValueSource(key) === 'cli' }))),
  );
}

/**
 * `blebench central --interactive`: the console (central/console/). Logs go nowhere unless
 * --log-level is given (they would write over the prompts); Ctrl-C ends with 130.
 */
export async function runCentralInteractive(opts: CentralOptions, cmd?: Command): Promise<ExitCode> {
  // The console's module (inquirer's prompts) is loaded only when a console is asked for: the walk and the
  // server never use it, and it is a large share of a process's start (README, "Tests and benchmark").
  const { runCentralConsole } = await import('../../central/console/central-console.js');
  if (opts.saveProfile !== undefined) throw new BadInputError('BAD_FLAG', '--save-profile records what the matrix walk saw; the console walks nothing by itself', { path: '--save-profile' }, { hint: 'run `blebench central --target X --save-profile FILE` without --interactive' });
  // A persona first (a broken one is exit 2 before the terminal is asked for): one central, one persona.
  const personas = personasFrom(opts as CentralOptions & Record<string, unknown>, (key) => cmd?.getOptionValueSource(key) === 'cli');
  if (personas && personas.length > 1) throw new BadInputError('BAD_FLAG', '--as with --interactive: the console is one central, so one persona', { path: '--as' }, { hint: `--as ${personas[0]!.name}` });
  const as = personas?.[0] ? consolePersona(personas[0]) : undefined;
  const { interrupt, profile, log, screen, smp, open } = startConsole(as ? { ...opts, ioCapability: opts.ioCapability ?? 'NoInputNoOutput' } : opts, 'central', cmd);
  if (as && smp) smp.config = pairingConfig(as.setup.config);
  return keyStoreSummary(smp, await runCentralConsole({
    open: async () => {
      const t = await open();
      log.info({ transport: t.label }, 'transport open');
      return t;
    },
    policy: as?.setup.policy ?? opts.policy,
    onKeyMissing: as?.setup.onKeyMissing ?? opts.onKeyMissing,
    ...(as ? { cures: as.setup.cures, mitmRetry: as.setup.mitmRetry, said: as.said } : {}),
    timeoutMs: opts.timeout,
    ...(profile ? { profile } : {}),
    ...(smp ? { smp } : {}),
    screen,
    interrupt,
  }), (l) => screen.print(l));
}

export async function runCentral(opts: CentralOptions, deps: CentralDeps & OsCentralDeps = {}): Promise<ExitCode> {
  if (opts.saveProfile !== undefined && parseTransportSpec(opts.transport).kind === 'os') {
    throw new BadInputError('BAD_FLAG', '--save-profile with --transport os: the OS API hides the ATT codes a profile\'s security is read from', { path: '--save-profile' }, {
      hint: 'record over a transport with HCI below it (hci:N, hci-user:N, usb, serial:PATH)',
    });
  }
  refuseFlagsOnOs(opts, 'central');
  if (opts.as !== undefined && parseTransportSpec(opts.transport).kind === 'os') {
    throw new BadInputError('BAD_FLAG', '--as with --transport os: the OS pairs by its own rules there, so no persona can be acted out', { path: '--as' }, { hint: 'use a transport with HCI below it (mock, h4:, hci-user:N, usb, serial:PATH)' });
  }
  const address = addressFrom(opts);
  if (opts.target !== undefined && parseTransportSpec(opts.transport).kind === 'os') return runOsCentral({ ...opts, target: opts.target }, deps);
  const io = matrixOutput(opts, deps);
  const err = io.err;
  // Bad input first (exit 2), every flag and file, before any transport is opened or banner printed.
  const target = opts.target === undefined ? undefined : parseTarget(opts.target);
  const profile = opts.profile ? loadProfile(opts.profile) : undefined;
  const methods = methodsFrom(opts);
  const personas = personasFrom(opts as CentralOptions & Record<string, unknown>, deps.explicit);
  if (opts.btsnoop !== undefined) checkOutputFile('--btsnoop', opts.btsnoop);
  if (opts.html !== undefined) checkOutputFile('--html', opts.html);
  if (opts.saveProfile !== undefined) checkProfileDestination(opts.saveProfile);
  // With --json stdout is one JSON object: the Security Manager's lines (a passkey shown) go to stderr.
  // A line the Security Manager says (a passkey, a comparison answered) fits the terminal as the table does.
  const fitted = (l: string) => `${wrap(escapeField(l), io.style.width, '  ').join('\n')}\n`;
  const say = deps.out ? (l: string) => deps.out!(fitted(l)) : opts.json ? (l: string) => err(`${l}\n`) : (l: string) => io.out(fitted(l));
  const alarm = (l: string) => err(escapeForTerminal(`${l}\n`));
  const log = loggerFrom(opts, 'central');
  // With --methods the central always runs blebench's Security Manager; its config changes per phase.
  const smp =
    deps.smp !== undefined
      ? (deps.smp ?? undefined)
      : methods || personas
        ? smpSetupFrom({ ...opts, ioCapability: opts.ioCapability ?? 'NoInputNoOutput' }, say, alarm, log)
        : smpSetupFrom(opts, say, alarm, log);
  const onMock = !deps.transport && parseTransportSpec(opts.transport).kind === 'mock';
  if (opts.target === undefined || onMock) {
    if (!onMock) {
      throw new BadInputError('BAD_FLAG', '--target is required (which peripheral to walk)', { path: '--target' }, {
        hint: 'name it by advertised name, address or service UUID; only on --transport mock may it be omitted (blebench then serves the profile itself)',
      });
    }
    return keyStoreSummary(smp, await runSelfMatrix(opts, deps, smp ?? null), alarm);
  }
  const code = await walkTarget(opts, deps, { target: target!, profile, methods, personas, smp, address, io, log });
  // The self-matrix's inner walk (deps.smp given) leaves the summary to the outer call.
  return deps.smp !== undefined ? code : keyStoreSummary(smp, code, alarm);
}

interface WalkInputs {
  target: ReturnType<typeof parseTarget>;
  profile: ReturnType<typeof loadProfile> | undefined;
  methods: MatrixMethod[] | undefined;
  personas: Persona[] | undefined;
  smp: SmpSetup | undefined;
  address: string | undefined;
  io: ReturnType<typeof matrixOutput>;
  log: ReturnType<typeof loggerFrom>;
}

async function walkTarget(opts: CentralOptions, deps: CentralDeps, w: WalkInputs): Promise<ExitCode> {
  const { target, profile, methods, personas, smp, address, io, log } = w;
  const err = io.err;
  const overrides = methods && !deps.peripheralSmp ? pairingOverridesFrom(opts) : {};
  const useMethod = (m: MatrixMethod) => {
    const c = methodConfigs(m);
    // Against a real target nobody knows its passkey in advance: --passkey decides (default: ask).
    const central = deps.peripheralSmp ? c.central : { ...c.central, ...(m === 'passkey' ? { passkey: 'ask' as const } : {}), ...overrides };
    smp!.config = pairingConfig(central);
    if (deps.peripheralSmp) deps.peripheralSmp.config = pairingConfig(c.peripheral);
  };
  const transport = deps.transport ?? (await openTransport(opts.transport, { name: 'central' }));
  if (opts.btsnoop && !transport.tap.capturing) transport.tap.attachBtsnoop(opts.btsnoop);
  // The personas' privacy (their RPA and its renewal), when they all agree and blebench drives the controller
  // (noble takes the address at load, for every column); without --privacy given. Otherwise each column says so.
  const privacy = personas && smp && smp.privacy === undefined && transport.enablePrivacy ? agreedPrivacy(personas) : undefined;
  if (privacy) smp!.privacy = privacy;
  if (!deps.transport) {
    // The controller's identity before noble reads it (noble's own HCI Reset keeps it, as Zephyr's does).
    try {
      await prepareControllerAddress(transport, address, (line) => err(`${line}\n`));
    } catch (e) {
      await transport.close();
      throw e;
    }
  }
  let client: CentralClient | undefined;
  // The controller going away ends the run at once with its TransportError (exit 3), whatever waits on it.
  const lost = new Promise<never>((_, reject) => transport.once('close', (e) => e && reject(e)));
  lost.catch(() => undefined);
  return printMatrix(
    io,
    async () => {
      const gattCache = { mode: opts.gattCache === false ? ('off' as const) : (opts.gattCache ?? 'verify') };
      const onDatabaseChanged = (peer: string, why: string) => err(escapeForTerminal(`blebench: ${peer}: ${why}\n`));
      client = await Promise.race([CentralClient.open(transport, { policy: opts.policy, onKeyMissing: opts.onKeyMissing, timeoutMs: opts.timeout, gattCache, onDatabaseChanged, ...(smp ? { smp } : {}) }), lost]);
      const found = await client.find(target);
      log.info({ address: found.advertisement.address, name: found.advertisement.localName, rssi: found.advertisement.rssi }, 'found');
      const result = await Promise.race([
        runMatrix(client, found, {
          policy: opts.policy,
          ...(profile ? { profile } : {}),
          ...(methods ? { methods, useMethod } : {}),
          ...(personas ? { personas: personas.map((p) => personaColumn(p, smp!, () => forgetTarget(client!, deps.forgetPeripheralBonds))) } : {}),
          ...(opts.saveProfile !== undefined ? { readDescriptors: true } : {}),
          onPhase: (p) => log.info({ phase: p.name, cells: p.cells.length, note: p.note }, 'phase done'),
        }),
        lost,
      ]);
      if (opts.saveProfile !== undefined) {
        const guesses = await saveRecordedProfile(result, opts.saveProfile, opts.transport, version());
        err(`blebench: profile of ${escapeForTerminal(found.advertisement.localName ?? found.advertisement.address)} written to ${escapeForTerminal(opts.saveProfile)}${guesses ? ` (${guesses} guess${guesses === 1 ? '' : 'es'}, marked "guessed")` : ''}\n`);
      }
      if (opts.html !== undefined) {
        // The page's modules (and the reports' folder) only for --html: a walk without it does not load them.
        const [{ renderMatrixHtml }, { writeAtomically }] = await Promise.all([import('../../central/matrix/render-html.js'), import('../../common/apps/scenario/report/write-report.js')]);
        await writeAtomically(opts.html, escapeJsonForTerminal(renderMatrixHtml(result, transport.tap.entries)));
        err(`blebench: report written to ${escapeForTerminal(opts.html)}\n`);
      }
      return result;
    },
    async () => {
      await client?.close();
      if (!deps.transport) await transport.close();
    },
  );
}

/** Before a persona's column: the central forgets its bonds (in memory: --keys is refused with --as), and the served peripheral its own. */
async function forgetTarget(client: CentralClient, forgetPeripheral: (() => Promise<void>) | undefined): Promise<void> {
  await client.forgetBonds();
  await forgetPeripheral?.();
}

/**
 * The main job (`npm start`): on the virtual radio with no --target, serve the profile (--profile or
 * the default) with the peripheral program, walk its matrix with the central and compare every cell
 * with what the profile says.
 */
function methodsFrom(opts: CentralOptions): MatrixMethod[] | undefined {
  if (opts.methods === undefined) return undefined;
  const m = parseMethods(opts.methods);
  if (typeof m === 'string') throw new BadInputError('BAD_FLAG', `--methods: ${m}`, { path: '--methods' });
  return m;
}

async function runSelfMatrix(opts: CentralOptions, deps: CentralDeps, smp: SmpSetup | null): Promise<ExitCode> {
  const profile = loadProfile(opts.profile ?? DEFAULT_PROFILE);
  // On the private radio only blebench's own peripheral advertises: a --target that is not it finds nothing.
  const wanted = opts.target === undefined ? undefined : parseTarget(opts.target);
  const notThere = (what: string) =>
    new BadInputError(
      'BAD_FLAG',
      `--target ${JSON.stringify(opts.target)} on --transport mock: the private virtual radio holds only blebench's own peripheral, "${escapeField(profile.advertising.localName)}"${what} serving the profile "${escapeField(profile.name)}"`,
      { path: '--target' },
      { hint: `omit --target (or give --target ${profile.advertising.localName}) to walk it; to reach another peripheral use its transport (h4:unix:PATH of a \`blebench air\`, hci:N, usb, serial:PATH)` },
    );
  if (wanted?.kind === 'name' && wanted.value.toLowerCase() !== profile.advertising.localName.toLowerCase()) throw notThere('');
  if (wanted?.kind === 'service' && !profile.advertising.serviceUuids.includes(wanted.value as (typeof profile.advertising.serviceUuids)[number])) {
    throw notThere(` (advertising ${profile.advertising.serviceUuids.join(', ') || 'no service'})`);
  }
  const methods = methodsFrom(opts);
  // Per method the peripheral's Security Manager gets the matching IO capability (set before each phase).
  // Under personas the peripheral runs blebench's Security Manager too (its defaults): bleno's own SMP never
  // sees a pairing on an encrypted link end (it misses Encryption Key Refresh Complete), which Android's MITM retry is.
  const noAnswers = { displayPasskey: () => undefined, enterPasskey: async () => null, compareNumbers: async () => false };
  const peripheralSmp: SmpSetup | undefined = methods ? { config: pairingConfig(methodConfigs(methods[0]!).peripheral), delegate: noAnswers } : opts.as !== undefined ? { config: pairingConfig(), delegate: noAnswers } : undefined;
  const world = await openWorld({
    radio: { name: 'main' },
    peripheral: { profile, logger: loggerFrom({ ...opts, logLevel: 'silent' }, 'peripheral'), ...(peripheralSmp ? { smp: peripheralSmp } : {}) },
    central: { kind: 'transport' },
    // The capture starts before the address is written, as it does on every other transport.
    ...(opts.address !== undefined && opts.btsnoop ? { capture: { central: opts.btsnoop } } : {}),
    ...(opts.address !== undefined ? { prepare: async (side: string, t: HciTransport) => (side === 'central' ? writePublicAddress(t, opts.address!) : undefined) } : {}),
  });
  try {
    const { server, ct: centralSide } = world;
    if (wanted?.kind === 'address' && wanted.value !== server.address.toLowerCase()) throw notThere(` (${server.address})`);
    if (!opts.json) {
      const io = matrixOutput(opts, deps);
      io.out(`${wrap(`blebench: the "${escapeField(profile.name)}" profile served by bleno on the virtual radio, walked by noble (policy ${opts.policy})`, io.style.width, '  ').join('\n')}\n\n`);
    }
    return await runCentral({ ...opts, target: server.address, profile: opts.profile ?? DEFAULT_PROFILE }, { ...deps, transport: centralSide, smp, forgetPeripheralBonds: () => server.forgetBonds(), ...(peripheralSmp ? { peripheralSmp } : {}) });
  } finally {
    await world.close();
  }
}

/** A persona in the console: its Security Manager and reactions, and what it says at start (the rules and what is not acted out). */
function consolePersona(persona: Persona): { setup: PersonaCentralSetup; said: string[] } {
  const setup = personaCentralSetup(persona);
  const c = persona.central!;
  const sm = c.securityManager;
  const cures = [...setup.cures].map((x) => hex(x));
  const said = [
    `as ${persona.title} (${persona.source}): its Pairing Request ${sm.ioCapability.value}, bonding ${sm.bonding.value ? 'yes' : 'no'}, MITM ${sm.mitm.value ? 'yes' : 'no'}, Secure Connections ${sm.secureConnections.value}, max key size ${sm.maxKeySize.value}; it pairs after ${cures.join(', ') || 'no ATT error'}; when the peer has no key for its bond (0x06) it ${setup.onKeyMissing === 'stop' ? 'stops' : 'pairs again'}`,
    ...[...setup.notActed, ...(setup.privacy ? [PRIVACY_NOT_ACTED.replace('for every column', 'in the console')] : [])].map((l) => `as ${persona.title}: not acted out: ${l}`),
  ];
  return { setup, said };
}

/** The privacy every persona has (undefined when one differs or none uses a private address). */
function agreedPrivacy(personas: readonly Persona[]): PrivacySetup | undefined {
  const all = personas.map((p) => personaCentralSetup(p).privacy);
  const first = all[0];
  return first && all.every((x) => JSON.stringify(x) === JSON.stringify(first)) ? first : undefined;
}
