// One security record per link: what the peripheral knows of the key a link is (or could be)
// encrypted with. Written where each fact arises: the link's Encryption Change, the key the kernel
// share hands the controller (a stored key, or the key bleno's own SMP just loaded), the peripheral's
// Security Manager when it pairs or encrypts, and the stored keys when the link comes up. Read by
// the ATT server's access checks and by the pairing report. Core v5.4 Vol 3 Part C 10.2 (LE
// security mode 1), Vol 3 Part H 2.3.4 (key size), 2.3.5 (association models).
import { MGMT_LTK_TYPE } from '../../common/base/codes/mgmt.js';
import type { LinkSecurityState } from '../../common/stack/gatt/index.js';
import type { KernelShareLtk } from '../../common/stack/hci/kernel-share.js';
import type { KeySecurity } from '../../common/stack/smp/key-security.js';

/** Key types that come from a pairing with MITM protection, and from LE Secure Connections. */
const AUTHENTICATED_KEY_TYPES = new Set<number>([MGMT_LTK_TYPE.AUTHENTICATED, MGMT_LTK_TYPE.AUTHENTICATED_P256]);
const SC_KEY_TYPES = new Set<number>([MGMT_LTK_TYPE.UNAUTHENTICATED_P256, MGMT_LTK_TYPE.AUTHENTICATED_P256, MGMT_LTK_TYPE.DEBUG_P256]);

/** A key's strength, wherever it came from. */
export interface KeyFacts {
  readonly authenticated: boolean;
  readonly secureConnections: boolean;
  readonly keySize: number;
  /** `pairing`: the peripheral's Security Manager; `kernel`: the key the kernel (share) gave the controller; `stored`: a key kept for this central. */
  readonly source: 'pairing' | 'kernel' | 'stored';
}

export interface SecurityRecord {
  readonly handle: number;
  readonly peer: string;
  /** Encryption Change with encryption on, and not off since. */
  encrypted: boolean;
  /** The key the link is encrypted with now (valid while encrypted). */
  inUse: KeyFacts | undefined;
  /** A key kept for this central (a bond, or a key from an earlier pairing). */
  stored: KeyFacts | undefined;
}

/** A key this peripheral keeps for a central (a bond), in facts rather than MGMT key types. */
export interface KeptBond extends KeyFacts {
  readonly peerAddress: string;
  readonly peerAddressType: 'public' | 'random';
  /** Made with the spec's debug P-256 key (LE Secure Connections debug mode): anyone on the air can work it out. */
  readonly debugKey: boolean;
  readonly ediv: number;
}

/** The peripheral's (responder's) keys among those kept. */
export function keptBonds(keys: readonly KernelShareLtk[]): KeptBond[] {
  return keys
    .filter((k) => !k.central)
    .map((k) => ({ ...keyFactsOf(k, 'stored'), peerAddress: k.peerAddress, peerAddressType: k.peerAddressType, debugKey: k.keyType === MGMT_LTK_TYPE.DEBUG_P256, ediv: k.ediv }));
}

/** A kept MGMT key's facts. */
export function keyFactsOf(k: Pick<KernelShareLtk, 'keyType' | 'encSize'>, source: KeyFacts['source']): KeyFacts {
  return { authenticated: AUTHENTICATED_KEY_TYPES.has(k.keyType), secureConnections: SC_KEY_TYPES.has(k.keyType), keySize: k.encSize, source };
}

/** The facts of the Security Manager's key. */
export function keyFactsOfSession(s: KeySecurity): KeyFacts {
  return { authenticated: s.authenticated, secureConnections: s.secureConnections, keySize: s.keySize, source: 'pairing' };
}

export class SecurityRecords {
  private readonly links = new Map<number, SecurityRecord>();

  /** A link came up; `stored` is the key kept for this central, if any. */
  open(handle: number, peer: string, stored: KeyFacts | undefined): SecurityRecord {
    const r: SecurityRecord = { handle, peer, encrypted: false, inUse: undefined, stored };
    this.links.set(handle, r);
    return r;
  }

  close(handle: number): void {
    this.links.delete(handle);
  }

  get(handle: number | undefined): SecurityRecord | undefined {
    return handle === undefined ? undefined : this.links.get(handle);
  }

  /** HCI Encryption Change (or Key Refresh Complete) on the link. */
  encryption(handle: number, encrypted: boolean): void {
    const r = this.links.get(handle);
    if (!r) return;
    r.encrypted = encrypted;
    if (!encrypted) r.inUse = undefined;
  }

  /** The key the link is being encrypted with (the Security Manager's outcome, or the key the kernel handed over). */
  keyInUse(handle: number, key: KeyFacts): void {
    const r = this.links.get(handle);
    if (!r) return;
    // The Security Manager knows more than the kernel's key type (a debug key, the exact method): it is not overwritten by it.
    if (key.source === 'kernel' && r.inUse?.source === 'pairing' && r.encrypted) return;
    r.inUse = key;
  }

  /** The keys kept for a central changed (a bond made or forgotten). */
  storedFor(peer: string, stored: KeyFacts | undefined): void {
    for (const r of this.links.values()) if (r.peer === peer) r.stored = stored;
  }

  /** What checkSecurity reads (common/stack/gatt/security-rule.ts). */
  state(handle: number | undefined, authorized: boolean): LinkSecurityState {
    const r = this.get(handle);
    if (!r) return { encrypted: false, authenticated: false, keyExists: false, authorized };
    const key = r.encrypted ? (r.inUse ?? r.stored) : r.stored;
    const state: LinkSecurityState = {
      encrypted: r.encrypted,
      // Encrypted: the key in use; not encrypted: the key kept (0x05 or 0x0F, Vol 3 Part C 10.3.2).
      authenticated: key?.authenticated ?? false,
      keyExists: r.stored !== undefined || r.inUse !== undefined,
      authorized,
    };
    return r.encrypted && key ? { ...state, keySize: key.keySize } : state;
  }
}
