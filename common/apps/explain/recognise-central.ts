// Which platform the central probably is, from what it put on the air: its Pairing Request (IO
// capability, AuthReq, maximum key size, key distribution: Core v5.4 Vol 3 Part H 3.5.1) compared with
// each central persona's Security Manager (fixtures/personas/, their variants too), and the kind of
// address it connected from (a resolvable private address where the persona's privacy uses one:
// Vol 6 Part B 1.3.2.2) as a second witness. Said with how sure it is: other stacks can send the same
// Pairing Request, and each persona's rules are only as sure as their sources.
import { KEY_DIST } from '../../base/codes/smp.js';
import { hex } from '../../base/codes/code-table.js';
import { BUILT_IN_PERSONAS, loadPersona } from '../persona/load-persona.js';
import { CONFIDENCES, type Confidence, type Persona, type Rule } from '../persona/persona-types.js';
import type { ConnectionFacts, PairingFeaturesSeen } from './facts.js';

/** The kind of address the central connected from, as far as this capture shows it. */
export type CentralAddressKind = 'public' | 'resolvable private' | 'static random' | 'non-resolvable private' | 'not seen';

/** How sure the recognition is: one platform family and its address agrees; several, or the address disagrees; none. */
export type RecognitionStrength = 'likely' | 'possible';

export interface RecognisedCentral {
  /** The connection whose Pairing Request was read. */
  connection: number;
  /** The Pairing Request's frame. */
  frame: number;
  /** The personas (NAME or NAME:VARIANT) whose Security Manager sends this Pairing Request. */
  personas: string[];
  /** The titles, for sentences ("iOS or macOS"). */
  titles: string[];
  addressKind: CentralAddressKind;
  /** Does the address agree with every matching persona's privacy (undefined: not seen)? */
  addressAgrees?: boolean;
  strength: RecognitionStrength;
  /** The weakest confidence among the matching personas' Security Manager rules. */
  ruleConfidence: Confidence;
  /** One sentence: what was compared, what matched, how sure. */
  words: string;
}

interface Candidate {
  spec: string;
  persona: Persona;
}

/** The Security Manager rules a Pairing Request shows (minKeySize does not go on the air). */
const COMPARED = ['ioCapability', 'bonding', 'mitm', 'secureConnections', 'keypress', 'maxKeySize', 'keyDistribution'] as const;

const distBits = (keys: readonly string[]) => (keys.includes('encKey') ? KEY_DIST.ENC_KEY : 0) | (keys.includes('idKey') ? KEY_DIST.ID_KEY : 0) | (keys.includes('signKey') ? KEY_DIST.SIGN_KEY : 0);

/** Every built-in central persona, and each variant that changes its Security Manager (ios:without-sc). */
function candidates(): Candidate[] {
  const out: Candidate[] = [];
  for (const name of BUILT_IN_PERSONAS) {
    const persona = loadPersona(name);
    if (!persona.central) continue;
    out.push({ spec: name, persona });
    const variants = new Set<string>();
    for (const rule of Object.values(persona.central.securityManager) as Rule<unknown>[]) for (const v of Object.keys(rule.variants ?? {})) variants.add(v);
    for (const v of variants) out.push({ spec: `${name}:${v}`, persona: loadPersona(`${name}:${v}`) });
  }
  return out;
}

/** Does this persona's Security Manager send exactly this Pairing Request? */
function sends(p: Persona, f: PairingFeaturesSeen): boolean {
  const sm = p.central!.securityManager;
  const d = sm.keyDistribution.value;
  return (
    sm.ioCapability.value === f.ioCapabilityName &&
    sm.bonding.value === f.flags.bonding &&
    sm.mitm.value === f.flags.mitm &&
    (sm.secureConnections.value !== 'no') === f.flags.secureConnections &&
    sm.keypress.value === f.flags.keypress &&
    sm.maxKeySize.value === f.maxKeySize &&
    distBits(d.initiator) === f.initiatorKeys &&
    distBits(d.responder) === f.responderKeys
  );
}

/** The central's address kind: seen in a peripheral's capture (the peer of its LE Connection Complete). Vol 6 Part B 1.3. */
function addressKind(c: ConnectionFacts): CentralAddressKind {
  if (c.hostRole !== 'peripheral' || c.peerAddressType === undefined || !c.centralAddress) return 'not seen';
  // 0x02/0x03: the controller resolved an RPA to this identity (Vol 4 Part E 7.7.65.10).
  if (c.peerAddressType === 0x02 || c.peerAddressType === 0x03) return 'resolvable private';
  if (c.peerAddressType === 0x00) return 'public';
  const top = Number.parseInt(c.centralAddress.slice(0, 2), 16) >> 6;
  return top === 0b01 ? 'resolvable private' : top === 0b11 ? 'static random' : 'non-resolvable private';
}

const weakest = (cs: readonly Confidence[]): Confidence => cs.reduce((a, b) => (CONFIDENCES.indexOf(b) > CONFIDENCES.indexOf(a) ? b : a), 'vendor');

const featuresWords = (f: PairingFeaturesSeen) =>
  `${f.ioCapabilityName}, AuthReq ${hex(f.authReq)}, max key size ${f.maxKeySize}, keys ${hex(f.initiatorKeys)}/${hex(f.responderKeys)}`;

/** The first Pairing Request a central sent in the capture, matched against the personas; undefined when there is none. */
export function recogniseCentral(connections: readonly ConnectionFacts[]): RecognisedCentral | undefined {
  for (const c of connections) {
    const request = c.pairings.find((p) => p.request.by === 'central' && p.request.features);
    if (!request) continue;
    const f = request.request.features!;
    const matched = candidates().filter((k) => sends(k.persona, f));
    const kind = addressKind(c);
    const base = { connection: c.number, frame: request.request.frame, addressKind: kind };
    if (!matched.length) {
      return { ...base, personas: [], titles: [], strength: 'possible', ruleConfidence: 'unknown', words: `not recognised: no persona in fixtures/personas sends this Pairing Request (${featuresWords(f)}; connection ${c.number}, frame ${request.request.frame})` };
    }
    const titles = [...new Set(matched.map((k) => k.persona.title))];
    const rpa = matched.map((k) => k.persona.central!.privacy.value.rpa);
    const addressAgrees = kind === 'not seen' ? undefined : rpa.every((r) => r === (kind === 'resolvable private'));
    const ruleConfidence = weakest(matched.flatMap((k) => COMPARED.map((key) => k.persona.central!.securityManager[key].confidence)));
    const strength: RecognitionStrength = titles.length === 1 && addressAgrees !== false ? 'likely' : 'possible';
    const address =
      kind === 'not seen'
        ? 'the central\'s address kind is not in this capture'
        : `the central connected from a ${kind} address, which ${addressAgrees ? 'agrees with' : 'does not agree with'} ${titles.length > 1 ? 'their' : 'its'} privacy (${rpa.every(Boolean) ? 'a resolvable private address' : rpa.some(Boolean) ? 'some use a resolvable private address' : 'no private address'})`;
    const why =
      strength === 'likely'
        ? 'one platform sends it'
        : titles.length > 1
          ? `${titles.length} platforms send the same Pairing Request`
          : 'the address does not agree';
    const words = `${titles.join(' or ')} (${matched.map((k) => k.spec).join(', ')}): its Pairing Request (${featuresWords(f)}; connection ${c.number}, frame ${request.request.frame}) is the one ${matched.map((k) => `fixtures/personas/${k.spec.split(':')[0]}.yaml${k.spec.includes(':') ? ` (variant ${k.spec.split(':')[1]})` : ''}`).join(' and ')} describe${matched.length === 1 ? 's' : ''}; ${address}. How sure: ${strength} (${why}; the weakest of the Security Manager rules it rests on is "${ruleConfidence}"; other stacks may send the same features)`;
    return { ...base, personas: matched.map((k) => k.spec), titles, ...(addressAgrees !== undefined ? { addressAgrees } : {}), strength, ruleConfidence, words };
  }
  return undefined;
}
