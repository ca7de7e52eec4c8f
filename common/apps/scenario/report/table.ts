// The human reporter (the default): one aligned line per scenario, why each failure failed, the seed,
// and last, alone on its line, "N passed, N failed". Errors (a scenario that could not run) count as failed.
import { counts, failedVerdicts, shardLabel, type ScenarioResult, type SuiteResult } from './result.js';

const STATUS: Record<ScenarioResult['status'], string> = { passed: 'PASS', failed: 'FAIL', error: 'ERROR' };
const INDENT = '        ';

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function tableReport(suite: SuiteResult): string {
  const rows = suite.results.map((r) => [STATUS[r.status], r.name, r.file, r.qualification.join(' '), duration(r.durationMs)]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(0, ...rows.map((row) => row[c]!.length)));
  const lines: string[] = [];
  suite.results.forEach((r, i) => {
    const row = rows[i]!;
    lines.push(row.map((cell, c) => (c < widths.length ? cell.padEnd(widths[c]!) : cell.padStart(8))).join('  ').trimEnd());
    if (r.status === 'error') lines.push(INDENT + (r.error ?? 'the scenario could not run'));
    else if (r.status === 'failed') for (const f of failedVerdicts(r)) lines.push(INDENT + f);
    if (r.status !== 'passed' && r.btsnoop) for (const [side, file] of Object.entries(r.btsnoop)) lines.push(`${INDENT}capture (${side}): ${file}`);
  });
  const c = counts(suite.results);
  lines.push('');
  lines.push(`seed ${suite.seed}${suite.seedWasRandom ? ` (run this order again with --seed ${suite.seed})` : ''}${c.errors ? `; ${c.errors} of the failed could not run` : ''}`);
  if (suite.shard) lines.push(`${shardLabel(suite.shard)}: ${suite.results.length} of the suite's ${suite.shard.suiteTotal} scenarios`);
  lines.push(`${c.passed} passed, ${c.failed} failed`);
  return lines.join('\n') + '\n';
}
