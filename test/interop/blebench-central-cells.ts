// What blebench's central (`blebench central --json`) should have seen from a ble-host peripheral
// serving the default profile, cell by cell: expectedOutcome (common/gatt) for the security the cell
// ran under, judged here from the JSON alone (not from the central's own comparison). ATT codes are
// compared exactly; a value read must be the one the profile serves; a Write Command is never
// answered (Core v5.4 Vol 3 Part F 3.4.5.3), so "sent" is all the air can show of it.
import { expectedOutcome } from '../../common/gatt/expected-outcome.js';
import { findCharacteristic, type ResolvedProfile } from '../../common/gatt/resolved-profile.js';
import type { GattOperation } from '../../common/gatt/security-levels.js';
import type { LinkSecurityState } from '../../common/gatt/security-rule.js';
import type { Agreement } from './agreement.js';

interface JsonError {
  kind: string;
  code?: number;
  label?: string;
}

export interface MatrixJsonCell {
  phase: string;
  characteristic: { uuid: string; name?: string };
  operation: GattOperation;
  security: LinkSecurityState;
  outcome: { kind: string; hex?: string; error?: JsonError };
  firstError?: JsonError;
}

export interface MatrixJson {
  phases: Array<{ name: string; method?: string; cells: MatrixJsonCell[]; pairings: Array<Record<string, unknown>> }>;
  differences: string[];
  verdict: string;
}

const UNPAIRED: LinkSecurityState = { encrypted: false, authenticated: false, keyExists: false };

/** What one outcome says, in the terms the expectation uses. */
function observed(o: MatrixJsonCell['outcome'] | { kind: 'error'; error: JsonError }): { ok: true } | { attError: number | string } {
  if (o.kind !== 'error') return { ok: true };
  return { attError: o.error?.kind === 'att' ? o.error.code! : (o.error?.label ?? 'not an ATT error') };
}

export function judgeMatrix(agreement: Agreement, profile: ResolvedProfile, label: string, matrix: MatrixJson): void {
  for (const phase of matrix.phases) {
    for (const cell of phase.cells) {
      const c = findCharacteristic(profile, cell.characteristic.uuid);
      if (!c) continue; // the GAP and GATT services: not the profile's
      const what = `${label} / ${phase.name}: ${c.name} ${cell.operation}`;
      if (cell.firstError) {
        const first = expectedOutcome(profile, c, cell.operation, UNPAIRED);
        agreement.check(`${what}: before pairing`, first.ok ? { ok: true } : { attError: first.attError }, observed({ kind: 'error', error: cell.firstError }));
      }
      const e = expectedOutcome(profile, c, cell.operation, cell.security);
      const got = observed(cell.outcome);
      if (!e.ok && 'silent' in e && e.silent) {
        agreement.check(`${what}: a Write Command, unanswered`, 'sent', cell.outcome.kind);
        continue;
      }
      agreement.check(`${what}: outcome`, e.ok ? { ok: true } : { attError: e.attError }, got);
      if (cell.operation === 'read' && e.ok) agreement.check(`${what}: value`, c.value.toString('hex'), cell.outcome.hex);
    }
  }
}
