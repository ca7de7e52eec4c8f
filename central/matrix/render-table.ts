// The matrix for people, fitted to the terminal: the target, the verdict and every difference from
// the profile first; then one row per characteristic × operation with a column per phase (each paired
// cell saying what the link really was), stacked one phase under another when the columns do not fit;
// the pairing reports; each cell's reason in words only with --verbose (always in --json).
import { formatAddress, formatNamedUuid, formatUuid, uuidName } from '../../common/base/output/format.js';
import { escapeField } from '../../common/base/output/escape.js';
import { column, cut, wrap } from '../../common/base/output/fit.js';
import { cutVisible, marks, paint, plainStyle, type TextStyle } from '../../common/base/output/style.js';
import { formatPairingReport } from '../pairing/pairing-report.js';
import { CELL_LINK_MEANING, cellLinks, type CellLink } from './cell-link.js';
import type { CellBase, MatrixOperation, MatrixResult, Phase, PhaseName } from './matrix-types.js';
import { outcomeText, shortOutcomeText } from './outcome-text.js';
import { METHOD_TITLE, type MatrixMethod } from './pairing-methods.js';

export const phaseTitle = (name: PhaseName, policy?: Phase['policy']): string =>
  name === 'unencrypted'
    ? 'unencrypted (never)'
    : name === 'paired'
      ? `policy ${policy ?? 'on-error'}`
      : name === 'os'
        ? 'as the OS handled it'
        : name.startsWith('as:')
          ? `as ${name.slice('as:'.length)}`
          : `after ${METHOD_TITLE[name.slice('paired:'.length) as MatrixMethod]}`;
/** Marks a cell whose facts come from the OS API rather than the air (the legend says so). */
export const API_MARK = '[api]';
const mark = (c: CellBase) => (c.source === 'api' ? ` ${API_MARK}` : '');

/** Operations as a column shows them; JSON keeps the names of MatrixOperation. */
const OP_WORD: Readonly<Record<MatrixOperation, string>> = { read: 'read', write: 'write', writeWithoutResponse: 'write cmd', notify: 'notify', indicate: 'indicate' };
const NAME_MAX = 22;
const FROM_WIDTH = 4;
/** Narrower than this, a phase's outcomes are no longer readable side by side: the phases are stacked. */
const MIN_OUTCOME = 14;
/** Between columns: two spaces, so a full column never runs into the next. */
const GAP = '  ';

/** The profile's name, else the SIG's, else the UUID. */
export const nameOf = (c: CellBase): string => c.characteristic.name ?? uuidName(c.characteristic.uuid, 'characteristic') ?? formatUuid(c.characteristic.uuid);

const PEER_KEY_WORDS = {
  held: 'held (encryption with it worked)',
  missing: 'none (Encryption Change 0x06 PIN or Key Missing: reset or another device); cells before that are judged as for a central without a key',
  different: 'another key (MIC failure 0x3D)',
  unknown: 'not shown by this run (no encryption with the kept key was tried): a cell is judged right whether the target holds it or not',
} as const;

export interface MatrixTextOptions {
  /** Colour, marks and width (default: plain, 100 columns). */
  style?: TextStyle;
  /** Each cell's reason in words, the persona's view of it. */
  verbose?: boolean;
}

interface Row {
  name: string;
  op: string;
  from: string;
  cells: Map<PhaseName, { cell: CellBase; link: CellLink | undefined }>;
}

export function renderMatrixTable(r: MatrixResult<CellBase>, o: MatrixTextOptions = {}): string {
  const style = o.style ?? plainStyle();
  const W = style.width;
  const lines: string[] = [];
  // Names, values and reasons come from the peer or a file: each line escaped before it is wrapped and painted.
  const say = (text: string, indent = '  ') => lines.push(...wrap(escapeField(text), W, indent));
  const t = r.target;
  const api = r.facts?.source === 'api';
  if (r.facts?.source === 'api') {
    say(r.facts.header);
    for (const l of r.facts.limits) say(`  - ${l}`, '    ');
    say(`  the "from" column and ${API_MARK} mark what the OS API reported; nothing here was seen on the air`, '    ');
    lines.push('');
  }
  const services = t.serviceUuids.map((u) => formatNamedUuid(u, 'service')).join(', ') || 'none advertised';
  say(`${t.localName ?? '(no name)'} ${t.address ? formatAddress(t.address) : '(address hidden by the OS)'} (${t.addressType}) RSSI ${t.rssi} dBm, services ${services}`);
  say(
    `pairing ${r.policy === 'os' ? 'decided by the OS (it pairs when the peer answers 0x05/0x0F, with its own dialog)' : `policy: ${r.policy}`}${r.methods ? `; a phase per pairing method: ${r.methods.map((m) => METHOD_TITLE[m]).join(', ')}` : ''}${r.personas ? `; a phase per persona (what its app and user would see: --verbose): ${r.personas.join(', ')}` : ''}${r.profile ? `; compared with profile "${r.profile.name}" (${r.profile.source})` : ''}${r.namedBy ? `; names from the built-in profile "${r.namedBy}"` : ''}`,
  );
  lines.push('');
  const v = verdict(r);
  lines.push(...wrap(escapeField(v), W, '  ').map((l) => paint(style, r.differences.length ? 'red' : r.profile ? 'green' : 'bold', l)));
  for (const d of r.differences) lines.push(...wrap(`  ${marks(style).bad} ${escapeField(d)}`, W, '      ').map((l) => paint(style, 'red', l)));
  lines.push('');

  const rows = rowsOf(r);
  const phases = r.phases;
  const nameW = Math.min(NAME_MAX, Math.max('characteristic'.length, ...[...rows.values()].map((x) => [...x.name].length)));
  const opW = Math.max('operation'.length, ...[...rows.values()].map((x) => x.op.length));
  const fromW = api ? FROM_WIDTH + 1 : 0;
  const fixed = nameW + GAP.length + opW + GAP.length + fromW;
  const labelW = (p: Phase<CellBase>) => Math.max(0, ...[...rows.values()].map((x) => x.cells.get(p.name)?.link?.length ?? 0));
  const links = phases.map(labelW);
  const linkW = (i: number) => (links[i]! ? links[i]! + GAP.length : 0);
  const room = W - fixed - phases.reduce((n, _p, i) => n + linkW(i) + (i ? GAP.length : 0), 0);
  const widths = share(phases.map((p, i) => Math.max(phaseTitle(p.name, p.policy).length - linkW(i), ...[...rows.values()].map((x) => outcomeWidth(x.cells.get(p.name)?.cell)))), room);
  if (widths) lines.push(...table(rows, phases, { nameW, opW, api, outcomeW: widths, links, style }));
  else {
    // Stacked: one phase under another, each as wide as the terminal allows.
    phases.forEach((p, i) => {
      const l = links[i]!;
      const w = Math.max(MIN_OUTCOME, W - fixed - (l ? l + GAP.length : 0));
      lines.push(paint(style, 'bold', cut(escapeField(`${phaseTitle(p.name, p.policy)}:`), W)));
      const nameRoom = W - opW - fromW - w - (l ? l + GAP.length : 0) - 2 * GAP.length;
      lines.push(...table(rows, [p], { nameW: Math.min(nameW, Math.max(8, nameRoom)), opW, api, outcomeW: [w], links: [l], style }), '');
    });
  }
  const used = new Set([...rows.values()].flatMap((x) => [...x.cells.values()].map((c) => c.link)).filter((l): l is CellLink => l !== undefined));
  if (used.size) say(`link per cell: ${[...used].map((l) => `${l}: ${CELL_LINK_MEANING[l]}`).join('; ')}`);
  for (const p of phases) if (p.note) say(`(${phaseTitle(p.name, p.policy)}: ${p.note})`);
  for (const p of phases) for (const l of p.limits ?? []) say(`(${phaseTitle(p.name, p.policy)}, not acted out: ${l})`);
  if (o.verbose) {
    lines.push('', 'why:');
    for (const p of phases) {
      for (const c of p.cells) {
        say(`  ${nameOf(c)} × ${c.operation}, ${phaseTitle(c.phase, p.policy)}${mark(c)}: ${c.why}`, '      ');
        if (c.seen) say(`    → ${c.seen}`, '      ');
      }
    }
  } else say(`(each cell's reason: --verbose; everything: --json)`);
  for (const p of phases) for (const pr of p.pairings) lines.push('', ...formatPairingReport(pr).flatMap((l) => wrap(escapeField(l), W, '      ')));
  if (r.centralKey) lines.push('', ...wrap(`keys: the central began with a key for this target (a bond, e.g. --keys); the target's own: ${PEER_KEY_WORDS[r.peerKey ?? 'unknown']}`, W, '  '));
  return lines.join('\n') + '\n';
}

function rowsOf(r: MatrixResult<CellBase>): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const p of r.phases) {
    const links = cellLinks(p);
    p.cells.forEach((c, i) => {
      const key = `${c.characteristic.serviceUuid}|${c.characteristic.uuid}|${c.operation}`;
      if (!rows.has(key)) rows.set(key, { name: escapeField(nameOf(c)), op: OP_WORD[c.operation], from: c.source ?? 'air', cells: new Map() });
      // The unencrypted phase's header says what its link was: no label per cell.
      rows.get(key)!.cells.set(p.name, { cell: c, link: p.name === 'unencrypted' ? undefined : links[i] });
    });
  }
  return rows;
}

/** Columns a cell's outcome wants (its long form, with the difference mark). */
function outcomeWidth(c: CellBase | undefined): number {
  return c ? [...outcomeText(c.outcome)].length + (c.difference ? 2 : 0) : 1;
}

/**
 * Each phase's outcome width: what it wants when they all fit `room`; else the widest cut to a common
 * cap so that they do; undefined when that cap is below MIN_OUTCOME (the phases are then stacked).
 */
function share(wanted: number[], room: number): number[] | undefined {
  if (wanted.reduce((a, b) => a + b, 0) <= room) return wanted;
  let cap = Math.max(...wanted);
  while (cap >= MIN_OUTCOME && wanted.reduce((a, b) => a + Math.min(b, cap), 0) > room) cap--;
  return cap >= MIN_OUTCOME ? wanted.map((w) => Math.min(w, cap)) : undefined;
}

interface Layout {
  nameW: number;
  opW: number;
  api: boolean;
  /** Per phase, the outcome's columns. */
  outcomeW: number[];
  links: number[];
  style: TextStyle;
}

function table(rows: Map<string, Row>, phases: readonly Phase<CellBase>[], l: Layout): string[] {
  const { style } = l;
  const from = (s: string) => (l.api ? `${column(s, FROM_WIDTH)}${GAP}` : '');
  const phaseW = (i: number) => l.outcomeW[i]! + (l.links[i] ? l.links[i]! + GAP.length : 0);
  const header = `${column('characteristic', l.nameW)}${GAP}${column('operation', l.opW)}${GAP}${from('from')}${phases.map((p, i) => column(phaseTitle(p.name, p.policy), phaseW(i))).join(GAP)}`;
  const out = [paint(style, 'bold', escapeField(header).trimEnd())];
  for (const row of rows.values()) {
    const cols = phases.map((p, i) => {
      const x = row.cells.get(p.name);
      if (!x) return column('—', phaseW(i));
      const c = x.cell;
      const prefix = c.difference ? `${marks(style).bad} ` : '';
      const text = cut(prefix + escapeField(shortOutcomeText(c.outcome, l.outcomeW[i]! - prefix.length)), l.outcomeW[i]!);
      const colour = c.difference ? 'red' : c.outcome.kind === 'error' ? 'yellow' : 'green';
      // Painted, then padded: the padding is plain spaces, so a line ends the same with colour or without.
      const padded = (t: string, w: number, how: Parameters<typeof paint>[1]) => paint(style, how, t) + ' '.repeat(Math.max(0, w - [...t].length));
      const link = l.links[i] ? `${GAP}${padded(x.link ?? '', l.links[i]!, 'dim')}` : '';
      return padded(text, l.outcomeW[i]!, colour) + link;
    });
    out.push(`${column(row.name, l.nameW)}${GAP}${column(row.op, l.opW)}${GAP}${from(row.from)}${cols.join(GAP)}`.trimEnd());
  }
  // Below about 60 columns even a stacked phase may not fit: its rows are cut, never wrapped out of line.
  return out.map((line) => cutVisible(line, style.width));
}

export function verdict(r: MatrixResult<CellBase>): string {
  const cells = r.phases.reduce((n, p) => n + p.cells.length, 0);
  if (!r.profile) return `verdict: ${cells} cell(s) walked (no profile to compare with)`;
  return r.differences.length
    ? `verdict: FAIL: ${r.differences.length} difference(s) from profile "${r.profile.name}" in ${cells} cell(s)`
    : `verdict: OK: all ${cells} cell(s) match profile "${r.profile.name}"`;
}
