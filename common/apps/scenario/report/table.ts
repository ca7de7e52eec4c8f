// The human reporter (the default): one aligned line per scenario, why each failure failed, the seed,
// and last, alone on its line, "N passed, N failed". Errors (a scenario that could not run) count as failed.
// Fitted to the terminal: a row too wide puts its file and qualification on a line below, reasons wrap;
// PASS green, FAIL and ERROR red on a terminal only (common/base/output/style.ts).
import { escapeField } from '../../../base/output/escape.js';
import { wrap } from '../../../base/output/fit.js';
import { paint, plainStyle, visibleWidth, type TextStyle } from '../../../base/output/style.js';
import { counts, failedVerdicts, shardLabel, type ScenarioResult, type SuiteResult } from './result.js';

const STATUS: Record<ScenarioResult['status'], string> = { passed: 'PASS', failed: 'FAIL', error: 'ERROR' };
const INDENT = '        ';

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Names, files and failures quote files and peers: each field is escaped here, before it is painted. */
export function tableReport(suite: SuiteResult, style: TextStyle = plainStyle()): string {
  const W = style.width;
  const rows = suite.results.map((r) => [STATUS[r.status], escapeField(r.name), escapeField(r.file), escapeField(r.qualification.join(' ')), duration(r.durationMs)]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(0, ...rows.map((row) => row[c]!.length)));
  const lines: string[] = [];
  const say = (text: string) => lines.push(...wrap(escapeField(text), W, INDENT + '  '));
  suite.results.forEach((r, i) => {
    const row = rows[i]!;
    const status = paint(style, r.status === 'passed' ? 'green' : 'red', row[0]!.padEnd(widths[0]!));
    const full = [status, ...row.slice(1).map((cell, c) => (c + 1 < widths.length ? cell.padEnd(widths[c + 1]!) : cell.padStart(8)))].join('  ').trimEnd();
    if (visibleWidth(full) <= W) lines.push(full);
    else {
      // Too wide: status, name and time on the line, the file and qualification below.
      lines.push(`${status}  ${row[1]}  ${row[4]}`);
      say(`${INDENT}${[row[2], row[3]].filter(Boolean).join('  ')}`);
    }
    if (r.status === 'error') say(INDENT + (r.error ?? 'the scenario could not run'));
    else if (r.status === 'failed') for (const f of failedVerdicts(r)) say(INDENT + f);
    if (r.status !== 'passed' && r.btsnoop) for (const [side, file] of Object.entries(r.btsnoop)) say(`${INDENT}capture (${side}): ${file}`);
  });
  const c = counts(suite.results);
  lines.push('');
  say(`seed ${suite.seed}${suite.seedWasRandom ? ` (run this order again with --seed ${suite.seed})` : ''}${c.errors ? `; ${c.errors} of the failed could not run` : ''}`);
  if (suite.shard) say(`${shardLabel(suite.shard)}: ${suite.results.length} of the suite's ${suite.shard.suiteTotal} scenarios`);
  lines.push(paint(style, c.failed ? 'red' : 'green', `${c.passed} passed, ${c.failed} failed`));
  return lines.join('\n') + '\n';
}
