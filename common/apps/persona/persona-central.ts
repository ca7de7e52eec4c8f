// A central persona as blebench's central runs it (the matrix's --as columns, a scenario's `central: { as }`): its Security Manager's Pairing Request (IO
// capability, AuthReq, key sizes, key distribution; Core v5.4 Vol 3 Part H 3.5.1), the pairing policy
// and the ATT errors that make it pair (Vol 3 Part C 10.3.2), and what it does when the peer has no key
// for its bond (Encryption Change 0x06). What the run cannot act out yet is listed in `notActed`.
import type { CentralPersona, Persona, PersonaAttError } from './persona-types.js';
import { PERSONA_ATT_ERRORS } from './persona-types.js';
import type { KeySet, PairingConfig } from '../../stack/smp/pairing-config.js';
import { BadInputError } from '../../base/errors/blebench-error.js';
import { DEFAULT_RPA_TIMEOUT_S, type PrivacySetup } from '../../stack/smp/privacy-setup.js';

/** The ATT code a persona file's key ("0x05") names. */
export const attCodeOf = (key: PersonaAttError): number => Number.parseInt(key, 16);

export interface PersonaCentralSetup {
  config: Partial<PairingConfig>;
  /** The central's pairing policy (central/pairing/pairing-policy.ts): on-error when it pairs for any error. */
  policy: 'on-error' | 'never';
  /** The ATT errors the persona raises security for (its encrypt-or-pair rules). */
  cures: ReadonlySet<number>;
  /** The ATT errors after which it pairs again asking for MITM (`then: pair-with-mitm`; central/pairing/mitm-retry.ts). */
  mitmRetry: ReadonlySet<number>;
  /** central/pairing/key-missing-policy.ts */
  onKeyMissing: 'pair' | 'stop';
  /** A resolvable private address made by the host, renewed as the persona does (Vol 3 Part C 10.7); undefined: its public or static address. */
  privacy?: PrivacySetup;
  /** The persona's rules this run does not act out (said in the output, never silently dropped). */
  notActed: string[];
}

/** What a run that cannot give the central the persona's private address says (the matrix walk: one address for every column). */
export const PRIVACY_NOT_ACTED = 'privacy: a resolvable private address (the central keeps one address for every column)';

const keySet = (keys: readonly string[]): KeySet => ({ encKey: keys.includes('encKey'), idKey: keys.includes('idKey'), signKey: keys.includes('signKey') });

/** The persona's central part, or exit 2 for a persona that has none (a peripheral-only persona). */
export function centralPartOf(persona: Persona): CentralPersona {
  if (persona.central) return persona.central;
  throw new BadInputError('BAD_FLAG', `--as ${persona.name}: ${persona.source} describes ${persona.title} as a peripheral only; it has no "central" part`, { path: '--as', file: persona.source });
}

export function personaCentralSetup(persona: Persona): PersonaCentralSetup {
  const c = centralPartOf(persona);
  const sm = c.securityManager;
  const config: Partial<PairingConfig> = {
    ioCapability: sm.ioCapability.value,
    bonding: sm.bonding.value,
    mitm: sm.mitm.value ? 'requested' : 'no',
    secureConnections: sm.secureConnections.value,
    keypress: sm.keypress.value,
    maxKeySize: sm.maxKeySize.value,
    minKeySize: sm.minKeySize.value,
    keyDistribution: { initiator: keySet(sm.keyDistribution.value.initiator), responder: keySet(sm.keyDistribution.value.responder) },
    // The person in front of the phone presses "Pair" / confirms the numbers; a passkey nobody can know is asked (and, in a batch run, cancelled).
    numericComparison: 'accept',
    passkey: 'ask',
  };
  const cures = new Set(PERSONA_ATT_ERRORS.filter((k) => c.onAttError[k].value.action === 'encrypt-or-pair').map(attCodeOf));
  const notActed: string[] = [];
  for (const k of PERSONA_ATT_ERRORS) {
    const r = c.onAttError[k].value;
    // Re-sent once after the pairing, and once more after the MITM pairing (central/pairing/mitm-retry.ts).
    const acted = r.then === 'pair-with-mitm' ? 2 : 1;
    if (r.action === 'encrypt-or-pair' && r.resend > acted) notActed.push(`${k}: re-sent ${r.resend} times (the central re-sends ${acted === 1 ? 'once' : 'twice'})`);
  }
  // blebench's Security Manager answers a Security Request by encrypting or pairing (Vol 3 Part H 2.4.6), as most personas do.
  if (c.onSecurityRequest.value === 'ignore') notActed.push("a Security Request is ignored (blebench's Security Manager encrypts or pairs instead)");
  // Vol 3 Part C 10.7.1.2: a new RPA every T_GAP(private_addr_int); the persona's renewal, else the spec's 15 minutes.
  const minutes = c.privacy.value.renewalMinutes;
  const privacy: PrivacySetup | undefined = c.privacy.value.rpa ? { mode: 'host', rpaTimeoutS: minutes !== undefined ? minutes * 60 : DEFAULT_RPA_TIMEOUT_S } : undefined;
  const mitmRetry = new Set(PERSONA_ATT_ERRORS.filter((k) => c.onAttError[k].value.action === 'encrypt-or-pair' && c.onAttError[k].value.then === 'pair-with-mitm').map(attCodeOf));
  return { config, policy: cures.size ? 'on-error' : 'never', cures, mitmRetry, onKeyMissing: c.onEncryptionFailed['0x06'].value, ...(privacy ? { privacy } : {}), notActed };
}
