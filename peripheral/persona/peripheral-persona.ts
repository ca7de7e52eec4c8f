// A peripheral persona as blebench's peripheral serves it (`blebench peripheral --as macos`): the
// profile's security is what the platform's API can say (macOS CBPeripheralManager: only
// "EncryptionRequired" per read, write, notify, indicate), answered with the persona's ATT error, and
// its Security Manager answers a Pairing Request as the persona does. What is not acted out is listed.
import { BadInputError } from '../../common/base/errors/blebench-error.js';
import type { ResolvedCharacteristic, ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import { MIN_KEY_SIZE, needsEncryption, type GattOperation, type SecurityRequirement } from '../../common/stack/gatt/security-levels.js';
import type { Persona, PeripheralAnswer, PeripheralPersona, Rule } from '../../common/apps/persona/persona-types.js';
import type { PairingConfig } from '../../common/stack/smp/pairing-config.js';

/** The macOS permission or property each operation's encryption requirement becomes (developer.apple.com CBAttributePermissions, CBCharacteristicProperties). */
const SETTING_OF: Record<GattOperation, string> = {
  read: 'readEncryptionRequired',
  write: 'writeEncryptionRequired',
  writeWithoutResponse: 'writeEncryptionRequired',
  notify: 'notifyEncryptionRequired',
  indicate: 'indicateEncryptionRequired',
};

export interface PeripheralPersonaSetup {
  profile: ResolvedProfile;
  config: Partial<PairingConfig>;
  /** When the persona's peripheral sends a Security Request (security-requests.ts). */
  securityRequest: PeripheralPersona['securityRequest']['value'];
  /** One line per change and per rule not acted out, with the rule's source and confidence. */
  said: string[];
}

function peripheralPartOf(persona: Persona): PeripheralPersona {
  if (persona.peripheral) return persona.peripheral;
  throw new BadInputError('BAD_FLAG', `--as ${persona.name}: ${persona.source} describes ${persona.title} as a central only; it has no "peripheral" part`, { path: '--as', file: persona.source });
}

const cite = (r: Rule<unknown>) => `(${r.confidence}: ${r.source})`;

export function peripheralPersonaSetup(persona: Persona, profile: ResolvedProfile): PeripheralPersonaSetup {
  const p = peripheralPartOf(persona);
  const said: string[] = [];
  const answerFor = (op: GattOperation): Rule<PeripheralAnswer> | undefined => p.answers[SETTING_OF[op]] ?? (op === 'indicate' ? p.answers[SETTING_OF.notify] : undefined);
  const asPersona = (c: ResolvedCharacteristic): ResolvedCharacteristic => {
    const security = { ...c.security };
    for (const op of Object.keys(security) as GattOperation[]) {
      const req = security[op];
      if (!needsEncryption(req.level)) continue;
      const rule = answerFor(op);
      if (!rule) {
        said.push(`"${c.name}" × ${op}: ${persona.title} has no rule for ${SETTING_OF[op]}; served as the profile says`);
        continue;
      }
      const next: SecurityRequirement = { level: rule.value.justWorksEnough ? 'encrypted' : 'authenticated', minKeySize: MIN_KEY_SIZE, errorOverride: Number.parseInt(rule.value.unencrypted, 16) };
      security[op] = next;
      said.push(`"${c.name}" × ${op}: ${SETTING_OF[op]}; answers ${rule.value.unencrypted} until the link is ${next.level}, no key-size check ${cite(rule)}`);
    }
    return { ...c, security };
  };
  const served: ResolvedProfile = { ...profile, services: profile.services.map((s) => ({ ...s, characteristics: s.characteristics.map(asPersona) })) };
  const pairing = p.onPairingRequest;
  const config: Partial<PairingConfig> = pairing.value === 'silence' ? { pairable: true, silentToPairingRequests: true } : { pairable: pairing.value === 'accept' };
  const answer = { accept: 'accepted', refuse: 'refused (Pairing Failed 0x05 Pairing Not Supported; the reason macOS sends is not known)', silence: "left unanswered (the central's SMP timeout, 30 s, ends its pairing: Vol 3 Part H 3.4)" }[pairing.value];
  said.push(`a Pairing Request: ${answer} ${cite(pairing)}`);
  if (p.securityRequest.value !== 'never') said.push(`a Security Request: sent ${p.securityRequest.value === 'on-connect' ? 'at the central\'s first request on each link' : 'after each 0x05/0x0F refusal on a link not yet encrypted (once per link)'} ${cite(p.securityRequest)}`);
  return { profile: served, config, securityRequest: p.securityRequest.value, said };
}
