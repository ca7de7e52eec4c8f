// blebench run [FILES|DIRS ...]: the scenario runner (design.md, "The command line"). Loads every
// scenario first (a bad file stops the run with exit 2, naming the file and the path inside it), checks
// the transport (exit 3 when it is unavailable), runs the suite in a seeded shuffled order on a fresh rig
// per scenario, and reports: table (default), json or junit, to stdout or --out FILE.
// `--seam-check` keeps the built-in check of the HCI seam (noble and bleno as shipped).
import { runAgainstCapture } from './run-capture.js';
import { checkOutputDir, checkOutputFile } from '../destinations.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { BadInputError, EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import type { TransportError } from '../../common/stack/hci/transport-errors.js';
import { counts, discoverScenarios, loadScenario, parseSeed, REPORTERS, ScenarioError, writeReport, type ReporterName, type Scenario } from '../../common/apps/scenario/index.js';
import { filesOfShard, parseShard, type Shard } from '../../common/apps/scenario/shard.js';
import { runSuite, type RunRole } from '../../common/apps/scenario/run/index.js';
import { MAX_ISSUES_SHOWN } from '../../common/base/input/issues.js';
import { addressFrom, addressOption, logFormatOption, logLevelOption, loggerFrom, noColorOption, stdoutStyle, transportFrom, transportOption } from '../options.js';
import { rigFactory } from '../run/rigs.js';
import { seamCheck } from '../run/seam-check.js';

export const RUN_ROLES = ['both', 'central', 'peripheral'] as const;

interface RunOptions {
  transport: string;
  role: RunRole;
  reporter: ReporterName;
  out?: string;
  btsnoop?: string;
  seed?: string;
  seamCheck?: boolean;
  capture?: string;
  address?: string;
  shard?: string;
  /** false with --no-color. */
  color?: boolean;
  logLevel: string;
  logFormat: string;
}

/** The default suite: the package's fixtures/scenarios, wherever blebench runs from. */
export function defaultSuiteDir(): string {
  // dist/bin/commands/run.js → the package root is three folders up; from the sources, two.
  for (const up of ['../../..', '../..']) {
    const dir = fileURLToPath(new URL(`${up}/fixtures/scenarios/`, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return path.resolve('fixtures/scenarios');
}

export function registerRun(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('run')
    .description('run scenario files (default: the built-in suite in fixtures/scenarios) and report what held')
    .argument('[scenario...]', 'scenario files (*.yaml, *.yml, *.json) or folders holding them')
    .addOption(transportOption())
    .addOption(new Option('--role <role>', 'which roles run here: both (on mock), or one against real hardware').choices([...RUN_ROLES]).default('both'))
    .addOption(new Option('--reporter <name>', 'report format').choices([...REPORTERS]).default('table'))
    .option('--out <file>', 'write the report to FILE (atomically) instead of stdout')
    .addOption(noColorOption())
    .option('--btsnoop <dir>', 'write one btsnoop capture per scenario and side into DIR')
    .option('--seed <n>', 'shuffle seed: run the scenarios in the order this seed gives (printed every run)')
    .option('--shard <K/N>', 'run only shard K of N (1-based): each scenario belongs to one shard by a hash of its path, so N machines running 1/N … N/N run every scenario once')

    .option('--capture <file>', 'check the scenario\'s timeline expectations against this capture (btsnoop, pklg, pcap, pcapng) instead of running it')
    .option('--seam-check', 'run the built-in check of the HCI seam instead (noble and bleno as shipped, on mock)')
    .addOption(addressOption())
    .addOption(logLevelOption().default('error'))
    .addOption(logFormatOption())
    .action(async (scenarios: string[], opts: RunOptions) => done(await runCommand(scenarios, opts)));
}

export async function runCommand(paths: string[], opts: RunOptions): Promise<ExitCode> {
  const spec = transportFrom(opts);
  if (opts.seamCheck) {
    if (opts.btsnoop !== undefined) checkOutputDir('--btsnoop', opts.btsnoop);
    if (spec.kind !== 'mock') await probe(opts.transport);
    if (opts.shard !== undefined) throw new BadInputError('BAD_FLAG', '--shard splits a scenario suite; --seam-check is one built-in check', { path: '--shard' });
    if (spec.kind !== 'mock' || paths.length) throw new BadInputError('BAD_FLAG', '--seam-check runs on the built-in virtual radio and takes no scenario files', { path: '--seam-check' }, { hint: 'run `blebench run --seam-check` alone' });
    return seamCheck({ logLevel: opts.logLevel, logFormat: opts.logFormat, ...(opts.btsnoop ? { btsnoop: opts.btsnoop } : {}) });
  }
  // Where the report and captures go, checked before the suite runs (not lost after it).
  if (opts.out !== undefined) checkOutputFile('--out', opts.out);
  if (opts.btsnoop !== undefined) checkOutputDir('--btsnoop', opts.btsnoop);
  if (opts.capture) {
    if (!paths.length) throw new BadInputError('BAD_FLAG', '--capture needs the scenario file to check the capture against', { path: '--capture' });
    return runAgainstCapture(loadAll(paths), opts.capture);
  }
  const seed = opts.seed === undefined ? undefined : parseSeed(opts.seed);
  if (opts.seed !== undefined && seed === undefined) throw new BadInputError('BAD_FLAG', `--seed ${JSON.stringify(opts.seed)}: expected a whole number from 0 to 4294967295`, { path: '--seed' });

  const address = addressFrom(opts);
  if (address !== undefined && opts.role === 'both') {
    throw new BadInputError('BAD_FLAG', '--address with --role both: one address cannot be both the central\'s and the peripheral\'s', { path: '--address' }, {
      hint: 'give --role central or --role peripheral: the address is that role\'s controller\'s, set before each scenario',
    });
  }
  const shard = shardFrom(opts.shard);
  const roots = paths.length ? paths : [displayPath(defaultSuiteDir())];
  // Every file is loaded, whichever shard it is in: a broken file fails every shard alike (exit 2).
  const all = loadAll(roots);
  const mine = shard ? new Set(filesOfShard(all.map((s) => s.file), roots, shard)) : undefined;
  const scenarios = mine ? all.filter((s) => mine.has(s.file)) : all;
  // An unavailable adapter is reported as such (exit 3) before anything else is judged.
  if (spec.kind !== 'mock') await probe(opts.transport);
  if (spec.kind === 'os') {
    // Scenarios expect packets (ATT codes, SMP exchanges, Encryption Change): they need the tap, and `os` has no HCI.
    throw new BadInputError('BAD_FLAG', '--transport os: scenarios check what went over the air, and the OS stack keeps every packet to itself (no HCI tap)', { path: '--transport' }, {
      hint: 'run scenarios over a transport with HCI below it (usb[:VID:PID], serial:PATH, hci:N on Linux), or use `blebench central --transport os` for the matrix as the OS reports it',
    });
  }
  if (opts.role === 'both' && spec.kind !== 'mock' && spec.kind !== 'h4-unix' && spec.kind !== 'h4-tcp') {
    throw new BadInputError('BAD_FLAG', `--transport ${opts.transport} with --role both: one adapter cannot be both the central and the peripheral of a scenario`, { path: '--role' }, {
      hint: 'use --transport mock (the default) for both roles, a `blebench air` server (h4:unix:PATH), or --role central / --role peripheral against real hardware',
    });
  }
  if (opts.role !== 'both' && spec.kind === 'mock') {
    throw new BadInputError('BAD_FLAG', `--role ${opts.role} with --transport mock: the other role would have nobody to talk to on a private virtual radio`, { path: '--role' }, {
      hint: 'leave --role out to run both roles on mock, or give the transport of the real hardware (hci:N, usb, h4:unix:PATH of a `blebench air` server)',
    });
  }
  const log = loggerFrom(opts, 'run');
  let lost: TransportError | undefined;
  const suite = await runSuite(scenarios, {
    openRig: rigFactory({ role: opts.role, spec, specText: opts.transport, logger: log, onTransportLost: (e) => (lost ??= e), ...(address ? { address } : {}) }),
    ...(seed !== undefined ? { seed } : {}),
    ...(opts.btsnoop ? { btsnoopDir: opts.btsnoop } : {}),
    ...(shard ? { shard: { ...shard, suiteTotal: all.length } } : {}),
    onResult: (r, i, n) => log.info({ scenario: r.name, file: r.file, status: r.status, ms: Math.round(r.durationMs) }, `${i + 1}/${n} ${r.status}: ${r.name}`),
  });
  // The seed is always printed: the table has it; other reports get it on stderr too.
  if (opts.reporter !== 'table' || opts.out) process.stderr.write(`blebench run: seed ${suite.seed} (run this order again with --seed ${suite.seed})\n`);
  await writeReport(opts.reporter, suite, opts.out ? { out: opts.out } : { style: stdoutStyle(opts) });
  const c = counts(suite.results);
  if (opts.out) process.stdout.write(`${c.passed} passed, ${c.failed} failed (report: ${opts.out})\n`);
  // A controller that went away under the run is the transport's failure, not the scenarios' (exit 3).
  if (lost) throw lost;
  return c.failed ? EXIT.EXPECTATION_FAILED : EXIT.OK;
}

/** Every scenario, loaded before any runs: bad files are all reported at once (exit 2). */
function loadAll(paths: readonly string[]): Scenario[] {
  const files = discoverScenarios(paths);
  if (!files.length) throw new BadInputError('SCENARIO_NOT_FOUND', `no scenario files (*.yaml, *.yml, *.json) in ${paths.join(', ')}`, { file: paths[0]! });
  const scenarios: Scenario[] = [];
  const errors: ScenarioError[] = [];
  for (const f of files) {
    try {
      scenarios.push(loadScenario(f));
    } catch (e) {
      if (e instanceof ScenarioError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length) {
    const more = errors.length > MAX_ISSUES_SHOWN ? `\n… and ${errors.length - MAX_ISSUES_SHOWN} more files (the first ${MAX_ISSUES_SHOWN} are shown)` : '';
    throw new BadInputError('SCENARIO_INVALID', `${errors.length} scenario files cannot be used:\n${errors.slice(0, MAX_ISSUES_SHOWN).map((e) => e.message).join('\n')}${more}`, { file: errors[0]!.file }, { hint: 'fixtures/scenarios/README.md describes the scenario format, with examples.' });
  }
  return scenarios;
}

function shardFrom(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const s = parseShard(text);
  if (typeof s === 'string') throw new BadInputError('BAD_FLAG', `--shard: ${s}`, { path: '--shard' }, { hint: 'give --shard K/N with 1 ≤ K ≤ N, e.g. --shard 2/3 on the second of three machines' });
  return s;
}

async function probe(specText: string): Promise<void> {
  const t = await openTransport(specText, { name: 'run' });
  await t.close();
}

function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
