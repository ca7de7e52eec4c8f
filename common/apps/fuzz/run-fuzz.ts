// A whole fuzz run: one virtual radio and its stream server, each target in turn (its share of the
// cases), the verdict. Same seed, same cases.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Radio } from '../../stack/air/radio.js';
import { startAirServer } from '../../stack/air/server.js';
import { centralTarget } from './central-session.js';
import { peripheralTarget } from './peripheral-session.js';
import { TargetRun } from './runner.js';
import { combine, type FuzzFinding, type FuzzVerdict, type TargetCounts } from './verdict.js';
import type { FuzzProtocol, FuzzRole } from './fuzz-case.js';
import type { TargetCommand } from './target-process.js';

export const FUZZ_DEFAULTS = {
  cases: 20_000,
  batchSize: 40,
  probeTimeoutMs: 3000,
  startTimeoutMs: 20_000,
  maxFindings: 10,
  progressEvery: 2000,
} as const;

export interface FuzzTargetSpec {
  label: string;
  role: FuzzRole;
  /** The target's command line, given the air's listen spec ("unix:/tmp/.../air.sock"). */
  command: (air: string) => TargetCommand;
  protocols?: readonly FuzzProtocol[];
}

export interface FuzzOptions {
  seed: number;
  /** Cases in all, shared out among the targets. */
  cases: number;
  targets: readonly FuzzTargetSpec[];
  batchSize?: number;
  /**
   * How long a target has to answer a liveness probe (and to take a new connection) before it counts
   * as hung; default FUZZ_DEFAULTS.probeTimeoutMs (3 s, `--probe-timeout`). Shorter only where the
   * targets are known to answer in milliseconds (the harness's own test).
   */
  probeTimeoutMs?: number;
  startTimeoutMs?: number;
  maxFindings?: number;
  progressEvery?: number;
  progress?: (line: string) => void;
}

/** Split n cases among k targets as evenly as possible, the first ones taking the remainder. */
export function shareCases(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzVerdict> {
  const started = performance.now();
  const probeTimeoutMs = o.probeTimeoutMs ?? FUZZ_DEFAULTS.probeTimeoutMs;
  const startTimeoutMs = o.startTimeoutMs ?? FUZZ_DEFAULTS.startTimeoutMs;
  const dir = mkdtempSync(join(tmpdir(), 'blebench-fuzz-'));
  const radio = new Radio({ name: 'fuzz', encryptionTimeoutMs: probeTimeoutMs });
  const air = await startAirServer({ listen: `unix:${join(dir, 'air.sock')}`, radio });
  const counts: TargetCounts[] = [];
  const findings: FuzzFinding[] = [];
  try {
    const shares = shareCases(o.cases, o.targets.length);
    for (const [i, spec] of o.targets.entries()) {
      const factory =
        spec.role === 'peripheral'
          ? peripheralTarget({ label: spec.label, air, command: spec.command, probeTimeoutMs, startTimeoutMs, ...(spec.protocols ? { protocols: spec.protocols } : {}) })
          : centralTarget({ label: spec.label, air, command: spec.command, probeTimeoutMs, startTimeoutMs, ...(spec.protocols ? { protocols: spec.protocols } : {}) });
      const run = new TargetRun(factory, {
        seed: o.seed,
        cases: shares[i]!,
        batchSize: o.batchSize ?? FUZZ_DEFAULTS.batchSize,
        maxFindings: o.maxFindings ?? FUZZ_DEFAULTS.maxFindings,
        progressEvery: o.progressEvery ?? FUZZ_DEFAULTS.progressEvery,
        ...(o.progress ? { progress: o.progress } : {}),
      });
      try {
        await run.run();
      } finally {
        counts.push(run.counts);
        findings.push(...run.findings);
      }
    }
  } finally {
    await air.close();
    radio.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return combine(o.seed, counts, findings, performance.now() - started);
}
