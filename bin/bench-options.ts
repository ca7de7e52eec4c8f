// `npm run bench -- [options]`: what the benchmark measures and at what size. The defaults are the
// figures the README quotes; smaller sizes run every part end to end in less time (test/cli/bench.test.ts).
// A bad flag or value: a message naming it, the usage, exit 2.

export const BENCH_USAGE = `usage: npm run bench -- [options]   (or: node dist/bin/bench.js [options])
  --json                       one JSON object instead of the table
  --only html                  the HTML report's figures alone
  --notifications N            notifications per burst (default 10000 through bleno's GATT, 2000 through
                               blebench's server; given, both take N; at least 2)
  --notify-bursts N            counted bursts of each size through bleno's GATT (default 5; at least 1)
  --suite PATH...              scenario files or folders for suite_wall_s (default: the default suite,
                               fixtures/scenarios)
  --explain-packets N          the explain capture's size (default 100000, and a second one of N/10;
                               at least 2000; 0 skips it)
  --html-packets N             the HTML report's timeline (default 10000; at least 200)
  --soak-cycles N              the peripheral soak (default 2000; 0 skips it and key_store_bytes_per_bond)
  --key-store-bonds N          bonds in key_store_bytes_per_bond (default 10000; more than 1000)
  --air-flood-seconds S        the air flood (default 15; decimals allowed; 0 skips it)
  --fuzz-cases N               the fuzz run (default 1000000; 0 skips it)
  --fuzz-seeds A,B,...         its seeds (default 1,2,3,4,5)
environment: BLEBENCH_SOAK_CYCLES, BLEBENCH_FUZZ_CASES, BLEBENCH_AIR_FLOOD_S as the flags (a flag wins)
`;

/** The fewest packets a generated capture holds: fixtures/captures/clean.btsnoop's connection (111 HCI packets) and then reads. */
const MIN_CAPTURE_PACKETS = 200;
/** key_store_bytes_per_bond measures between bond 1,000 and the last (bench-bond-memory.ts). */
const KEY_STORE_FIRST_BONDS = 1000;

export interface BenchOptions {
  json: boolean;
  onlyHtml: boolean;
  /** undefined: each bench's own default (10,000 through bleno, 2,000 through the server). */
  notifications: number | undefined;
  notifyBursts: number;
  /** undefined: the default suite. */
  suite: string[] | undefined;
  explainPackets: number;
  htmlPackets: number;
  soakCycles: number;
  keyStoreBonds: number;
  airFloodSeconds: number;
  fuzzCases: number;
  fuzzSeeds: number[];
}

/** A flag or value the bench does not take: its message names it. */
export class BenchOptionError extends Error {}

function whole(flag: string, text: string | undefined, min: number, zeroSkips = false): number {
  if (text === undefined || !/^\d+$/.test(text) || (Number(text) < min && !(zeroSkips && Number(text) === 0))) {
    throw new BenchOptionError(`${flag} ${JSON.stringify(text ?? '')}: expected a whole number${min > 0 ? ` of at least ${min}` : ''}${zeroSkips ? ' (0 skips it)' : ''}`);
  }
  return Number(text);
}

/** The options in `argv` (after the script's name), `env` for the environment variables; a bad one throws BenchOptionError. */
export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const o: BenchOptions = {
    json: false,
    onlyHtml: false,
    notifications: undefined,
    notifyBursts: 5,
    suite: undefined,
    explainPackets: 100_000,
    htmlPackets: 10_000,
    soakCycles: env.BLEBENCH_SOAK_CYCLES === undefined ? 2000 : whole('BLEBENCH_SOAK_CYCLES', env.BLEBENCH_SOAK_CYCLES, 0, true),
    keyStoreBonds: 10_000,
    airFloodSeconds: 15,
    fuzzCases: env.BLEBENCH_FUZZ_CASES === undefined ? 1_000_000 : whole('BLEBENCH_FUZZ_CASES', env.BLEBENCH_FUZZ_CASES, 0, true),
    fuzzSeeds: [1, 2, 3, 4, 5],
  };
  const seconds = (flag: string, text: string | undefined): number => {
    if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) throw new BenchOptionError(`${flag} ${JSON.stringify(text ?? '')}: expected seconds, such as 15 or 0.5 (0 skips it)`);
    return Number(text);
  };
  if (env.BLEBENCH_AIR_FLOOD_S !== undefined) o.airFloodSeconds = seconds('BLEBENCH_AIR_FLOOD_S', env.BLEBENCH_AIR_FLOOD_S);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i];
    switch (flag) {
      case '--json':
        o.json = true;
        break;
      case '--only': {
        const what = value();
        if (what !== 'html') throw new BenchOptionError(`--only ${JSON.stringify(what ?? '')}: the one part measured alone is html`);
        o.onlyHtml = true;
        break;
      }
      case '--notifications':
        o.notifications = whole(flag, value(), 2);
        break;
      case '--notify-bursts':
        o.notifyBursts = whole(flag, value(), 1);
        break;
      case '--suite': {
        const paths: string[] = [];
        while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) paths.push(argv[++i]!);
        if (!paths.length) throw new BenchOptionError('--suite: expected one or more scenario files or folders');
        o.suite = paths;
        break;
      }
      case '--explain-packets':
        o.explainPackets = whole(flag, value(), 10 * MIN_CAPTURE_PACKETS, true);
        break;
      case '--html-packets':
        o.htmlPackets = whole(flag, value(), MIN_CAPTURE_PACKETS);
        break;
      case '--soak-cycles':
        o.soakCycles = whole(flag, value(), 0, true);
        break;
      case '--key-store-bonds':
        o.keyStoreBonds = whole(flag, value(), KEY_STORE_FIRST_BONDS + 1);
        break;
      case '--air-flood-seconds':
        o.airFloodSeconds = seconds(flag, value());
        break;
      case '--fuzz-cases':
        o.fuzzCases = whole(flag, value(), 0, true);
        break;
      case '--fuzz-seeds': {
        const text = value() ?? '';
        const seeds = text.split(',').map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
        if (seeds.some((x) => !Number.isSafeInteger(x))) throw new BenchOptionError(`--fuzz-seeds ${JSON.stringify(text)}: expected seeds (whole numbers) separated by commas`);
        o.fuzzSeeds = seeds;
        break;
      }
      default:
        throw new BenchOptionError(`${JSON.stringify(flag)}: not an option of the bench`);
    }
  }
  return o;
}

/** The options of this process; `--help` prints the usage and exits 0, a bad one exits 2 naming it. */
export function benchOptions(argv = process.argv.slice(2), env = process.env): BenchOptions {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(BENCH_USAGE);
    process.exit(0);
  }
  try {
    return parseBenchOptions(argv, env);
  } catch (e) {
    if (!(e instanceof BenchOptionError)) throw e;
    process.stderr.write(`bench: ${e.message}\n${BENCH_USAGE}`);
    process.exit(2);
  }
}
