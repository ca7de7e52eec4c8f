// The machine reporter: one JSON document, one record per scenario with its steps, verdicts and both
// taps' timelines (entries as TraceEntry.toJSON gives them: buffers as hex).
import type { StepOutcome } from '../expect/types.js';
import { ownerOf } from '../run/turns.js';
import { counts, entryJSON, failureReason, type ScenarioResult, type SuiteResult } from './result.js';

function outcomeJSON(o: StepOutcome): Record<string, unknown> {
  return o.kind === 'code' ? { kind: 'code', protocol: o.code.protocol, code: o.code.code, name: o.code.name } : { ...o };
}

/**
 * Both taps' entries; with several centrals, `central` is the first central's, each other central's is
 * under "central:NAME", and every peripheral entry on a connection names the central it belongs to (`central`).
 */
function timelineJSON(r: ScenarioResult): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const owners = r.connections ?? [];
  for (const [side, entries] of Object.entries(r.timelines)) {
    if (!entries) continue;
    out[side] =
      side === 'peripheral' && r.centralTimelines
        ? entries.map((e) => {
            const central = ownerOf(owners, e);
            return central === undefined ? entryJSON(e) : { ...entryJSON(e), central };
          })
        : entries.map(entryJSON);
  }
  for (const [name, entries] of Object.entries(r.centralTimelines ?? {}).slice(1)) out[`central:${name}`] = entries.map(entryJSON);
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
    steps: r.steps.map((s) => ({ index: s.index, kind: s.kind, label: s.label, ...(s.central !== undefined ? { central: s.central } : {}), outcome: outcomeJSON(s.outcome), durationMs: s.durationMs, verdicts: s.verdicts })),
    verdicts: r.verdicts,
    ...(r.centralTimelines ? { centrals: Object.keys(r.centralTimelines) } : {}),
    ...(r.connections ? { connections: r.connections.map(({ central, handle, address }) => ({ central, handle, address })) } : {}),
    timeline: timelineJSON(r),
  };
}

export function jsonReport(suite: SuiteResult): string {
  const c = counts(suite.results);
  return JSON.stringify({ seed: suite.seed, ...(suite.shard ? { shard: suite.shard } : {}), passed: c.passed, failed: c.failed, scenarios: suite.results.map(scenarioRecord) }, null, 2) + '\n';
}
