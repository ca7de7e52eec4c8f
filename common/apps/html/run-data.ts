// A suite's results as the run report's data: the summary, and per scenario its steps, each expectation (held
// or not, in words) with the entry it is about, and its chart.
import type { Verdict } from '../scenario/expect/types.js';
import { counts, failureReason, outcomeWords, type ScenarioResult, type SuiteResult } from '../scenario/report/result.js';
import { arrowKind } from '../sequence/shown.js';
import type { Side } from '../sequence/sequence.js';
import { refKey, timelineChart, type ChartData } from './report-data.js';

export interface VerdictData {
  readonly ok: boolean;
  readonly message: string;
  readonly path?: string;
  /** The entry this expectation is about ("central:87"), for a link into the chart. */
  readonly goto?: string;
}

export interface StepData {
  readonly index: number;
  readonly label: string;
  readonly outcome: string;
  readonly durationMs: number;
  readonly verdicts: VerdictData[];
}

export interface ScenarioData {
  readonly name: string;
  readonly file: string;
  readonly tags: readonly string[];
  readonly status: ScenarioResult['status'];
  readonly durationMs: number;
  readonly reason?: string;
  readonly steps: StepData[];
  readonly verdicts: VerdictData[];
  readonly chart: ChartData;
}

export interface RunData {
  readonly kind: 'run';
  readonly seed: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly durationMs: number;
  readonly generatedAt: string;
  readonly scenarios: ScenarioData[];
}

const ERROR_KINDS = new Set(['att-error', 'smp-failed']);

/** Where a failed step expectation without evidence of its own points: the step's error or failure, else its first drawn entry. */
function stepTarget(r: ScenarioResult, window: ScenarioResult['steps'][number]['window']): string | undefined {
  for (const side of ['central', 'peripheral'] as const satisfies readonly Side[]) {
    const w = window?.[side];
    const entries = (r.timelines[side] ?? []).filter((e) => w !== undefined && e.seq >= w.from && e.seq < w.to);
    const drawn = entries.filter((e) => arrowKind(e) !== undefined);
    const hit = drawn.find((e) => ERROR_KINDS.has(arrowKind(e)!)) ?? drawn[0];
    if (hit) return refKey({ side, seq: hit.seq });
  }
  return undefined;
}

function verdictData(v: Verdict, fallback: string | undefined): VerdictData {
  const ev = v.evidence;
  const goto = v.ok ? undefined : ev && ev.seqs.length ? refKey({ side: ev.side, seq: ev.seqs[0]! }) : fallback;
  return { ok: v.ok, message: v.message, ...(v.path ? { path: v.path } : {}), ...(goto ? { goto } : {}) };
}

export function scenarioData(r: ScenarioResult): ScenarioData {
  const why = failureReason(r);
  return {
    name: r.name,
    file: r.file,
    tags: r.tags,
    status: r.status,
    durationMs: r.durationMs,
    ...(why ? { reason: why } : {}),
    steps: r.steps.map((s) => {
      const target = s.verdicts.some((v) => !v.ok) ? stepTarget(r, s.window) : undefined;
      return { index: s.index, label: s.label, outcome: outcomeWords(s.outcome), durationMs: s.durationMs, verdicts: s.verdicts.map((v) => verdictData(v, target)) };
    }),
    verdicts: r.verdicts.map((v) => verdictData(v, undefined)),
    chart: timelineChart(r.timelines),
  };
}

export function runData(suite: SuiteResult, now: Date = new Date()): RunData {
  const c = counts(suite.results);
  return {
    kind: 'run',
    seed: suite.seed,
    passed: c.passed,
    failed: c.failed,
    errors: c.errors,
    durationMs: suite.results.reduce((t, r) => t + r.durationMs, 0),
    generatedAt: now.toISOString(),
    scenarios: suite.results.map(scenarioData),
  };
}
