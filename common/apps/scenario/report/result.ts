// What a run of one scenario produced, for every reporter: status, steps with outcomes and verdicts,
// the failure reason, both taps' timelines, the btsnoop capture, the seed of the suite's order.
import type { TimelineEntry } from '../../../stack/trace/timeline.js';
import type { ConnectionOwner } from '../run/turns.js';
import type { StepOutcome, TimelineWindow, Timelines, Verdict } from '../expect/types.js';
import { showCode } from '../protocol-codes.js';
import type { ScenarioRole, StepKind } from '../scenario.js';

/** passed: every expectation held; failed: one did not; error: the scenario could not run to the end. */
export type ScenarioStatus = 'passed' | 'failed' | 'error';

export interface StepReport {
  readonly index: number;
  readonly kind: StepKind;
  readonly label: string;
  /** With several centrals: whose step it is. */
  readonly central?: string;
  readonly outcome: StepOutcome;
  readonly durationMs: number;
  readonly verdicts: readonly Verdict[];
  /** Which entries of each tap the step produced (the HTML report draws them as the step's part of the chart). */
  readonly window?: Partial<Record<ScenarioRole, TimelineWindow>>;
}

export interface ScenarioResult {
  readonly name: string;
  readonly file: string;
  readonly qualification: readonly string[];
  readonly tags: readonly string[];
  readonly status: ScenarioStatus;
  readonly durationMs: number;
  readonly steps: readonly StepReport[];
  /** The scenario's own expect.timeline verdicts. */
  readonly verdicts: readonly Verdict[];
  /** Why it did not pass, in words (an error's message; for failures, see failureReason()). */
  readonly error?: string;
  readonly timelines: Timelines;
  /** With several centrals: each central's timeline by its name (`timelines.central` is the first's). */
  readonly centralTimelines?: Readonly<Record<string, readonly TimelineEntry[]>>;
  /** With several centrals: which of the peripheral's connection handles is whose (from its LE Connection Complete on). */
  readonly connections?: readonly ConnectionOwner[];
  /** The capture written for this scenario, if any (one per side where both ran; one per central with several). */
  readonly btsnoop?: Readonly<Record<string, string>>;
  /** The shuffle seed of the suite this run was part of. */
  readonly seed: number;
}

export interface SuiteResult {
  readonly results: readonly ScenarioResult[];
  readonly seed: number;
  /** true when the seed was drawn at random (the table says how to repeat the order). */
  readonly seedWasRandom?: boolean;
  /** `run --shard K/N`: which share of the suite this run was, and how many scenarios the whole suite has. */
  readonly shard?: ShardInfo;
}

export interface ShardInfo {
  readonly index: number;
  readonly count: number;
  /** Scenarios in the whole suite (every shard together). */
  readonly suiteTotal: number;
}

/** "shard 2/3" */
export function shardLabel(s: ShardInfo): string {
  return `shard ${s.index}/${s.count}`;
}

/** Every expectation that did not hold, in order: "step 2 (read Encrypted Read): expected …". */
export function failedVerdicts(r: ScenarioResult): string[] {
  const steps = r.steps.flatMap((s) => s.verdicts.filter((v) => !v.ok).map((v) => `step ${s.index + 1} (${s.label}): ${v.message}`));
  return [...steps, ...r.verdicts.filter((v) => !v.ok).map((v) => `scenario: ${v.message}`)];
}

/** One sentence for why a scenario did not pass; undefined when it passed. */
export function failureReason(r: ScenarioResult): string | undefined {
  if (r.status === 'passed') return undefined;
  if (r.status === 'error') return r.error ?? 'the scenario could not run';
  return failedVerdicts(r)[0] ?? r.error ?? 'an expectation failed';
}

export function counts(results: readonly ScenarioResult[]): { passed: number; failed: number; errors: number } {
  const passed = results.filter((r) => r.status === 'passed').length;
  const errors = results.filter((r) => r.status === 'error').length;
  return { passed, failed: results.length - passed, errors };
}

/** A timeline entry as plain data (TraceEntry.toJSON when it has one: buffers as hex). */
export function entryJSON(e: TimelineEntry): Record<string, unknown> {
  const withJson = e as TimelineEntry & { toJSON?: () => Record<string, unknown> };
  if (typeof withJson.toJSON === 'function') return withJson.toJSON();
  return JSON.parse(JSON.stringify({ seq: e.seq, ms: e.ms, dir: e.dir, layer: e.layer, name: e.name, handle: e.handle, fields: e.fields, summary: e.summary, raw: e.raw.toString('hex') }, (_k, v: unknown) => (isBufferJson(v) ? Buffer.from(v.data).toString('hex') : v))) as Record<string, unknown>;
}

function isBufferJson(v: unknown): v is { type: 'Buffer'; data: number[] } {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data);
}

/** A step outcome in words: "ok", "ATT 0x05 Insufficient Authentication", "timeout after 5000 ms". */
export function outcomeWords(o: StepOutcome): string {
  switch (o.kind) {
    case 'ok':
      return 'ok';
    case 'code':
      return showCode(o.code);
    case 'timeout':
      return `timeout after ${o.afterMs} ms`;
    case 'error':
      return `error: ${o.message}`;
  }
}
