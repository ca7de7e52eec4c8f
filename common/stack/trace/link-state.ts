// What the tap knows about each connection: the facts a security policy asks for (is this link encrypted?
// with what key? who paired, how, and did it fail?), built from the timeline entries as they pass.
// Core v5.4 Vol 4 Part E 7.7.5 (Disconnection Complete), 7.7.8 (Encryption Change), 7.7.39 (Key Refresh),
// 7.7.65.1/.10 (LE (Enhanced) Connection Complete), 7.7.65.5 (LTK Request), 7.8.24-26 (encryption commands),
// 7.5.7 (Read Encryption Key Size); Vol 3 Part H 3.5-3.6 (SMP), 2.3.4 (key size: the smaller maximum).
import { EVT, LE_EVT, OP, hciStatus } from '../../base/codes/hci.js';
import { SMP_CODE, pairingMethod, smpReason, type AuthReqFlags, type PairingMethod } from '../../base/codes/smp.js';
import type { EncryptionChangeFields, LeConnectionCompleteFields } from './hci-events.js';
import type { SmpPairingFields } from './smp-decode.js';
import type { Direction, TimelineEntry } from './timeline.js';

/** Who did something, from this host's point of view. */
export type LocalOrRemote = 'local' | 'remote';

export interface PairingState {
  /** Who sent the Pairing Request. */
  initiator: LocalOrRemote;
  startedAtMs: number;
  /** A Security Request seen before or during pairing. Vol 3 Part H 3.6.7. */
  securityRequest?: { sentBy: LocalOrRemote; authReq: number; authReqFlags: AuthReqFlags; atMs: number };
  request?: SmpPairingFields;
  response?: SmpPairingFields;
  /** Both sides set the SC bit: LE Secure Connections; otherwise LE legacy pairing. */
  secureConnections?: boolean;
  /** The association model the two feature exchanges select. Vol 3 Part H 2.3.5.1. */
  method?: PairingMethod;
  /** The smaller of the two Maximum Encryption Key Sizes. */
  keySize?: number;
  confirms: number;
  randoms: number;
  failed?: { reason: number; reasonName: string; reasonMeaning: string; sentBy: LocalOrRemote; atMs: number };
  /** Keys handed over during key distribution (hex in wire order). Vol 3 Part H 3.6. */
  keys: { kind: 'LTK' | 'EDIV/Rand' | 'IRK' | 'Identity Address' | 'CSRK'; sentBy: LocalOrRemote; value: string }[];
}

export interface LinkState {
  handle: number;
  /** This host's role on the link. */
  role: 'central' | 'peripheral';
  peerAddress: string;
  peerAddressType: number;
  peerAddressTypeName: string;
  /** This host's address on the link, when the tap saw enough to know it (Read BD_ADDR, LE Set Random Address, own address type). */
  localAddress?: string;
  localAddressType?: 'public' | 'random';
  connectedAtMs: number;
  connected: boolean;
  /** 1.25 ms units, as in LE Connection Complete / Connection Update Complete. */
  connectionInterval: number;
  peripheralLatency: number;
  /** 10 ms units. */
  supervisionTimeout: number;
  encrypted: boolean;
  /** Status of the last Encryption Change / Key Refresh Complete (0x06 PIN or Key Missing when the keys differ). */
  encryptionStatus?: number;
  encryptionStatusName?: string;
  encryptionChanges: number;
  keySize?: number;
  /** 'hci': Read Encryption Key Size or Encryption Change v2; 'smp': the pairing exchange on this link. */
  keySizeSource?: 'hci' | 'smp';
  /** The LTK handed to the controller (LE Enable Encryption as central, LTK Request Reply as peripheral). */
  ltk?: { longTermKey: string; ediv: number; rand: string; via: 'LE Enable Encryption' | 'LE Long Term Key Request Reply' };
  /** The controller asked this host for an LTK. */
  ltkRequest?: { ediv: number; rand: string; atMs: number };
  /** This host answered the LTK Request with a Negative Reply. */
  ltkNegativeReply?: boolean;
  pairing?: PairingState;
  disconnectedAtMs?: number;
  disconnectReason?: number;
  disconnectReasonName?: string;
  /** 'local' when this host sent HCI Disconnect for the link. */
  disconnectedBy?: LocalOrRemote;
  /**
   * The peer's identity address when it is not the address on the air: distributed on this link
   * (Identity Address Information, Vol 3 Part H 3.6.5), or found by the host's resolver (a stored IRK
   * resolved the RPA: Vol 6 Part B 1.3.2.3). (A controller that resolved the peer gives the identity
   * as the link's peer address itself.)
   */
  peerIdentity?: { address: string; type: 'public' | 'random'; via: 'distributed' | 'irk' };
  /**
   * The peer's RPA on the air when the controller resolved it: LE Enhanced Connection Complete's
   * Peer_Resolvable_Private_Address (Vol 4 Part E 7.7.65.10); `peerAddress` is then the identity.
   */
  peerRpa?: string;
}

export type LinkEvent = { event: 'link' | 'encryption' | 'disconnect' | 'pairing'; link: LinkState };

const NO_ADDRESS = '00:00:00:00:00:00';
const side = (dir: Direction): LocalOrRemote => (dir === 'tx' ? 'local' : 'remote');

export class LinkTracker {
  private readonly current = new Map<number, LinkState>();
  private all: LinkState[] = [];
  /** Links kept after they disconnected (the latest first to stay): Infinity keeps every link seen. */
  private readonly keepClosed: number;

  constructor(options: { keepDisconnected?: number } = {}) {
    this.keepClosed = options.keepDisconnected ?? Infinity;
  }
  private publicAddress: string | undefined;
  private randomAddress: string | undefined;
  private advertisingOwnType = 0;
  private initiatingOwnType = 0;
  private readonly disconnectAsked = new Set<number>();

  link(handle: number): LinkState | undefined {
    return this.current.get(handle);
  }

  /** Every link seen, oldest first: the connected ones and the last `keepDisconnected` that disconnected. */
  links(): LinkState[] {
    return [...this.all];
  }

  /** A link disconnected: beyond the bound, the oldest disconnected links are forgotten (a long run keeps no history). */
  private forgetOldLinks(): void {
    if (this.keepClosed === Infinity) return;
    let closed = 0;
    for (const l of this.all) if (!l.connected) closed++;
    if (closed <= this.keepClosed) return;
    let drop = closed - this.keepClosed;
    this.all = this.all.filter((l) => l.connected || drop-- <= 0);
    const kept = new Set(this.all);
    for (const [h, l] of this.current) if (!kept.has(l)) this.current.delete(h);
  }

  /** Update from one entry; returns what changed, for the tap's events. Never throws on odd fields. */
  apply(e: TimelineEntry, out: LinkEvent[]): void {
    const f = e.fields;
    switch (e.layer) {
      case 'hci-cmd':
        this.command(f);
        return;
      case 'hci-evt':
        this.event(e, f, out);
        return;
      case 'smp':
        this.smp(e, f, out);
        return;
      default:
    }
  }

  private command(f: Record<string, unknown>): void {
    switch (f.opcode) {
      case OP.LE_SET_RANDOM_ADDRESS:
        this.randomAddress = f.randomAddress as string;
        return;
      case OP.LE_SET_ADVERTISING_PARAMETERS:
      case OP.LE_SET_EXTENDED_ADVERTISING_PARAMETERS:
        this.advertisingOwnType = f.ownAddressType as number;
        return;
      case OP.LE_CREATE_CONNECTION:
      case OP.LE_EXTENDED_CREATE_CONNECTION:
        this.initiatingOwnType = f.ownAddressType as number;
        return;
      case OP.DISCONNECT:
        this.disconnectAsked.add(f.handle as number);
        return;
      case OP.LE_ENABLE_ENCRYPTION: {
        const l = this.current.get(f.handle as number);
        if (l) l.ltk = { longTermKey: f.longTermKey as string, ediv: f.encryptedDiversifier as number, rand: f.randomNumber as string, via: 'LE Enable Encryption' };
        return;
      }
      case OP.LE_LONG_TERM_KEY_REQUEST_REPLY: {
        const l = this.current.get(f.handle as number);
        if (l) {
          l.ltk = { longTermKey: f.longTermKey as string, ediv: l.ltkRequest?.ediv ?? 0, rand: l.ltkRequest?.rand ?? '0000000000000000', via: 'LE Long Term Key Request Reply' };
          l.ltkNegativeReply = false;
        }
        return;
      }
      case OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY: {
        const l = this.current.get(f.handle as number);
        if (l) l.ltkNegativeReply = true;
        return;
      }
      default:
    }
  }

  private event(e: TimelineEntry, f: Record<string, unknown>, out: LinkEvent[]): void {
    const code = e.raw[1];
    if (code === EVT.LE_META) {
      const sub = f.subevent;
      if (sub === LE_EVT.CONNECTION_COMPLETE || sub === LE_EVT.ENHANCED_CONNECTION_COMPLETE) this.connected(e, f as unknown as LeConnectionCompleteFields, out);
      else if (sub === LE_EVT.LONG_TERM_KEY_REQUEST) {
        const l = this.current.get(f.handle as number);
        if (l) l.ltkRequest = { ediv: f.encryptedDiversifier as number, rand: f.randomNumber as string, atMs: e.ms };
      } else if (sub === LE_EVT.CONNECTION_UPDATE_COMPLETE && f.status === 0) {
        const l = this.current.get(f.handle as number);
        if (l) {
          l.connectionInterval = f.connectionInterval as number;
          l.peripheralLatency = f.peripheralLatency as number;
          l.supervisionTimeout = f.supervisionTimeout as number;
        }
      }
      return;
    }
    switch (code) {
      case EVT.ENCRYPTION_CHANGE:
      case EVT.ENCRYPTION_CHANGE_V2: {
        const c = f as unknown as EncryptionChangeFields;
        const l = this.current.get(c.handle);
        if (!l) return;
        l.encryptionStatus = c.status;
        l.encryptionStatusName = c.statusName;
        l.encrypted = c.enabled;
        l.encryptionChanges++;
        if (c.encryptionKeySize !== undefined && c.status === 0) {
          l.keySize = c.encryptionKeySize;
          l.keySizeSource = 'hci';
        }
        out.push({ event: 'encryption', link: l });
        return;
      }
      case EVT.ENCRYPTION_KEY_REFRESH_COMPLETE: {
        const l = this.current.get(f.handle as number);
        if (!l) return;
        l.encryptionStatus = f.status as number;
        l.encryptionStatusName = f.statusName as string;
        if (f.status === 0) l.encrypted = true;
        l.encryptionChanges++;
        out.push({ event: 'encryption', link: l });
        return;
      }
      case EVT.DISCONNECTION_COMPLETE: {
        if (f.status !== 0) return;
        const l = this.current.get(f.handle as number);
        if (!l) return;
        l.connected = false;
        l.encrypted = false;
        l.disconnectedAtMs = e.ms;
        l.disconnectReason = f.reason as number;
        l.disconnectReasonName = hciStatus(f.reason as number).name;
        l.disconnectedBy = this.disconnectAsked.delete(l.handle) ? 'local' : 'remote';
        out.push({ event: 'disconnect', link: l });
        this.forgetOldLinks();
        return;
      }
      case EVT.COMMAND_COMPLETE:
        if (f.status !== 0) return;
        if (f.commandOpcode === OP.READ_BD_ADDR) {
          this.publicAddress = f.bdAddr as string;
          for (const l of this.current.values()) if (l.localAddressType === 'public') l.localAddress = this.publicAddress;
        } else if (f.commandOpcode === OP.READ_ENCRYPTION_KEY_SIZE) {
          const l = this.current.get(f.handle as number);
          if (l) {
            l.keySize = f.keySize as number;
            l.keySizeSource = 'hci';
          }
        }
        return;
      default:
    }
  }

  private connected(e: TimelineEntry, c: LeConnectionCompleteFields, out: LinkEvent[]): void {
    if (c.status !== 0) return;
    const role = c.role === 1 ? 'peripheral' : 'central';
    const ownType = role === 'central' ? this.initiatingOwnType : this.advertisingOwnType;
    const l: LinkState = {
      handle: c.handle,
      role,
      peerAddress: c.peerAddress,
      peerAddressType: c.peerAddressType,
      peerAddressTypeName: c.peerAddressTypeName,
      connectedAtMs: e.ms,
      connected: true,
      connectionInterval: c.connectionInterval,
      peripheralLatency: c.peripheralLatency,
      supervisionTimeout: c.supervisionTimeout,
      encrypted: false,
      encryptionChanges: 0,
    };
    // Own address types 0x00/0x02 fall back to the public address, 0x01/0x03 to the random one. Vol 4 Part E 7.8.5.
    if (c.localResolvablePrivateAddress && c.localResolvablePrivateAddress !== NO_ADDRESS) {
      l.localAddress = c.localResolvablePrivateAddress;
      l.localAddressType = 'random';
    } else if (ownType === 1 || ownType === 3) {
      l.localAddressType = 'random';
      if (this.randomAddress) l.localAddress = this.randomAddress;
    } else {
      l.localAddressType = 'public';
      if (this.publicAddress) l.localAddress = this.publicAddress;
    }
    if (c.peerResolvablePrivateAddress && c.peerResolvablePrivateAddress !== NO_ADDRESS) l.peerRpa = c.peerResolvablePrivateAddress;
    this.disconnectAsked.delete(c.handle);
    this.current.set(c.handle, l);
    this.all.push(l);
    out.push({ event: 'link', link: l });
  }

  private smp(e: TimelineEntry, f: Record<string, unknown>, out: LinkEvent[]): void {
    if (e.handle === undefined) return;
    const l = this.current.get(e.handle);
    if (!l) return;
    const by = side(e.dir);
    const code = f.code as number;
    if (code === SMP_CODE.PAIRING_REQUEST) {
      // A new Pairing Request starts a new exchange on the link.
      const sr = l.pairing?.securityRequest;
      l.pairing = { initiator: by, startedAtMs: e.ms, request: f as unknown as SmpPairingFields, confirms: 0, randoms: 0, keys: [] };
      if (sr) l.pairing.securityRequest = sr;
      out.push({ event: 'pairing', link: l });
      return;
    }
    if (code === SMP_CODE.SECURITY_REQUEST) {
      const sr = { sentBy: by, authReq: f.authReq as number, authReqFlags: f.authReqFlags as AuthReqFlags, atMs: e.ms };
      if (l.pairing && !l.pairing.failed && !l.pairing.response) l.pairing.securityRequest = sr;
      else l.pairing = { initiator: by === 'local' ? 'remote' : 'local', startedAtMs: e.ms, securityRequest: sr, confirms: 0, randoms: 0, keys: [] };
      out.push({ event: 'pairing', link: l });
      return;
    }
    const p = l.pairing ?? (l.pairing = { initiator: by === 'local' ? 'remote' : 'local', startedAtMs: e.ms, confirms: 0, randoms: 0, keys: [] });
    switch (code) {
      case SMP_CODE.PAIRING_RESPONSE: {
        const rsp = f as unknown as SmpPairingFields;
        p.response = rsp;
        if (p.request) {
          p.secureConnections = p.request.authReqFlags.secureConnections && rsp.authReqFlags.secureConnections;
          p.method = pairingMethod(p.request, rsp);
          p.keySize = Math.min(p.request.maxEncryptionKeySize, rsp.maxEncryptionKeySize);
          if (l.keySizeSource !== 'hci') {
            l.keySize = p.keySize;
            l.keySizeSource = 'smp';
          }
        }
        out.push({ event: 'pairing', link: l });
        return;
      }
      case SMP_CODE.PAIRING_CONFIRM:
        p.confirms++;
        return;
      case SMP_CODE.PAIRING_RANDOM:
        p.randoms++;
        return;
      case SMP_CODE.PAIRING_FAILED: {
        const r = smpReason(f.reason as number);
        p.failed = { reason: r.code, reasonName: r.name, reasonMeaning: r.meaning, sentBy: by, atMs: e.ms };
        out.push({ event: 'pairing', link: l });
        return;
      }
      case SMP_CODE.ENCRYPTION_INFORMATION:
        p.keys.push({ kind: 'LTK', sentBy: by, value: f.longTermKey as string });
        return;
      case SMP_CODE.CENTRAL_IDENTIFICATION:
        p.keys.push({ kind: 'EDIV/Rand', sentBy: by, value: `${(f.ediv as number).toString(16).padStart(4, '0')}/${String(f.rand)}` });
        return;
      case SMP_CODE.IDENTITY_INFORMATION:
        p.keys.push({ kind: 'IRK', sentBy: by, value: f.identityResolvingKey as string });
        return;
      case SMP_CODE.IDENTITY_ADDRESS_INFORMATION:
        p.keys.push({ kind: 'Identity Address', sentBy: by, value: `${String(f.address)} (${String(f.addressTypeName)})` });
        if (by === 'remote' && String(f.address).toUpperCase() !== l.peerAddress.toUpperCase()) {
          l.peerIdentity = { address: String(f.address).toUpperCase(), type: f.addressType === 1 ? 'random' : 'public', via: 'distributed' };
        }
        return;
      case SMP_CODE.SIGNING_INFORMATION:
        p.keys.push({ kind: 'CSRK', sentBy: by, value: f.signatureKey as string });
        return;
      default:
    }
  }
}
