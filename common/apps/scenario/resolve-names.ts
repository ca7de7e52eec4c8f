// Names in a scenario → what they mean: characteristics of the profile, PDUs on the timeline, error codes,
// timeline matchers. Each problem is added to the issue list at the path it came from.
import { allCharacteristics, findCharacteristic, type ResolvedProfile } from '../../stack/gatt/resolved-profile.js';
import { closest } from '../../base/input/did-you-mean.js';
import { pointer } from '../../base/input/issues.js';
import { parsePduName, type PduName } from './pdu-names.js';
import { parseProtocolCode, type CodeProtocol, type ProtocolCode } from './protocol-codes.js';
import type { CharacteristicRef, PduMatcher, ScenarioRole } from './scenario.js';
import type { CodeInput, MatcherInput } from './scenario-input.js';
import type { ScenarioIssueList } from './scenario-issues.js';

export interface Names {
  readonly profile: ResolvedProfile;
  readonly issues: ScenarioIssueList;
  /** Another profile by name or file (relative to the scenario), as the peripheral's is found (firmware-update). */
  readonly lookupProfile?: (ref: string) => { ok: true; profile: ResolvedProfile } | { ok: false; problem: string };
  /** The centrals' names, when the scenario has several (`centrals:`). */
  readonly centrals?: readonly string[];
}

export function characteristicAt(n: Names, written: string, path: string): CharacteristicRef | undefined {
  const c = findCharacteristic(n.profile, written);
  if (c) return { name: c.name, uuid: c.uuid, serviceUuid: c.serviceUuid, written };
  const names = allCharacteristics(n.profile).map((x) => x.name);
  const near = closest(written, names);
  n.issues.add(
    'unknown-characteristic',
    path,
    `the profile "${n.profile.name}" has no characteristic "${written}"${near ? ` (did you mean "${near}"?)` : ''}; its characteristics: ${names.join(', ')}`,
  );
  return undefined;
}

export function codeAt(n: Names, written: CodeInput, allowed: readonly CodeProtocol[], path: string): ProtocolCode | undefined {
  const r = parseProtocolCode(written, allowed);
  if (r.ok) return r.code;
  n.issues.add('unknown-code', path, r.problem);
  return undefined;
}

export function pduAt(n: Names, written: string, path: string): PduName | undefined {
  const r = parsePduName(written);
  if (r.ok) return r.pdu;
  n.issues.add('unknown-pdu', path, r.problem);
  return undefined;
}

/** A matcher from { pdu, sent-by, at, fields } or a bare PDU name. */
export function matcherAt(n: Names, input: MatcherInput | string, path: string): PduMatcher | undefined {
  const m: MatcherInput = typeof input === 'string' ? { pdu: input } : input;
  const pdu = pduAt(n, m.pdu, typeof input === 'string' ? path : path + pointer('pdu'));
  if (!pdu) return undefined;
  const sentBy = m['sent-by'];
  if (sentBy && pdu.layer === 'hci-evt') {
    n.issues.add('inconsistent', path + pointer('sent-by'), `"${pdu.name}" is an HCI event: a controller reports it to its own host, no host sends it; use "at: central" or "at: peripheral" to say whose tap to look at`);
  }
  if (sentBy && m.at && pdu.layer === 'hci-cmd' && sentBy !== m.at) {
    n.issues.add('inconsistent', path + pointer('sent-by'), `"${pdu.name}" is an HCI command: only the ${m.at}'s tap sees the ${m.at}'s commands, so it cannot be sent by the ${sentBy} there`);
  }
  return {
    pdu,
    ...(sentBy ? { sentBy: sentBy as ScenarioRole } : {}),
    ...(m.at ? { at: m.at as ScenarioRole } : {}),
    ...(m.fields ? { fields: m.fields } : {}),
  };
}

/** Exactly one of `keys` in `obj`; else an issue, and undefined. */
export function oneKeyOf<K extends string>(n: Names, obj: object, keys: readonly K[], path: string, what: string): K | undefined {
  const present = keys.filter((k) => (obj as Record<string, unknown>)[k] !== undefined || Object.prototype.hasOwnProperty.call(obj, k));
  if (present.length === 1) return present[0];
  n.issues.add(
    'step-shape',
    path,
    present.length === 0 ? `${what} needs one of ${keys.map((k) => `"${k}"`).join(', ')}` : `${what} takes one of ${keys.map((k) => `"${k}"`).join(', ')}, not ${present.map((k) => `"${k}"`).join(' and ')}: split it in two`,
  );
  return undefined;
}
