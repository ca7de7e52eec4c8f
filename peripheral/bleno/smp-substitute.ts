// blebench's Security Manager in place of bleno's SMP, and the keys it hands the kernel (bleno's Mgmt).
import type { LinkState } from '../../common/stack/trace/link-state.js';
import { EventEmitter } from 'node:events';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import { MGMT_IRK_INFO_SIZE, MGMT_LTK_INFO_SIZE, MGMT_OP } from '../../common/base/codes/mgmt.js';
import { loadIrksParams, type MgmtIrkInfo } from '../../common/stack/hci/mgmt-irk-info.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { sameAddress } from '../../common/stack/smp/key-store.js';
import { SMP_CODE } from '../../common/base/codes/smp.js';
import { decodeMgmtLtkInfo, encodeMgmtLtkInfo } from '../../common/stack/hci/mgmt-ltk-info.js';
import { fromWire, toWire } from '../../common/stack/smp/byte-order.js';
import type { DeviceAddress, LongTermKey } from '../../common/stack/smp/engine-types.js';
import { mgmtLtkTypeOf, type KeySecurity } from '../../common/stack/smp/key-security.js';
import { createLinkSession, noteResolvedIdentity, type LinkSession, type SmpSetup } from '../../common/stack/smp/link-session.js';
import type { Tap } from '../../common/stack/trace/tap.js';
import type { Gates } from './hooks.js';
import type { BlenoInternals } from './internals.js';

/** A key bleno loaded into the kernel (MGMT Load Long Term Keys), as bleno keeps it. */
export interface BlenoStoredKey {
  peerAddress: string;
  peerAddressType: 'public' | 'random';
  keyType: number;
  encSize: number;
}

// ---------------------------------------------------------------------------------------------
// blebench's Security Manager in place of bleno's SMP (lib/hci-socket/smp.js: LE legacy Just Works
// only, STK used as LTK, crashes on PDUs out of order). bleno's AclStream (lib/hci-socket/acl-stream.js)
// builds `new Smp(this, localAddressType, localAddress, remoteAddressType, remoteAddress)` (bindings.js
// passes its own address first; bleno's smp.js then calls the remote side the initiator) and never
// listens to it; it emits 'data' (cid, data), 'encryptChange' (encrypted, no status), 'ltkNegReply'
// and 'end'. The kernel (or the transport's kernel share) answers the LE Long Term Key Request, as
// with bleno's own SMP: keys go to it as MGMT Load Long Term Keys through bleno's Mgmt
// (`_ltkInfos` + `loadLongTermKeys()`). The engine also sees the LTK Request, from the tap.
// ---------------------------------------------------------------------------------------------

export interface BlenoSmpState {
  setup: SmpSetup;
  /** Told of every session as its link comes up (the peripheral's security record listens to it). */
  onSession?: (handle: number, session: LinkSession) => void;
  tap: Tap;
  sessions: Map<number, LinkSession>;
  mgmt?: BlenoInternals['mgmt'];
  gates?: Gates;
  /** The peers' IRKs handed to the kernel (MGMT Load Identity Resolving Keys), one per identity. */
  irks: MgmtIrkInfo[];
  transport: HciTransport;
  /** With privacy: our IRK, distributed with our identity address. */
  privacyIrk?: Buffer;
}

/** IRKs one MGMT Load Identity Resolving Keys command can carry (as MGMT_MAX_LTKS for keys): 2,849. */
export const MGMT_MAX_IRKS = Math.floor((0xffff - 2) / MGMT_IRK_INFO_SIZE);

/**
 * Keeps this peer's IRK in the list and loads the whole list into the kernel (or the kernel share),
 * which then resolves the peer's RPAs to its identity before it looks for a key (Linux: load_irks).
 */
export function putMgmtIrk(state: BlenoSmpState, peer: DeviceAddress, irk: Buffer | undefined): void {
  if (state.setup.resolvePrivateAddresses === false) return; // kept in the bond, never handed to the kernel
  state.irks = state.irks.filter((k) => !sameAddress({ address: k.peerAddress, type: k.peerAddressType }, peer));
  if (irk) state.irks.push({ peerAddress: peer.address, peerAddressType: peer.type, irk });
  // One command's parameters are 16 bits long (Key_Count, then 23-octet records): the newest MGMT_MAX_IRKS
  // go to the kernel; the older ones stay in the key store and the session's resolver still uses them.
  if (state.irks.length > MGMT_MAX_IRKS) state.irks.splice(0, state.irks.length - MGMT_MAX_IRKS);
  state.mgmt!.write(MGMT_OP.LOAD_IDENTITY_RESOLVING_KEYS, 0, loadIrksParams(state.irks));
}

/** The parts of bleno's AclStream the substitute uses. */
interface BlenoAclStream extends NodeJS.EventEmitter {
  _handle: number;
  write(cid: number, data: Buffer): void;
}
export interface BlenoHciAddress {
  address?: string;
  addressType?: string;
}

const blenoAddress = (address: string, type: string | undefined): DeviceAddress => ({ address: address.toUpperCase(), type: type === 'random' ? 'random' : 'public' });
export const blenoLocalAddress = (hci: BlenoHciAddress): DeviceAddress => blenoAddress(hci.address ?? '00:00:00:00:00:00', hci.addressType);

/** One MGMT LTK record (common/stack/hci/mgmt-ltk-info.ts) for a key used when the local device is the peripheral. */
export function mgmtLtkInfo(peer: DeviceAddress, ltk: LongTermKey, security: LtkSecurity): Buffer {
  return encodeMgmtLtkInfo({
    peerAddress: peer.address,
    peerAddressType: peer.type,
    keyType: mgmtLtkTypeOf(security),
    central: false,
    encSize: ltk.keySize,
    ediv: ltk.ediv,
    rand: toWire(ltk.rand),
    value: toWire(ltk.key),
  });
}

type LtkSecurity = Pick<KeySecurity, 'authenticated' | 'secureConnections' | 'debugKey'>;

// Address and its type (octets 0-6) and role (octet 8); compared in place: no view made per key (bleno's
// list holds up to 1,820 keys, filtered at every bond).
const sameMgmtPeer = (info: Buffer, entry: Buffer) => info.compare(entry, 0, 7, 0, 7) === 0 && info[8] === entry[8];

/**
 * Keys one MGMT Load Long Term Keys command can carry: its parameter length is 16 bits (Key_Count, then
 * 36-octet entries), so 1,820. bleno writes the length unchecked: one more key threw ERR_OUT_OF_RANGE and
 * ended `blebench peripheral --keys` after 1,820 bonds (the soak of issue 15). Linux caps the same command
 * the same way (net/bluetooth/mgmt.c load_long_term_keys, max_key_count).
 */
export const MGMT_MAX_LTKS = Math.floor((0xffff - 2) / MGMT_LTK_INFO_SIZE);
let warnedMgmtFull = false;

/** Replaces this peer's peripheral-role key in bleno's list (the caller loads the list); the newest MGMT_MAX_LTKS stay. */
export function putMgmtLtk(mgmt: BlenoInternals['mgmt'], peer: DeviceAddress, ltk: LongTermKey | undefined, security: LtkSecurity): void {
  const entry = mgmtLtkInfo(peer, ltk ?? { key: Buffer.alloc(16), ediv: 0, rand: Buffer.alloc(8), keySize: 16 }, security);
  mgmt._ltkInfos = mgmt._ltkInfos.filter((i) => !sameMgmtPeer(i, entry));
  if (ltk) mgmt._ltkInfos.push(entry);
  if (mgmt._ltkInfos.length > MGMT_MAX_LTKS) {
    mgmt._ltkInfos.splice(0, mgmt._ltkInfos.length - MGMT_MAX_LTKS);
    if (!warnedMgmtFull) {
      warnedMgmtFull = true;
      process.emitWarning(`more than ${MGMT_MAX_LTKS} bonds: the oldest keys stay in the key store but are no longer given to the controller's LTK requests (MGMT Load Long Term Keys holds ${MGMT_MAX_LTKS}); those centrals pair again`);
    }
  }
}

/** The constructor bleno's acl-stream.js gets as `require('./smp')` for one load. */
export function blenoSmpSubstitute(state: BlenoSmpState) {
  return class BlenoSmpSession extends EventEmitter {
    readonly session: LinkSession;

    constructor(acl: BlenoAclStream, localAddressType: string, localAddress: string, remoteAddressType: string, remoteAddress: string) {
      super();
      const handle = acl._handle;
      const mgmt = state.mgmt!;
      const peer = blenoAddress(remoteAddress, remoteAddressType);
      // Our address on this link as the tap saw it made (an RPA with privacy): f5/f6 and c1 take the
      // addresses of the connection (Vol 3 Part H 2.2.7, 2.2.3), bleno only knows its public one.
      const seen = state.tap.link(handle);
      const local = seen?.localAddress ? { address: seen.localAddress.toUpperCase(), type: seen.localAddressType ?? 'public' } : blenoAddress(localAddress, localAddressType);
      const load = (ltk: LongTermKey | undefined, security: LtkSecurity) => {
        putMgmtLtk(mgmt, peer, ltk, security);
        mgmt.loadLongTermKeys();
      };
      let answeredWithKey = false;
      const session = createLinkSession({
        ...state.setup,
        role: 'peripheral',
        local,
        peer,
        handle,
        link: {
          sendPdu: (pdu) => acl.write(L2CAP_CID.SMP, pdu),
          ltkReady: (ltk) => {
            const m = session.method;
            const security = { authenticated: !!m && m.method !== 'Just Works', secureConnections: m?.secureConnections ?? !!session.runner?.engine.negotiated?.secureConnections, debugKey: session.debugKey };
            // A pairing again with a bonded central on a private address (Android's MITM retry): the kernel resolves the
            // address to the identity (by its IRK) and answers with the key it holds there, the old bond's. The new key
            // goes there too; the outcome then keeps the bond's (the new one, or the old one after a failure).
            const known = session.bond?.peer;
            if (known && !sameAddress(known, peer)) putMgmtLtk(mgmt, known, ltk, security);
            load(ltk, security);
          },
          // The kernel answers the controller; the engine's answer only says whether it had the key.
          ltkReply: (ltk) => void (answeredWithKey = ltk !== undefined),
        },
      });
      this.session = session;
      noteResolvedIdentity(session, seen);
      state.sessions.set(handle, session);
      state.onSession?.(handle, session);
      // After every pairing the kernel holds the bond's key, or none (a failed or unbonded pairing).
      // A bond is kept under the central's identity, with its IRK, so that its next RPA finds the key
      // (Vol 3 Part H 3.6.4/3.6.5); the key loaded for this pairing's own encryption under the address
      // on the air goes.
      session.on('outcome', (o) => {
        if (o.result === 'encrypted') return;
        const bond = session.bond;
        const identity = bond?.peer ?? peer;
        if (!sameAddress(identity, peer)) putMgmtLtk(mgmt, peer, undefined, { authenticated: false, secureConnections: false });
        putMgmtLtk(mgmt, identity, bond?.localLtk, bond?.security ?? { authenticated: false, secureConnections: false });
        mgmt.loadLongTermKeys();
        if (bond?.peerIrk) {
          putMgmtIrk(state, identity, bond.peerIrk);
          state.transport.addResolvingPeer?.({ identity, irk: bond.peerIrk });
        }
        if (o.result === 'failed') this.emit('fail');
      });
      const onData = (cid: number, data: Buffer) => {
        if (cid !== L2CAP_CID.SMP || data.length === 0) return;
        if (data[0] === SMP_CODE.PAIRING_REQUEST) {
          const refuse = state.gates?.pairing?.(data);
          if (refuse !== undefined) return acl.write(L2CAP_CID.SMP, Buffer.from([SMP_CODE.PAIRING_FAILED, refuse]));
        }
        session.input({ type: 'pdu', pdu: Buffer.from(data) });
      };
      const onEncryptChange = (encrypted: boolean) => {
        const status = state.tap.link(handle)?.encryptionStatus ?? (encrypted ? 0 : HCI_STATUS.UNSPECIFIED_ERROR);
        session.input({ type: 'encryption', encrypted: !!encrypted, status });
      };
      const onLtkNegReply = () => {
        // The kernel had no key where the engine had one: say so (the engine already did otherwise).
        const r = state.tap.link(handle)?.ltkRequest;
        if (answeredWithKey && r) session.emit('event', { kind: 'key-missing', ediv: r.ediv, rand: fromWire(Buffer.from(r.rand, 'hex')) });
        answeredWithKey = false;
      };
      // LE Long Term Key Request (Vol 4 Part E 7.7.65.5): subevent 0x05, handle(2) Rand(8) EDIV(2).
      const onEntry = (e: { raw: Buffer }) => {
        const p = e.raw;
        if (p[0] !== 0x04 || p[1] !== 0x3e || p[3] !== 0x05 || p.length < 16 || (p.readUInt16LE(4) & 0x0fff) !== handle) return;
        session.input({ type: 'ltk-request', rand: fromWire(p.subarray(6, 14)), ediv: p.readUInt16LE(14) });
      };
      // A pairing on an encrypted link ends in Encryption Key Refresh Complete (Vol 4 Part E 7.7.39), which bleno does not report.
      const onRefresh = (l: LinkState, e: { name: string }) => {
        if (l.handle === handle && e.name === 'HCI Encryption Key Refresh Complete') session.input({ type: 'encryption', encrypted: l.encrypted, status: l.encryptionStatus ?? 0 });
      };
      acl.on('data', onData);
      acl.on('encryptChange', onEncryptChange);
      acl.on('ltkNegReply', onLtkNegReply);
      state.tap.on('entry', onEntry);
      state.tap.on('encryption', onRefresh);
      acl.once('end', () => {
        state.tap.off('entry', onEntry);
        state.tap.off('encryption', onRefresh);
        session.close();
        if (state.sessions.get(handle) === session) state.sessions.delete(handle);
        this.emit('end');
      });
    }
  };
}

/** What bleno keeps of one key in its list (the MGMT LTK record it loaded). */
export function parseLtkInfo(info: Buffer): BlenoStoredKey {
  const k = decodeMgmtLtkInfo(info);
  return { peerAddress: k?.peerAddress ?? '', peerAddressType: k?.peerAddressType ?? 'public', keyType: k?.keyType ?? 0, encSize: k?.encSize ?? 0 };
}

