// `blebench central --html OUT`: the matrix as the central report's data (common/apps/html), each cell coloured
// by what came back and linked to its first entry in the chart of the central's tap.
import { ATT_ERROR } from '../../common/base/codes/att.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import { centralChart, firstDrawn, htmlCentralReport, type CellClass, type MatrixCellData } from '../../common/apps/html/index.js';
import { AttError, SmpPairingFailed } from '../errors.js';
import type { Cell, CellBase, MatrixResult, PhaseName } from './matrix-types.js';
import { outcomeText } from './outcome-text.js';

/** The ATT errors that ask for more security (Core v5.4 Vol 3 Part F 3.4.1.1, Table 3.4). */
const SECURITY_ATT = new Set<number>([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, ATT_ERROR.INSUFFICIENT_AUTHORIZATION, ATT_ERROR.ENCRYPTION_KEY_SIZE_TOO_SHORT, ATT_ERROR.INSUFFICIENT_ENCRYPTION]);

function cellClass(c: CellBase): CellClass {
  if (c.outcome.kind !== 'error') return 'value';
  const e = c.outcome.error;
  return (e instanceof AttError && SECURITY_ATT.has(e.attCode)) || e instanceof SmpPairingFailed ? 'security' : 'other';
}

export function renderMatrixHtml(r: MatrixResult<CellBase>, entries: readonly TimelineEntry[]): string {
  const phases: PhaseName[] = r.phases.map((p) => p.name);
  const rows = new Map<string, { label: string; cells: Map<PhaseName, CellBase> }>();
  for (const p of r.phases) {
    for (const c of p.cells) {
      const key = `${c.characteristic.uuid}|${c.operation}`;
      if (!rows.has(key)) rows.set(key, { label: `${c.characteristic.name ?? c.characteristic.uuid} · ${c.operation}`, cells: new Map() });
      rows.get(key)!.cells.set(p.name, c);
    }
  }
  const cells = [...rows.values()].map((row) =>
    phases.map((ph): MatrixCellData => {
      const c = row.cells.get(ph);
      if (!c) return { cls: 'none', text: '—', why: 'not run in this phase' };
      const goto = firstDrawn(entries, (c as Partial<Cell>).entries);
      return { cls: cellClass(c), text: outcomeText(c.outcome), why: c.why, ...(goto ? { goto } : {}) };
    }),
  );
  return htmlCentralReport({
    kind: 'central',
    target: r.target.localName ? `${r.target.localName} (${r.target.address})` : r.target.address,
    policy: r.policy,
    phases,
    rows: [...rows.values()].map((x) => x.label),
    cells,
    differences: r.differences,
    chart: centralChart(entries),
  });
}
