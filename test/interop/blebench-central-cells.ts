// What blebench's central (`blebench central --json`) should have seen from a ble-host peripheral
// serving the default profile, cell by cell: expectedOutcome (common/stack/gatt) for the security the cell
// ran under, judged here from the JSON alone (not from the central's own comparison). ATT codes are
// compared exactly; a value read must be the one the profile serves; a Write Command is never
// answered (Core v5.4 Vol 3 Part F 3.4.5.3), so "sent" is all the air can show of it.
import { expectedOutcome } from '../../common/stack/gatt/expected-outcome.js';
import { findCharacteristic, type ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import type { GattOperation } from '../../common/stack/gatt/security-levels.js';
import type { LinkSecurityState } from '../../common/stack/gatt/security-rule.js';
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
  why?: string;
}

export interface MatrixJson {
  target: { address: string };
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

/** What a cell's error says, in the terms a failed pairing's phase is judged by. */
function errorOf(o: MatrixJsonCell['outcome']): { kind: string; code?: number; label?: string; who?: string } | undefined {
  if (o.kind !== 'error' || !o.error) return undefined;
  const e = o.error as JsonError & { who?: string };
  return { kind: e.kind, ...(e.code === undefined ? {} : { code: e.code }), ...(e.label === undefined ? {} : { label: e.label }), ...(e.who === undefined ? {} : { who: e.who }) };
}

/**
 * A paired phase whose pairing the peripheral failed with `reason`: the link stays unencrypted, so
 * each cell is what the profile says for an unpaired link (values where no security is needed, 0x08
 * and the like unchanged), except that the first 0x05/0x0F the on-error policy pairs for (Vol 3
 * Part C 10.3.2) ends in the pairing's failure, SMP `reason` sent by the peripheral, and is not
 * re-sent; one attempt per link, so every later 0x05/0x0F is reported as it came, with why the
 * central did not pair again. Returns how many cells paired (each a Pairing Request on the air): 0 or 1.
 */
export function judgeFailedPairingPhase(agreement: Agreement, profile: ResolvedProfile, label: string, phase: MatrixJson['phases'][number], reason: { code: number; label: string }, cures: ReadonlySet<number>): number {
  let pairedFor = 0;
  for (const cell of phase.cells) {
    const c = findCharacteristic(profile, cell.characteristic.uuid);
    if (!c) continue;
    const what = `${label} / ${phase.name}: ${c.name} ${cell.operation}`;
    agreement.check(`${what}: the link stayed unencrypted`, false, cell.security.encrypted);
    const e = expectedOutcome(profile, c, cell.operation, UNPAIRED);
    if (!e.ok && 'silent' in e && e.silent) {
      agreement.check(`${what}: a Write Command, unanswered`, 'sent', cell.outcome.kind);
      continue;
    }
    if (e.ok) {
      agreement.check(`${what}: outcome`, { ok: true }, observed(cell.outcome));
      if (cell.operation === 'read') agreement.check(`${what}: value`, c.value.toString('hex'), cell.outcome.hex);
      continue;
    }
    if (e.attError === null || !cures.has(e.attError)) {
      agreement.check(`${what}: outcome (no pairing cures it)`, { attError: e.attError }, observed(cell.outcome));
      continue;
    }
    if (pairedFor === 0) {
      pairedFor++;
      agreement.check(`${what}: the first answer, before pairing`, { attError: e.attError }, cell.firstError ? observed({ kind: 'error', error: cell.firstError }) : 'no first error');
      agreement.check(`${what}: the pairing's failure, named`, { kind: 'smp', code: reason.code, label: reason.label, who: 'peripheral' }, errorOf(cell.outcome));
      continue;
    }
    agreement.check(`${what}: after the failed pairing, the answer as it came, no second pairing`, { attError: e.attError, firstError: 'none' }, { ...observed(cell.outcome), firstError: cell.firstError ? 'some' : 'none' });
    agreement.check(`${what}: why it did not pair again`, true, cell.why?.includes(`no pairing: pairing failed earlier on this link: ${reason.label} (Pairing Failed from the peripheral)`) ?? false);
  }
  return pairedFor;
}
