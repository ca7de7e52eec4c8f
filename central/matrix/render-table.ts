// The matrix for people: one row per characteristic × operation, a column per phase, then each
// cell's reason in words, the pairing reports, the differences from the profile and a verdict.
import { formatPairingReport } from '../pairing/pairing-report.js';
import type { Cell, MatrixResult, PhaseName } from './matrix-types.js';
import { outcomeText } from './outcome-text.js';
import { METHOD_TITLE, type MatrixMethod } from './pairing-methods.js';

const phaseTitle = (name: PhaseName): string =>
  name === 'unencrypted' ? 'unencrypted (never)' : name === 'paired' ? 'after pairing' : `after ${METHOD_TITLE[name.slice('paired:'.length) as MatrixMethod]}`;
const OP_WIDTH = 22;
const NAME_WIDTH = 32;
const OUTCOME_WIDTH = 44;

const nameOf = (c: Cell) => c.characteristic.name ?? c.characteristic.uuid;
const pad = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s.padEnd(n));

export function renderTable(r: MatrixResult): string {
  const lines: string[] = [];
  const t = r.target;
  lines.push(`${t.localName ?? '(no name)'} ${t.address} (${t.addressType}) RSSI ${t.rssi} dBm, services ${t.serviceUuids.join(', ') || 'none advertised'}`);
  lines.push(`pairing policy: ${r.policy}${r.methods ? `; a phase per pairing method: ${r.methods.map((m) => METHOD_TITLE[m]).join(', ')}` : ''}${r.profile ? `; compared with profile "${r.profile.name}" (${r.profile.source})` : ''}`);
  lines.push('');
  const phases = r.phases;
  lines.push(`${pad('characteristic', NAME_WIDTH)} ${pad('operation', OP_WIDTH)} ${phases.map((p) => pad(phaseTitle(p.name), OUTCOME_WIDTH)).join(' ')}`);
  const rows = new Map<string, Map<PhaseName, Cell>>();
  for (const p of phases) {
    for (const c of p.cells) {
      const key = `${c.characteristic.uuid}|${c.operation}`;
      if (!rows.has(key)) rows.set(key, new Map());
      rows.get(key)!.set(p.name, c);
    }
  }
  for (const cells of rows.values()) {
    const any = [...cells.values()][0]!;
    const cols = phases.map((p) => {
      const c = cells.get(p.name);
      return pad(c ? `${c.difference ? '✗ ' : ''}${outcomeText(c.outcome)}` : '—', OUTCOME_WIDTH);
    });
    lines.push(`${pad(nameOf(any), NAME_WIDTH)} ${pad(any.operation, OP_WIDTH)} ${cols.join(' ')}`);
  }
  for (const p of phases) if (p.note) lines.push(`(${phaseTitle(p.name)}: ${p.note})`);
  lines.push('', 'why:');
  for (const p of phases) for (const c of p.cells) lines.push(`  ${nameOf(c)} × ${c.operation}, ${phaseTitle(c.phase)}: ${c.why}`);
  for (const p of phases) for (const pr of p.pairings) lines.push('', ...formatPairingReport(pr));
  if (r.profile) {
    lines.push('');
    if (r.differences.length) {
      lines.push(`${r.differences.length} difference(s) from profile "${r.profile.name}":`);
      for (const d of r.differences) lines.push(`  ✗ ${d}`);
    }
  }
  lines.push('', verdict(r));
  return lines.join('\n') + '\n';
}

export function verdict(r: MatrixResult): string {
  const cells = r.phases.reduce((n, p) => n + p.cells.length, 0);
  if (!r.profile) return `verdict: ${cells} cell(s) walked (no profile to compare with)`;
  return r.differences.length
    ? `verdict: FAIL: ${r.differences.length} difference(s) from profile "${r.profile.name}" in ${cells} cell(s)`
    : `verdict: OK: all ${cells} cell(s) match profile "${r.profile.name}"`;
}
