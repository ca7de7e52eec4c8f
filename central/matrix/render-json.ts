// The matrix for machines (--json): plain data, errors as kind, code, name, meaning.
import { errorJson, pairingReportJson } from '../pairing/pairing-report.js';
import type { CellBase, MatrixResult } from './matrix-types.js';
import { verdict } from './render-table.js';

function cellJson(c: CellBase): Record<string, unknown> {
  const { outcome, firstError, pairing, ...rest } = c;
  const o: Record<string, unknown> = { ...rest, outcome: outcome.kind === 'error' ? { kind: 'error', error: errorJson(outcome.error) } : outcome };
  if (firstError) o.firstError = errorJson(firstError);
  if (pairing) o.pairing = pairingReportJson(pairing);
  return o;
}

export function matrixJson(r: MatrixResult<CellBase>): Record<string, unknown> {
  const { discovered: _table, ...rest } = r;
  return {
    ...rest,
    phases: r.phases.map((p) => ({
      ...p,
      cells: p.cells.map(cellJson),
      pairings: p.pairings.map(pairingReportJson),
      ...(p.descriptors ? { descriptors: p.descriptors.map((d) => ({ ...d, outcome: d.outcome.kind === 'error' ? { kind: 'error', error: errorJson(d.outcome.error) } : d.outcome })) } : {}),
    })),
    verdict: verdict(r),
  };
}

export function renderMatrixJson(r: MatrixResult<CellBase>): string {
  return JSON.stringify(matrixJson(r), null, 2) + '\n';
}
