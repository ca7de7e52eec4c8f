// Comparing the matrix with a profile (common/stack/gatt expectedOutcome): each cell against what the
// profile says for the link's security at that moment, and the properties each side declares.
import { hex } from '../../common/base/codes/code-table.js';
import { expectedOutcome, type ProfileExpectedOutcome } from '../../common/stack/gatt/expected-outcome.js';
import { allCharacteristics, findCharacteristic, type ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import type { LinkSecurityState } from '../../common/stack/gatt/security-rule.js';
import { AttError } from '../errors.js';
import type { DiscoveredCharacteristic } from '../gatt/discovered.js';
import { MATRIX_OPERATIONS, type Cell, type CellBase, type CellOutcome, type MatrixResult } from './matrix-types.js';
import { outcomeText } from './outcome-text.js';
import { offered } from './run-phase.js';
import { formatNamedUuid, formatUuid } from '../../common/base/output/format.js';

/** The security before any pairing: what the first attempt of an on-error cell met. */
const UNPAIRED: LinkSecurityState = { encrypted: false, authenticated: false, keyExists: false };

export function expectedText(e: ProfileExpectedOutcome): string {
  if (e.ok) return `success (${e.reason})`;
  if (e.attError === null) return `nothing to send (${e.reason})`;
  return `ATT ${hex(e.attError)} ${e.errorName} (${e.reason})`;
}

/** undefined when the outcome is what the profile expects. */
function mismatch(expected: ProfileExpectedOutcome, got: CellOutcome): string | undefined {
  if (expected.ok) return got.kind === 'error' ? `expected success, got ${outcomeText(got)}` : undefined;
  if (expected.attError === null) return `expected ${expectedText(expected)}, got ${outcomeText(got)}`;
  // A refused Write Command is dropped in silence: the air looks the same as success.
  if (expected.silent && got.kind === 'sent') return undefined;
  if (got.kind === 'error' && got.error instanceof AttError && got.error.attCode === expected.attError) return undefined;
  return `expected ${expectedText(expected)}, got ${outcomeText(got)}`;
}

export const cellName = (c: CellBase) => `"${c.characteristic.name ?? formatNamedUuid(c.characteristic.uuid, 'characteristic')}" × ${c.operation} (${c.phase})`;

/**
 * Whether the server held a key for this central when the cell ran (what makes it answer 0x0F rather
 * than 0x05): the cell's own knowledge, or for a cell that assumed the peer kept its half of a bond from
 * an earlier run, what the run learnt later (0x06: it did not). undefined: nothing showed it.
 */
function serverKey(cell: Cell, result: MatrixResult): boolean | undefined {
  if (!cell.peerKeyAssumed) return cell.security.keyExists;
  if (result.peerKey === 'missing') return false;
  return result.peerKey === undefined ? undefined : true;
}

/** The expected outcome for a key the server may or may not hold: the one that matches, else the first. */
function expectedEither(profile: ResolvedProfile, pc: Parameters<typeof expectedOutcome>[1], cell: Cell, security: LinkSecurityState, key: boolean | undefined, got: CellOutcome): ProfileExpectedOutcome {
  if (key !== undefined) return expectedOutcome(profile, pc, cell.operation, { ...security, keyExists: security.keyExists && key });
  const held = expectedOutcome(profile, pc, cell.operation, { ...security, keyExists: true });
  const none = expectedOutcome(profile, pc, cell.operation, { ...security, keyExists: false });
  return mismatch(held, got) === undefined ? held : mismatch(none, got) === undefined ? none : held;
}

/** Fills each cell's `expected`/`difference`; returns every difference, named. */
export function compareWithProfile(result: MatrixResult, profile: ResolvedProfile, discovered: readonly DiscoveredCharacteristic[]): string[] {
  const out = compareProperties(profile, discovered);
  for (const phase of result.phases) {
    for (const cell of phase.cells) {
      const pc = findCharacteristic(profile, cell.characteristic.uuid);
      if (!pc || !pc.properties[cell.operation]) continue;
      const key = serverKey(cell, result);
      if (cell.firstError) {
        // The first try ran before this link's pairing: the server held a key only from before the run.
        const firstKey = cell.peerKeyAssumed ? key : false;
        const first = expectedEither(profile, pc, cell, { ...UNPAIRED, keyExists: true }, firstKey, { kind: 'error', error: cell.firstError });
        const d = mismatch(first, { kind: 'error', error: cell.firstError });
        if (d) out.push(`${cellName(cell)}, before pairing: ${d}`);
      }
      cell.expected = cell.peerKeyAssumed ? expectedEither(profile, pc, cell, cell.security, key, cell.outcome) : expectedOutcome(profile, pc, cell.operation, cell.security);
      const d = mismatch(cell.expected, cell.outcome);
      if (d) {
        cell.difference = d;
        out.push(`${cellName(cell)}: ${d}`);
      }
    }
  }
  return out;
}

/** The characteristics and properties each side declares, compared. */
export function compareProperties(profile: ResolvedProfile, discovered: readonly DiscoveredCharacteristic[]): string[] {
  const out: string[] = [];
  for (const pc of allCharacteristics(profile)) {
    const tc = discovered.find((d) => d.uuid === pc.uuid);
    if (!tc) {
      out.push(`"${pc.name}" (${formatUuid(pc.uuid)}): in the profile, not on the target`);
      continue;
    }
    const has = new Set(offered(tc));
    for (const op of MATRIX_OPERATIONS) {
      if (pc.properties[op] && !has.has(op)) out.push(`"${pc.name}" × ${op}: the profile offers it, the target does not declare it`);
      if (!pc.properties[op] && has.has(op)) out.push(`"${pc.name}" × ${op}: the target declares it, the profile does not`);
    }
  }
  return out;
}
