// security-manager: (per role) → the PairingConfig that role's Security Manager runs with. Without the
// block the role keeps its stack's SMP (noble's/bleno's LE legacy Just Works). Core v5.4 Vol 3 Part H 2.3.
import { BadInputError } from '../../base/errors/blebench-error.js';
import { DEFAULT_PAIRING_CONFIG, pairingConfig, type IoCapabilityName, type PairingConfig } from '../../stack/smp/pairing-config.js';
import type { SecurityManagerInput } from './scenario-input.js';
import { DEFAULT_RPA_TIMEOUT_S, type RolePrivacy } from '../../stack/smp/privacy-setup.js';

/** The block's privacy (who makes the RPA and how often) and resolution; undefined when it says nothing of them. */
export function privacyOf(input: SecurityManagerInput | undefined): RolePrivacy | undefined {
  const out: RolePrivacy = {};
  if (input?.privacy) out.privacy = { mode: input.privacy, rpaTimeoutS: input['rpa-timeout'] ?? DEFAULT_RPA_TIMEOUT_S };
  if (input?.['resolve-private-addresses'] === false) out.resolvePrivateAddresses = false;
  return Object.keys(out).length ? out : undefined;
}

/** The block as a complete config, or a problem naming the field. */
export function securityManagerConfig(input: SecurityManagerInput, role: 'central' | 'peripheral' = 'central'): { ok: true; config: PairingConfig } | { ok: false; field: string; problem: string } {
  const o: Partial<PairingConfig> = {};
  if (input['identity-key'] === false) {
    // This role's own IdKey: the initiator's keys as central, the responder's as peripheral (Vol 3 Part H 3.6.1).
    const d = DEFAULT_PAIRING_CONFIG.keyDistribution;
    o.keyDistribution = role === 'central' ? { ...d, initiator: { ...d.initiator, idKey: false } } : { ...d, responder: { ...d.responder, idKey: false } };
  }
  if (input['io-capability'] !== undefined) o.ioCapability = input['io-capability'] as IoCapabilityName;
  if (input.bonding !== undefined) o.bonding = input.bonding;
  if (input.mitm !== undefined) o.mitm = input.mitm === true ? 'requested' : input.mitm === false ? 'no' : input.mitm;
  if (input.sc !== undefined) o.secureConnections = input.sc;
  if (input['min-key-size'] !== undefined) o.minKeySize = input['min-key-size'];
  if (input['max-key-size'] !== undefined) o.maxKeySize = input['max-key-size'];
  if (input.passkey !== undefined) o.passkey = typeof input.passkey === 'number' ? { fixed: input.passkey } : input.passkey;
  if (input['numeric-comparison'] !== undefined) o.numericComparison = input['numeric-comparison'];
  if (input['debug-keys'] !== undefined) o.useDebugKeys = input['debug-keys'];
  if (input['accept-debug-keys'] !== undefined) o.acceptDebugKeys = input['accept-debug-keys'];
  if (input.pairable !== undefined) o.pairable = input.pairable;
  if (input['on-repairing'] !== undefined) o.onRepairing = input['on-repairing'];
  try {
    return { ok: true, config: pairingConfig(o) };
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    return { ok: false, field: err.where?.path ?? '', problem: err.message };
  }
}
