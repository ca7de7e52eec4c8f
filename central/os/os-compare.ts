// Comparing an os matrix with a profile. The OS keeps the link's security to itself and pairs when it
// likes (CoreBluetooth and WinRT pair when a peer answers 0x05/0x0F), so a cell cannot be held to the
// profile's answer for one security state. It differs only when no security the OS could have set up
// explains it: a success the profile refuses at every level, a failure it allows at every level, or
// an ATT code (named by the OS's text) the profile never gives for it.
import { hex } from '../../common/base/codes/code-table.js';
import { expectedOutcome, type ProfileExpectedOutcome } from '../../common/stack/gatt/expected-outcome.js';
import { findCharacteristic, type ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import type { LinkSecurityState } from '../../common/stack/gatt/security-rule.js';
import { cellName, compareProperties, expectedText } from '../matrix/compare.js';
import type { ApiCell, MatrixResult } from '../matrix/matrix-types.js';
import { outcomeText } from '../matrix/outcome-text.js';
import type { DiscoveredCharacteristic } from '../gatt/discovered.js';
import { isOsApiError } from './os-api-error.js';

/** The largest key an LE link can have (Vol 3 Part H 2.3.4). */
const MAX_KEY_SIZE = 16;

/** Every security the OS may have had on the link: none, Just Works, MITM-protected. */
export const OS_POSSIBLE_SECURITY: readonly LinkSecurityState[] = [
  { encrypted: false, authenticated: false, keyExists: false },
  { encrypted: true, authenticated: false, keyExists: true, keySize: MAX_KEY_SIZE },
  { encrypted: true, authenticated: true, keyExists: true, keySize: MAX_KEY_SIZE },
];

function judge(cell: ApiCell, possible: readonly ProfileExpectedOutcome[]): string | undefined {
  const o = cell.outcome;
  const codes = possible.flatMap((e) => (!e.ok && e.attError !== null ? [e.attError] : []));
  const words = [...new Set(possible.map(expectedText))].join(' or ');
  if (o.kind !== 'error') {
    // A Write Command is never answered: the OS saying "sent" shows nothing either way.
    if (o.kind === 'sent' || possible.some((e) => e.ok)) return undefined;
    return `the OS reported ${outcomeText(o)} where the profile refuses it at every security level the OS could set up (${words})`;
  }
  const code = isOsApiError(o.error) ? o.error.attCode : undefined;
  if (code !== undefined) return codes.includes(code) ? undefined : `the OS's text names ATT ${hex(code)}, the profile says ${words}`;
  if (codes.length > 0) return undefined;
  return `the OS reported ${outcomeText(o)} where the profile allows it at every security level (${words})`;
}

/** Fills each api cell's `difference`; returns every difference, named. */
export function compareApiWithProfile(result: MatrixResult<ApiCell>, profile: ResolvedProfile, discovered: readonly DiscoveredCharacteristic[]): string[] {
  const out = compareProperties(profile, discovered);
  for (const phase of result.phases) {
    for (const cell of phase.cells) {
      const pc = findCharacteristic(profile, cell.characteristic.uuid);
      if (!pc || !pc.properties[cell.operation]) continue;
      const d = judge(cell, OS_POSSIBLE_SECURITY.map((s) => expectedOutcome(profile, pc, cell.operation, s)));
      if (d) {
        cell.difference = d;
        out.push(`${cellName(cell)}: ${d}`);
      }
    }
  }
  return out;
}
