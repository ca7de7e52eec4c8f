// What the peripheral knows about the link a request arrives on, for checkSecurity: from the tap
// (encrypted? key size? how was this link paired?) and the stored keys (does this central have a
// key, and from what kind of pairing?). Never bleno's idea of "secure".
// Core v5.4 Vol 3 Part C 10.2 (LE security mode 1), Vol 3 Part H 2.3.5.1 (association models).
import { MGMT_LTK_TYPE } from '../common/codes/mgmt.js';
import type { LinkSecurityState } from '../common/gatt/index.js';
import type { HciTransport } from '../common/hci/transport.js';
import type { LinkState } from '../common/trace/link-state.js';
import type { LoadedBleno } from './bleno/index.js';
import type { KeySecurity } from '../common/smp/key-security.js';

/** Key types that come from a pairing with MITM protection. */
const AUTHENTICATED_KEY_TYPES = new Set<number>([MGMT_LTK_TYPE.AUTHENTICATED, MGMT_LTK_TYPE.AUTHENTICATED_P256]);

export interface StoredKeyInfo {
  readonly authenticated: boolean;
  readonly encSize: number;
}

/** The key this peripheral holds for a central: the transport's kernel share where it has one, else bleno's own list. */
export function storedKey(transport: HciTransport, bleno: LoadedBleno, peerAddress: string): StoredKeyInfo | undefined {
  const share = transport.kernelShare?.longTermKeys.find((k) => k.peerAddress === peerAddress && !k.central);
  if (share) return { authenticated: AUTHENTICATED_KEY_TYPES.has(share.keyType), encSize: share.encSize };
  const own = bleno.storedKeys().find((k) => k.peerAddress === peerAddress);
  return own ? { authenticated: AUTHENTICATED_KEY_TYPES.has(own.keyType), encSize: own.encSize } : undefined;
}

/** True when this link's own pairing selected an association model with MITM protection and did not fail. */
function pairedWithMitm(link: LinkState): boolean {
  const p = link.pairing;
  return p?.method !== undefined && p.method !== 'Just Works' && p.failed === undefined;
}

/**
 * `session`: what the peripheral's own Security Manager says of the key the link is encrypted with now
 * (its pairing or stored-key outcome): whether it came from an authenticated pairing, and its size.
 * When given, it decides over the tap's guess from the pairing PDUs.
 */
export function linkSecurity(link: LinkState | undefined, key: StoredKeyInfo | undefined, authorized: boolean, session?: KeySecurity): LinkSecurityState {
  if (!link?.connected) return { encrypted: false, authenticated: false, keyExists: false, authorized };
  const encrypted = link.encrypted;
  const inUse = encrypted ? session : undefined;
  const state: LinkSecurityState = {
    encrypted,
    authenticated: inUse ? inUse.authenticated : (key?.authenticated ?? false) || (encrypted && pairedWithMitm(link)),
    keyExists: key !== undefined || inUse !== undefined,
    authorized,
  };
  const keySize = encrypted ? (inUse?.keySize ?? link.keySize ?? key?.encSize) : undefined;
  return keySize === undefined ? state : { ...state, keySize };
}
