// The matrix for people: one row per characteristic × operation, a column per phase, then each
// cell's reason in words, the pairing reports, the differences from the profile and a verdict.
import { formatPairingReport } from '../pairing/pairing-report.js';
import type { CellBase, MatrixResult, PhaseName } from './matrix-types.js';
import { outcomeText } from './outcome-text.js';
import { METHOD_TITLE, type MatrixMethod } from './pairing-methods.js';

const phaseTitle = (name: PhaseName): string =>
  name === 'unencrypted'
    ? 'unencrypted (never)'
    : name === 'paired'
      ? 'after pairing'
      : name === 'os'
        ? 'as the OS handled it'
        : name.startsWith('as:')
          ? `as ${name.slice('as:'.length)}`
          : `after ${METHOD_TITLE[name.slice('paired:'.length) as MatrixMethod]}`;
/** Marks a cell whose facts come from the OS API rather than the air (the legend says so). */
export const API_MARK = '[api]';
const mark = (c: CellBase) => (c.source === 'api' ? ` ${API_MARK}` : '');
/** An API matrix has one phase and longer words ("failed (the OS does not say why; ATT code unknown)"). */
const API_OUTCOME_WIDTH = 64;
const FROM_WIDTH = 4;
const OP_WIDTH = 22;
const NAME_WIDTH = 32;
const OUTCOME_WIDTH = 44;

const nameOf = (c: CellBase) => c.characteristic.name ?? c.characteristic.uuid;
const pad = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s.padEnd(n));

const PEER_KEY_WORDS = {
  held: 'held (encryption with it worked)',
  missing: 'none (Encryption Change 0x06 PIN or Key Missing: reset or another device); cells before that are judged as for a central without a key',
  different: 'another key (MIC failure 0x3D)',
  unknown: 'not shown by this run (no encryption with the kept key was tried): a cell is judged right whether the target holds it or not',
} as const;

export function renderMatrixTable(r: MatrixResult<CellBase>): string {
  const lines: string[] = [];
  const t = r.target;
  if (r.facts?.source === 'api') {
    lines.push(r.facts.header);
    for (const l of r.facts.limits) lines.push(`  - ${l}`);
    lines.push(`  the "from" column and ${API_MARK} mark what the OS API reported; nothing here was seen on the air`, '');
  }
  lines.push(`${t.localName ?? '(no name)'} ${t.address || '(address hidden by the OS)'} (${t.addressType}) RSSI ${t.rssi} dBm, services ${t.serviceUuids.join(', ') || 'none advertised'}`);
  lines.push(`pairing ${r.policy === 'os' ? 'decided by the OS (it pairs when the peer answers 0x05/0x0F, with its own dialog)' : `policy: ${r.policy}`}${r.methods ? `; a phase per pairing method: ${r.methods.map((m) => METHOD_TITLE[m]).join(', ')}` : ''}${r.personas ? `; a phase per persona (what its app and user would see under →): ${r.personas.join(', ')}` : ''}${r.profile ? `; compared with profile "${r.profile.name}" (${r.profile.source})` : ''}`);
  lines.push('');
  const phases = r.phases;
  // Over the API a column says where each row's facts come from; from the air there is none (the tap saw it all).
  const api = r.facts?.source === 'api';
  const width = api ? API_OUTCOME_WIDTH : OUTCOME_WIDTH;
  const from = (s: string) => (api ? `${pad(s, FROM_WIDTH)} ` : '');
  const header = `${pad('characteristic', NAME_WIDTH)} ${pad('operation', OP_WIDTH)} ${from('from')}${phases.map((p) => pad(phaseTitle(p.name), width)).join(' ')}`;
  lines.push(api ? header.trimEnd() : header);
  const rows = new Map<string, Map<PhaseName, CellBase>>();
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
      return pad(c ? `${c.difference ? '✗ ' : ''}${outcomeText(c.outcome)}` : '—', width);
    });
    const row = `${pad(nameOf(any), NAME_WIDTH)} ${pad(any.operation, OP_WIDTH)} ${from(any.source ?? 'air')}${cols.join(' ')}`;
    lines.push(api ? row.trimEnd() : row);
  }
  for (const p of phases) if (p.note) lines.push(`(${phaseTitle(p.name)}: ${p.note})`);
  lines.push('', 'why:');
  for (const p of phases) for (const c of p.cells) lines.push(`  ${nameOf(c)} × ${c.operation}, ${phaseTitle(c.phase)}${mark(c)}: ${c.why}`, ...(c.seen ? [`    → ${c.seen}`] : []));
  for (const p of phases) for (const l of p.limits ?? []) lines.push(`(${phaseTitle(p.name)}, not acted out: ${l})`);
  for (const p of phases) for (const pr of p.pairings) lines.push('', ...formatPairingReport(pr));
  if (r.centralKey) lines.push('', `keys: the central began with a key for this target (a bond, e.g. --keys); the target's own: ${PEER_KEY_WORDS[r.peerKey ?? 'unknown']}`);
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

export function verdict(r: MatrixResult<CellBase>): string {
  const cells = r.phases.reduce((n, p) => n + p.cells.length, 0);
  if (!r.profile) return `verdict: ${cells} cell(s) walked (no profile to compare with)`;
  return r.differences.length
    ? `verdict: FAIL: ${r.differences.length} difference(s) from profile "${r.profile.name}" in ${cells} cell(s)`
    : `verdict: OK: all ${cells} cell(s) match profile "${r.profile.name}"`;
}
