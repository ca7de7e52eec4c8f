// Phase 1, the Pairing Feature Exchange: what we put in a Pairing Request or Response and what both
// together decide. Core v5.4 Vol 3 Part H 2.3 (features), 2.3.4 (key size), 2.3.5.1 (method),
// 3.5.1-3.5.2 (fields), Vol 3 Part C 10.2.4 (Secure Connections Only mode).
import { AUTH_REQ, ENCRYPTION_KEY_SIZE, KEY_DIST, OOB_DATA_FLAG, SMP_REASON } from '../../base/codes/smp.js';
import { associationModel } from './association-model.js';
import { ioCapabilityCode, type KeySet, type PairingConfig } from './pairing-config.js';
import type { PairingFeatures } from './pdu.js';
import type { Negotiated } from './phase-context.js';
import { hex } from '../../base/codes/code-table.js';

export const keySetBits = (k: KeySet): number => (k.encKey ? KEY_DIST.ENC_KEY : 0) | (k.idKey ? KEY_DIST.ID_KEY : 0) | (k.signKey ? KEY_DIST.SIGN_KEY : 0);

/** Key distribution bits defined for LE (EncKey, IdKey, SignKey); LinkKey and reserved bits are never set here. */
const LE_KEY_BITS = KEY_DIST.ENC_KEY | KEY_DIST.ID_KEY | KEY_DIST.SIGN_KEY;

export function authReqOf(c: PairingConfig): number {
  return (
    (c.bonding ? AUTH_REQ.BONDING : AUTH_REQ.NO_BONDING) |
    (c.mitm !== 'no' ? AUTH_REQ.MITM : 0) |
    (c.secureConnections !== 'no' ? AUTH_REQ.SC : 0) |
    (c.keypress ? AUTH_REQ.KEYPRESS : 0)
  );
}

/** OOB data flag: legacy: we hold a TK; Secure Connections: we hold the peer's OOB data. Vol 3 Part H 3.5.1. */
function oobFlag(c: PairingConfig, secureConnections: boolean): number {
  const has = secureConnections ? !!c.oob?.secureConnections?.peer : !!c.oob?.legacyTk;
  return has ? OOB_DATA_FLAG.PRESENT : OOB_DATA_FLAG.NOT_PRESENT;
}

/** Our Pairing Request. The OOB flag follows the SC data when we may use SC, else the legacy TK. */
export function pairingRequestFeatures(c: PairingConfig): PairingFeatures {
  const keys = c.bonding ? { i: keySetBits(c.keyDistribution.initiator), r: keySetBits(c.keyDistribution.responder) } : { i: 0, r: 0 };
  return {
    ioCapability: ioCapabilityCode(c.ioCapability),
    oobDataFlag: Math.max(oobFlag(c, c.secureConnections !== 'no'), oobFlag(c, false)),
    authReq: authReqOf(c),
    maxKeySize: c.maxKeySize,
    initiatorKeyDistribution: keys.i,
    responderKeyDistribution: keys.r,
  };
}

/** Our Pairing Response to `req`: key distribution is what was asked and we agree to. Vol 3 Part H 3.6.1. */
export function pairingResponseFeatures(c: PairingConfig, req: PairingFeatures): PairingFeatures {
  const sc = (req.authReq & AUTH_REQ.SC) !== 0 && c.secureConnections !== 'no';
  return {
    ioCapability: ioCapabilityCode(c.ioCapability),
    oobDataFlag: oobFlag(c, sc),
    authReq: authReqOf(c),
    maxKeySize: c.maxKeySize,
    initiatorKeyDistribution: c.bonding ? req.initiatorKeyDistribution & keySetBits(c.keyDistribution.initiator) : 0,
    responderKeyDistribution: c.bonding ? req.responderKeyDistribution & keySetBits(c.keyDistribution.responder) : 0,
  };
}

export type Negotiation = { ok: true; negotiated: Negotiated } | { ok: false; reason: number; why: string };

/** Invalid field values in a Pairing Request/Response: Invalid Parameters. Vol 3 Part H 3.5.1. */
export function invalidFeatures(f: PairingFeatures, kind: string): string | undefined {
  if (f.ioCapability > 0x04) return `${kind} with the reserved IO capability ${hex(f.ioCapability)}`;
  if (f.oobDataFlag > 0x01) return `${kind} with the reserved OOB data flag ${hex(f.oobDataFlag)}`;
  if (f.maxKeySize < ENCRYPTION_KEY_SIZE.MIN || f.maxKeySize > ENCRYPTION_KEY_SIZE.MAX) return `${kind} with a maximum key size of ${f.maxKeySize} (7 to 16 allowed)`;
  return undefined;
}

/** What both sides' features decide, judged by the local config (`c`). */
export function negotiate(c: PairingConfig, preq: Buffer, pres: Buffer, request: PairingFeatures, response: PairingFeatures): Negotiation {
  const secureConnections = (request.authReq & AUTH_REQ.SC) !== 0 && (response.authReq & AUTH_REQ.SC) !== 0;
  if (c.secureConnections === 'only' && !secureConnections) {
    return { ok: false, reason: SMP_REASON.AUTHENTICATION_REQUIREMENTS, why: 'this side is in Secure Connections Only mode and the peer offers only LE legacy pairing' };
  }
  const keySize = Math.min(request.maxKeySize, response.maxKeySize);
  if (keySize < c.minKeySize) {
    return { ok: false, reason: SMP_REASON.ENCRYPTION_KEY_SIZE, why: `the key would be ${keySize} octets; this side needs at least ${c.minKeySize}` };
  }
  const model = associationModel(request, response);
  if (c.mitm === 'required' && !model.authenticated) {
    return { ok: false, reason: SMP_REASON.AUTHENTICATION_REQUIREMENTS, why: `MITM protection is required, but the IO capabilities allow only ${model.method}` };
  }
  const bothBond = (f: PairingFeatures) => (f.authReq & AUTH_REQ.BONDING_FLAGS_MASK) === AUTH_REQ.BONDING;
  return {
    ok: true,
    negotiated: {
      preq,
      pres,
      request,
      response,
      secureConnections,
      model,
      keySize,
      bonding: bothBond(request) && bothBond(response),
      keypress: (request.authReq & response.authReq & AUTH_REQ.KEYPRESS) !== 0,
      initiatorKeys: response.initiatorKeyDistribution & LE_KEY_BITS,
      responderKeys: response.responderKeyDistribution & LE_KEY_BITS,
    },
  };
}
