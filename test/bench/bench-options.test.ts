// The bench's options (bin/bench-options.ts): the defaults are the figures the README quotes, every size
// can be made small, and a bad flag or value is named (the bench then prints the usage and exits 2).
import { describe, expect, it } from 'vitest';
import { BENCH_USAGE, BenchOptionError, parseBenchOptions } from '../../bin/bench-options.js';

const parse = (...argv: string[]) => parseBenchOptions(argv, {});

describe('bench options', () => {
  it('no flag: the defaults the README quotes', () => {
    expect(parse()).toEqual({
      json: false,
      onlyHtml: false,
      notifications: undefined,
      notifyBursts: 5,
      suite: undefined,
      explainPackets: 100_000,
      htmlPackets: 10_000,
      soakCycles: 2000,
      keyStoreBonds: 10_000,
      airFloodSeconds: 15,
      fuzzCases: 1_000_000,
      fuzzSeeds: [1, 2, 3, 4, 5],
    });
  });

  it('every size, --suite taking the paths up to the next flag', () => {
    const o = parse('--json', '--notifications', '2', '--notify-bursts', '1', '--suite', 'a.yaml', 'dir', '--explain-packets', '2000', '--html-packets', '200', '--soak-cycles', '0', '--key-store-bonds', '1001', '--air-flood-seconds', '0.5', '--fuzz-cases', '0', '--fuzz-seeds', '7,0', '--only', 'html');
    expect(o).toEqual({ json: true, onlyHtml: true, notifications: 2, notifyBursts: 1, suite: ['a.yaml', 'dir'], explainPackets: 2000, htmlPackets: 200, soakCycles: 0, keyStoreBonds: 1001, airFloodSeconds: 0.5, fuzzCases: 0, fuzzSeeds: [7, 0] });
    expect(parse('--explain-packets', '0').explainPackets).toBe(0);
  });

  it('the environment variables, a flag winning over them', () => {
    const env = { BLEBENCH_SOAK_CYCLES: '30', BLEBENCH_FUZZ_CASES: '40', BLEBENCH_AIR_FLOOD_S: '1.5' };
    expect(parseBenchOptions([], env)).toMatchObject({ soakCycles: 30, fuzzCases: 40, airFloodSeconds: 1.5 });
    expect(parseBenchOptions(['--soak-cycles', '5'], env).soakCycles).toBe(5);
    expect(() => parseBenchOptions([], { BLEBENCH_FUZZ_CASES: 'many' })).toThrow('BLEBENCH_FUZZ_CASES "many": expected a whole number');
  });

  it.each([
    [['--notifications', '1'], '--notifications "1": expected a whole number of at least 2'],
    [['--notify-bursts', '0'], '--notify-bursts "0": expected a whole number of at least 1'],
    [['--explain-packets', '1999'], '--explain-packets "1999": expected a whole number of at least 2000 (0 skips it)'],
    [['--html-packets', '199'], '--html-packets "199": expected a whole number of at least 200'],
    [['--html-packets', '0'], '--html-packets "0": expected a whole number of at least 200'],
    [['--key-store-bonds', '1000'], '--key-store-bonds "1000": expected a whole number of at least 1001'],
    [['--soak-cycles', '-1'], '--soak-cycles "-1": expected a whole number (0 skips it)'],
    [['--soak-cycles'], '--soak-cycles "": expected a whole number'],
    [['--air-flood-seconds', '1e3'], '--air-flood-seconds "1e3": expected seconds, such as 15 or 0.5 (0 skips it)'],
    [['--fuzz-seeds', '1,,2'], '--fuzz-seeds "1,,2": expected seeds (whole numbers) separated by commas'],
    [['--suite', '--json'], '--suite: expected one or more scenario files or folders'],
    [['--only', 'fuzz'], '--only "fuzz": the one part measured alone is html'],
    [['--soak'], '"--soak": not an option of the bench'],
    [['fixtures/scenarios'], '"fixtures/scenarios": not an option of the bench'],
  ])('%j: named', (argv, message) => {
    expect(() => parse(...argv)).toThrow(BenchOptionError);
    expect(() => parse(...argv)).toThrow(message);
  });

  it('the usage names every option', () => {
    for (const flag of ['--json', '--only html', '--notifications N', '--notify-bursts N', '--suite PATH...', '--explain-packets N', '--html-packets N', '--soak-cycles N', '--key-store-bonds N', '--air-flood-seconds S', '--fuzz-cases N', '--fuzz-seeds A,B,...']) expect(BENCH_USAGE).toContain(`  ${flag} `);
  });
});
