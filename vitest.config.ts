import { defineConfig } from 'vitest/config';

/**
 * The e2e project: files that start processes (blebench's CLI, ble-host peers, the fuzz targets,
 * npm, python3's pty helper) or run external programs (tshark, btmon, tmux). Everything else is the
 * unit project (`npm run test:unit`, the inner loop), whose setup file makes starting a process throw,
 * so a file that belongs here cannot hide there.
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
];

export default defineConfig({
  test: {
    // Each file in its own process: bleno is a process-wide singleton.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: E2E, setupFiles: ['test/helpers/unit-guard.ts'] } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
  },
});
