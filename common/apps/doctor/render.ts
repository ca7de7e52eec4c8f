// The doctor's report for people: one line per check, what to do under it, then the routes.
import type { DoctorReport } from './diagnose.js';

const MARK = { ok: '[ok]     ', missing: '[missing]', warning: '[warning]', info: '[info]   ' } as const;

export function renderDoctor(r: DoctorReport): string {
  const lines = [`blebench doctor: ${r.platform} ${r.release}`, ''];
  for (const c of r.checks) {
    lines.push(`${MARK[c.status]} ${c.title}: ${c.detail}`);
    if (c.fix) lines.push(`          what to do: ${c.fix}`);
  }
  lines.push('', 'Always available (no radio behind them):');
  for (const a of r.alwaysAvailable) lines.push(`  --transport ${a.spec}  ${a.what}`);
  lines.push('', r.usable.length ? 'Hardware routes usable now:' : 'Hardware routes usable now: none (exit 3). See docs/hardware.md.');
  for (const u of r.usable) lines.push(`  --transport ${u.spec}  ${u.what}`);
  return `${lines.join('\n')}\n`;
}
