// The machine reporter: one JSON document, one record per scenario with its steps, verdicts and both
// taps' timelines (entries as TraceEntry.toJSON gives them: buffers as hex).
import type { StepOutcome, Timelines } from '../expect/types.js';
import { counts, entryJSON, failureReason, type ScenarioResult, type SuiteResult } from './result.js';

function outcomeJSON(o: StepOutcome): Record<string, unknown> {
  return o.kind === 'code' ? { kind: 'code', protocol: o.code.protocol, code: o.code.code, name: o.code.name } : { ...o };
}

function timelineJSON(t: Timelines): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [side, entries] of Object.entries(t)) if (entries) out[side] = entries.map(entryJSON);
  return out;
}

export function scenarioRecord(r: ScenarioResult): Record<string, unknown> {
  return {
    name: r.name,
    file: r.file,
    qualification: r.qualification,
    tags: r.tags,
    status: r.status,
    durationMs: r.durationMs,
    reason: failureReason(r) ?? null,
    seed: r.seed,
    btsnoop: r.btsnoop ?? null,
    steps: r.steps.map((s) => ({ index: s.index, kind: s.kind, label: s.label, outcome: outcomeJSON(s.outcome), durationMs: s.durationMs, verdicts: s.verdicts })),
    verdicts: r.verdicts,
    timeline: timelineJSON(r.timelines),
  };
}

export function jsonReport(suite: SuiteResult): string {
  const c = counts(suite.results);
  return JSON.stringify({ seed: suite.seed, ...(suite.shard ? { shard: suite.shard } : {}), passed: c.passed, failed: c.failed, scenarios: suite.results.map(scenarioRecord) }, null, 2) + '\n';
}
