import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirst from './test/helpers/slow-first.js';

/**
 * The e2e project: files that start processes (blebench's CLI, ble-host peers, the fuzz targets,
 * npm, python3's pty helper) or run external programs (tshark, btmon, tmux), and the generated
 * whole-stack suites at the end of the list. Everything else is the unit projects, unit and
 * unit-isolated (`npm run test:unit`, the inner loop), whose setup file makes starting a process
 * throw, so a file that starts one cannot hide there.
 */
export const E2E = [
  'test/**/*.e2e.test.ts',
  'test/air/server.test.ts',
  'test/bad-input/processes.test.ts',
  'test/central/central-cli.test.ts',
  'test/central/pairing-flags.test.ts',
  'test/cli/**/*.test.ts',
  'test/doctor/doctor.test.ts',
  'test/faults/cli-faults.test.ts',
  'test/faults/transport-loss.test.ts',
  'test/fuzz/fuzz-cli.test.ts',
  'test/fuzz/fuzz-roles.test.ts',
  'test/fuzz/harness-detects.test.ts',
  'test/fuzz/findings-replay.test.ts',
  'test/hci/serial-cli.test.ts',
  'test/hci/serial-suite.test.ts',
  'test/hci/serial-transport.test.ts',
  'test/integration/capture-tshark.test.ts',
  'test/integration/noble-bleno-air.test.ts',
  'test/interop/**/*.test.ts',
  'test/os/os-flags.test.ts',
  'test/package/**/*.test.ts',
  'test/peripheral/cli.test.ts',
  'test/scenario/run-cli.test.ts',
  'test/scenario/run-roles.test.ts',
  'test/tools/**/*.test.ts',
  'test/ci/shard-run.test.ts',
  'test/trace/btsnoop.test.ts',
  'test/trace/wireshark.test.ts',
  'test/hci/address-vendor.test.ts',
  'test/air/privacy-capture.test.ts',
  'test/capture/**/*.test.ts',
  'test/explain/**/*.test.ts',
  // In one process, but end to end many hundreds of times over: the generated suites (every broken
  // input through the CLI's main, the link lost at every PDU) and the whole default suite. They keep
  // the inner loop from its 30 s, and `npm test` runs them all the same.
  'test/bad-input/profiles.test.ts',
  'test/bad-input/scenarios.test.ts',
  'test/faults/pairing-link-loss.test.ts',
  'test/faults/gatt-link-loss.test.ts',
  'test/scenario/suite-default.test.ts',
  'test/scenario/run-twins.test.ts',
  'test/smp/stack-pairing-matrix.test.ts',
];

/** Unit files that reset the module registry (vi.resetModules): each runs in a fresh module graph. */
export const UNIT_ISOLATED = ['test/doctor/missing-tools.test.ts'];

export default defineConfig({
  test: {
    // Worker processes, shared by the files they run (isolate: false): a file no longer pays a fresh
    // import of vitest, noble, bleno and the stack (measured: unit 90 -> 31 s CPU, e2e ~346 -> 271 s).
    // bleno and noble are process-wide singletons, loaded fresh by each test that opens them and closed
    // by it (peripheral/bleno/load.ts, central/noble/load.ts); a file must close what it opens.
    pool: 'forks',
    isolate: false,
    // vitest's default is one worker fewer than the cores: one on a 2-core machine, where most e2e
    // files spend their time waiting on child processes. One per core keeps both busy.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    // Without vitest's results cache (a fresh clone, CI), the slowest files start first (test/helpers/slow-first.ts).
    sequence: { sequencer: SlowFirst },
    // A folder for one run, where files share what is the same for all of them (tshark's readings).
    globalSetup: ['test/helpers/run-share.ts'],
    projects: [
      // unit: the files share their worker's modules (isolate: false), so a file does not pay a fresh import of
      // vitest, noble, bleno and the stack (measured: 99 -> 32 s CPU, 1,871 tests). A file that resets the module registry
      // (vi.resetModules) leaves the files after it in that worker with fresh copies of the stack beside the
      // old ones still in require's cache (noble and bleno then met the first copy's HCI socket seam:
      // "loaded with the real bluetooth-hci-socket"): such files run in unit-isolated, each in its own graph.
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...E2E, ...UNIT_ISOLATED], setupFiles: ['test/helpers/unit-guard.ts', 'test/helpers/cpu-account.ts'] } },
      { extends: true, test: { name: 'unit-isolated', include: UNIT_ISOLATED, setupFiles: ['test/helpers/unit-guard.ts', 'test/helpers/cpu-account.ts'], isolate: true } },
      { extends: true, test: { name: 'e2e', include: E2E, setupFiles: ['test/helpers/cpu-account.ts'] } },
    ],
  },
});
