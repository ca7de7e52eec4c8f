// The one module that loads @abandonware/bleno (0.6.2). Every reach into its internals lives here;
// test/peripheral/bleno-loader.test.ts fails loudly when a pinned version changes them.
//
// What bleno does that this module works around (design.md, "What the stacks do"):
// - bleno is a process-wide singleton, and its hci-socket bindings, Hci and Mgmt are module-level
//   instances that open their sockets while being required. Each load therefore gets fresh copies of
//   bleno's modules (its require-cache entries are dropped first) with the transport's sockets injected.
// - On macOS lib/bleno.js picks the platform bindings; for an HCI transport we hand it the
//   hci-socket bindings instead.
// - Its init adds SIGINT/exit handlers that exit the process; we take them out.
// - Its Hci polls isDevUp() every second forever; close() ends that loop.
// - Its ATT server (lib/hci-socket/gatt.js) is never reached: every PDU on the ATT channel goes to
//   the handler the peripheral role sets (setAttChannel replaces this instance's Gatt.handleRequest,
//   which its onAclStreamData calls for CID 0x0004), and answers go out through bleno's L2CAP write
//   (AclStream.write). bleno's attribute table is left unused (setServices is never called).
// - Its SMP (lib/hci-socket/smp.js) answers every Pairing Request; setPairingGate lets the peripheral
//   refuse one with Pairing Failed, and PDUs out of order get Pairing Failed instead of a crash
//   (`_tk` undefined when Pairing Random arrives first).
// - Its MGMT keeps the keys it loads into the kernel (`_ltkInfos`); storedKeys()/forgetKeys() read
//   and clear them through bleno's own clearLongTermKeys().
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { injectHciSocket, withTransportSockets } from '../common/hci/socket-injection.js';
import type { HciTransport } from '../common/hci/transport.js';
import type { OsTransport } from '../common/hci/os-transport.js';
import { TransportError } from '../common/hci/transport-errors.js';
import { waitForPoweredOn } from '../common/hci/stack-power.js';
import { DESCRIPTOR_UUID } from '../common/gatt/descriptor-types.js';
import { decodeMgmtLtkInfo, encodeMgmtLtkInfo } from '../common/hci/mgmt-ltk-info.js';
import { mgmtLtkTypeOf, type KeySecurity } from '../common/smp/key-security.js';
import { HCI_STATUS } from '../common/codes/hci.js';
import { L2CAP_CID } from '../common/codes/l2cap.js';
import { createLinkSession, type LinkSession, type SmpSetup } from '../common/smp/link-session.js';
import { fromWire, toWire } from '../common/smp/byte-order.js';
import type { DeviceAddress, LongTermKey } from '../common/smp/engine-types.js';
import type { Tap } from '../common/trace/tap.js';
import { SMP_CODE, SMP_REASON } from '../common/codes/smp.js';
import { parseSmp } from '../common/smp/pdu.js';
import { runRemovingProcessListeners } from '../common/util/process-listeners.js';
import { waitForEvent } from '../common/util/wait.js';

export type Bleno = typeof import('@abandonware/bleno');

const require = createRequire(import.meta.url);
export const BLENO_VERSION_PINNED = '0.6.2';
const BLENO_PKG = require.resolve('@abandonware/bleno/package.json');
const BLENO_DIR = path.dirname(BLENO_PKG) + path.sep;
const BLENO_HCI_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/hci.js');
const BLENO_HCI_BINDINGS_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/bindings.js');
const BLENO_SMP_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/smp.js');
const BLENO_MGMT_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/mgmt.js');
const BLENO_MAC_BINDINGS_FILE = path.join(BLENO_DIR, 'lib', 'mac', 'bindings.js');

/** bleno's ATT server, one instance per load (bindings._gatt): only the request entry point is used. */
interface BlenoGatt {
  handleRequest(pdu: Buffer): void;
}

/** bleno's SMP responder (lib/hci-socket/smp.js), one per link. */
interface BlenoSmp {
  _pres?: Buffer;
  _tk?: Buffer;
  write(pdu: Buffer): void;
  emit(event: 'fail'): boolean;
}
type SmpHandler = (this: BlenoSmp, pdu: Buffer) => void;
interface BlenoSmpPrototype {
  onAclStreamData: (this: BlenoSmp, cid: number, data: Buffer) => void;
  handlePairingRequest: SmpHandler;
  handlePairingConfirm: SmpHandler;
  handlePairingRandom: SmpHandler;
}

/** The parts of bleno's hci-socket bindings this module relies on. */
export interface BlenoInternals {
  bindings: {
    _hci: {
      _socket: { stop(): void };
      pollIsDevUp: () => void;
      _mainHandle: number | null;
      disconnect(handle: number, reason?: number): void;
    };
    _gatt: BlenoGatt;
    _handle: number | null;
    /** The current link's AclStream (null without a link): write(cid, data) is bleno's L2CAP send. */
    _aclStream: { write(cid: number, data: Buffer): void } | null;
    _advertising: boolean;
    disconnect(): void;
  };
  mgmt: { _socket: { stop(): void }; _ltkInfos: Buffer[]; clearLongTermKeys(): void; loadLongTermKeys(): void };
  smp: BlenoSmpPrototype;
}

/** Every PDU the central sends on the ATT channel, with the connection it came on. */
export type AttChannel = (connectionHandle: number, pdu: Buffer) => void;
/** A Pairing Request arrived: a Pairing Failed reason refuses it, undefined lets bleno answer. */
export type PairingGate = (pairingRequest: Buffer) => number | undefined;

/** A key bleno loaded into the kernel (MGMT Load Long Term Keys), as bleno keeps it. */
export interface BlenoStoredKey {
  peerAddress: string;
  peerAddressType: 'public' | 'random';
  keyType: number;
  encSize: number;
}

export class BlenoLoadError extends Error {
  readonly code = 'BLENO_LOAD';
}

export interface LoadedBleno {
  bleno: Bleno;
  transport: HciTransport;
  version: string;
  internals: BlenoInternals;
  /** Stops advertising, drops the link, ends bleno's poll loop and its sockets. The transport stays open. */
  close(): Promise<void>;
  /** Every ATT PDU from the central goes to `channel`; bleno's ATT server then never sees one (without a channel, bleno's own answers). */
  setAttChannel(channel: AttChannel | undefined): void;
  /** Answers (or not) the next Pairing Requests before bleno's SMP does. */
  setPairingGate(gate: PairingGate | undefined): void;
  /** Sends one ATT PDU on a connection's ATT channel (bleno's L2CAP write); false when that link is gone. */
  sendAtt(connectionHandle: number, pdu: Buffer): boolean;
  /** The current link's connection handle: bleno's hci-socket bindings serve one central at a time. */
  connectionHandle(): number | undefined;
  /** HCI Disconnect on the current link with the given reason (Vol 4 Part E 7.1.6). */
  disconnect(reason?: number): void;
  storedKeys(): BlenoStoredKey[];
  /** Empties bleno's key list and loads the empty list into the kernel (or the transport's kernel share). */
  forgetKeys(): void;
  /** blebench's Security Manager on the current link (only when loaded with `smp`). */
  smpSession(): LinkSession | undefined;
  /** Sends a Security Request on the current link (Vol 3 Part H 2.4.6); false without `smp` or a link. */
  requestSecurity(): boolean;
}

export interface LoadBlenoOptions {
  timeoutMs?: number;
  /**
   * Run blebench's Security Manager (common/smp) on every connection instead of bleno's SMP (LE legacy
   * Just Works only); its keys go to the kernel (or the transport's kernel share) as bleno's did. Default
   * undefined: bleno's own SMP, behind the pairing gate.
   */
  smp?: SmpSetup;
}

export function blenoVersion(): string {
  return (require(BLENO_PKG) as { version: string }).version;
}

let loaded: LoadedBleno | undefined;

function dropBlenoModules(): void {
  for (const key of Object.keys(require.cache)) if (key.startsWith(BLENO_DIR)) delete require.cache[key];
}

/** bleno is a singleton: one loaded instance per process at a time (close the previous one first). */
export async function loadBleno(transport: HciTransport, options: LoadBlenoOptions = {}): Promise<LoadedBleno> {
  if (transport.spec.kind === 'os') {
    throw new BlenoLoadError(
      `${transport.label}: there is no HCI below the OS stack, so bleno's HCI bindings (its ATT server, SMP, key list) cannot run on it: CoreBluetooth builds the attribute table and decides security; the os peripheral loads bleno's platform bindings with loadBlenoOs (peripheral/os/os-peripheral.ts)`,
    );
  }
  if (loaded) throw new BlenoLoadError('bleno is already loaded in this process: close it before loading another');
  dropBlenoModules();
  if (!injectHciSocket(BLENO_HCI_FILE)) {
    throw new BlenoLoadError('bleno was loaded with the real bluetooth-hci-socket before blebench could put its transport in place');
  }
  const smpState: BlenoSmpState | undefined = options.smp ? { setup: options.smp, tap: transport.tap, sessions: new Map() } : undefined;

  const bleno = withTransportSockets(transport, () => {
    if (process.platform === 'darwin') {
      // lib/bleno.js requires ./mac/bindings on macOS: give it the hci-socket bindings under that name.
      const hciBindings = require(BLENO_HCI_BINDINGS_FILE) as unknown;
      require.cache[BLENO_MAC_BINDINGS_FILE] = {
        id: BLENO_MAC_BINDINGS_FILE,
        filename: BLENO_MAC_BINDINGS_FILE,
        loaded: true,
        exports: hciBindings,
        children: [],
        paths: [],
      } as unknown as NodeJS.Module;
    }
    if (smpState) {
      // bleno's acl-stream.js builds `new Smp(...)` from require('./smp'): ours from this load on. Its
      // mgmt.js (required by its smp.js only) opens the management socket here, with the transport's.
      smpState.mgmt = require(BLENO_MGMT_FILE) as BlenoInternals['mgmt'];
      require.cache[BLENO_SMP_FILE] = {
        id: BLENO_SMP_FILE,
        filename: BLENO_SMP_FILE,
        loaded: true,
        exports: blenoSmpSubstitute(smpState),
        children: [],
        paths: [],
      } as unknown as NodeJS.Module;
    }
    return require('@abandonware/bleno') as Bleno;
  });
  const internals: BlenoInternals = {
    bindings: require(BLENO_HCI_BINDINGS_FILE) as BlenoInternals['bindings'],
    mgmt: require(path.join(BLENO_DIR, 'lib', 'hci-socket', 'mgmt.js')) as BlenoInternals['mgmt'],
    smp: (require(BLENO_SMP_FILE) as { prototype: BlenoSmpPrototype }).prototype,
  };
  const gates = interceptGattAndSmp(internals, !smpState);
  if (smpState) smpState.gates = gates;

  // The first stateChange listener runs bindings.init() (binds and starts the socket).
  runRemovingProcessListeners(() => {
    bleno.on('stateChange', () => {});
  });
  const powered = waitForPoweredOn(bleno as unknown as NodeJS.EventEmitter, { stack: 'bleno', transport: transport.label, timeoutMs: options.timeoutMs ?? 5000 });
  try {
    await powered;
  } catch (err) {
    shutdown(internals);
    dropBlenoModules();
    throw err;
  }

  if (smpState) {
    // Bonds kept from earlier runs: the kernel answers the LE Long Term Key Request from these.
    const local = blenoLocalAddress(internals.bindings._hci as unknown as BlenoHciAddress);
    const bonds = (await options.smp?.keyStore?.list(local).catch(() => [])) ?? [];
    for (const b of bonds) if (b.role === 'peripheral' && b.localLtk) putMgmtLtk(smpState.mgmt!, b.peer, b.localLtk, b.security);
    if (bonds.length) smpState.mgmt!.loadLongTermKeys();
  }

  let closed = false;
  const handle: LoadedBleno = {
    bleno,
    transport,
    version: blenoVersion(),
    internals,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        bleno.stopAdvertising();
      } catch {
        /* not advertising */
      }
      try {
        internals.bindings.disconnect();
      } catch {
        /* no link */
      }
      gates.att = undefined;
      gates.pairing = undefined;
      shutdown(internals);
      bleno.removeAllListeners();
      dropBlenoModules();
      if (loaded === handle) loaded = undefined;
    },
    setAttChannel: (channel) => {
      gates.att = channel;
    },
    setPairingGate: (gate) => {
      gates.pairing = gate;
    },
    sendAtt: (connectionHandle, pdu) => {
      const b = internals.bindings;
      if (!b._aclStream || b._handle !== connectionHandle) return false;
      b._aclStream.write(L2CAP_CID.ATT, pdu);
      return true;
    },
    connectionHandle: () => internals.bindings._handle ?? undefined,
    disconnect: (reason) => {
      const h = internals.bindings._handle;
      if (h !== null) internals.bindings._hci.disconnect(h, reason);
    },
    storedKeys: () => internals.mgmt._ltkInfos.map(parseLtkInfo),
    forgetKeys: () => internals.mgmt.clearLongTermKeys(),
    smpSession: () => {
      const h = internals.bindings._handle;
      return h === null ? undefined : smpState?.sessions.get(h);
    },
    requestSecurity: () => {
      const h = internals.bindings._handle;
      const session = h === null ? undefined : smpState?.sessions.get(h);
      session?.input({ type: 'request-security' });
      return session !== undefined;
    },
  };
  loaded = handle;
  return handle;
}

function shutdown(internals: BlenoInternals): void {
  internals.bindings._hci.pollIsDevUp = () => {};
  internals.bindings._hci._socket.stop();
  internals.mgmt._socket.stop();
}

interface Gates {
  att: AttChannel | undefined;
  pairing: PairingGate | undefined;
}

/** Wraps this load's Gatt.handleRequest (instance) and Smp handlers (prototype of this load's module). */
function interceptGattAndSmp(internals: BlenoInternals, smpToo: boolean): Gates {
  const gates: Gates = { att: undefined, pairing: undefined };
  // bleno's Gatt.onAclStreamData calls this.handleRequest for CID 0x0004 only: the ATT channel.
  // Without a channel (bleno loaded as a plain peer by tests, serving its own API's services) bleno's
  // own Gatt answers; the peripheral role sets its channel before it advertises.
  const gatt = internals.bindings._gatt;
  const own = gatt.handleRequest;
  gatt.handleRequest = function (this: BlenoGatt, pdu: Buffer) {
    const handle = internals.bindings._handle;
    if (!gates.att) own.call(this, pdu);
    else if (handle !== null) gates.att(handle, Buffer.from(pdu));
  };

  if (!smpToo) return gates; // blebench's Security Manager checks the pairing gate itself
  const smp = internals.smp;
  const fail = (s: BlenoSmp, reason: number) => {
    s.write(Buffer.from([SMP_CODE.PAIRING_FAILED, reason]));
    s.emit('fail');
  };
  // Vol 3 Part H 3.3: a command of the wrong length (bleno reads it at fixed offsets and throws, an
  // empty one included) gets Pairing Failed with the reason parseSmp gives.
  const onData = smp.onAclStreamData;
  smp.onAclStreamData = function (cid, data) {
    const parsed = cid === L2CAP_CID.SMP ? parseSmp(data) : undefined;
    if (parsed && !parsed.ok) fail(this, parsed.reason);
    else onData.call(this, cid, data);
  };
  const onRequest = smp.handlePairingRequest;
  smp.handlePairingRequest = function (pdu) {
    const refuse = gates.pairing?.(pdu);
    if (refuse === undefined) onRequest.call(this, pdu);
    else fail(this, refuse);
  };
  // Vol 3 Part H 3.5: Confirm before the feature exchange, or Random before Confirm, is out of order.
  const onConfirm = smp.handlePairingConfirm;
  smp.handlePairingConfirm = function (pdu) {
    if (this._pres) onConfirm.call(this, pdu);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
  const onRandom = smp.handlePairingRandom;
  smp.handlePairingRandom = function (pdu) {
    if (this._tk) onRandom.call(this, pdu);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
  return gates;
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

interface BlenoSmpState {
  setup: SmpSetup;
  tap: Tap;
  sessions: Map<number, LinkSession>;
  mgmt?: BlenoInternals['mgmt'];
  gates?: Gates;
}

/** The parts of bleno's AclStream the substitute uses. */
interface BlenoAclStream extends NodeJS.EventEmitter {
  _handle: number;
  write(cid: number, data: Buffer): void;
}
interface BlenoHciAddress {
  address?: string;
  addressType?: string;
}

const blenoAddress = (address: string, type: string | undefined): DeviceAddress => ({ address: address.toUpperCase(), type: type === 'random' ? 'random' : 'public' });
const blenoLocalAddress = (hci: BlenoHciAddress): DeviceAddress => blenoAddress(hci.address ?? '00:00:00:00:00:00', hci.addressType);

/** One MGMT LTK record (common/hci/mgmt-ltk-info.ts) for a key used when the local device is the peripheral. */
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

const sameMgmtPeer = (info: Buffer, entry: Buffer) => info.subarray(0, 7).equals(entry.subarray(0, 7)) && info[8] === entry[8];

/** Replaces this peer's peripheral-role key in bleno's list (the caller loads the list). */
function putMgmtLtk(mgmt: BlenoInternals['mgmt'], peer: DeviceAddress, ltk: LongTermKey | undefined, security: LtkSecurity): void {
  const entry = mgmtLtkInfo(peer, ltk ?? { key: Buffer.alloc(16), ediv: 0, rand: Buffer.alloc(8), keySize: 16 }, security);
  mgmt._ltkInfos = mgmt._ltkInfos.filter((i) => !sameMgmtPeer(i, entry));
  if (ltk) mgmt._ltkInfos.push(entry);
}

/** The constructor bleno's acl-stream.js gets as `require('./smp')` for one load. */
function blenoSmpSubstitute(state: BlenoSmpState) {
  return class BlenoSmpSession extends EventEmitter {
    readonly session: LinkSession;

    constructor(acl: BlenoAclStream, localAddressType: string, localAddress: string, remoteAddressType: string, remoteAddress: string) {
      super();
      const handle = acl._handle;
      const mgmt = state.mgmt!;
      const peer = blenoAddress(remoteAddress, remoteAddressType);
      const load = (ltk: LongTermKey | undefined, security: LtkSecurity) => {
        putMgmtLtk(mgmt, peer, ltk, security);
        mgmt.loadLongTermKeys();
      };
      let answeredWithKey = false;
      const session = createLinkSession({
        ...state.setup,
        role: 'peripheral',
        local: blenoAddress(localAddress, localAddressType),
        peer,
        handle,
        link: {
          sendPdu: (pdu) => acl.write(L2CAP_CID.SMP, pdu),
          ltkReady: (ltk) => {
            const m = session.method;
            load(ltk, { authenticated: !!m && m.method !== 'Just Works', secureConnections: m?.secureConnections ?? !!session.runner?.engine.negotiated?.secureConnections, debugKey: session.debugKey });
          },
          // The kernel answers the controller; the engine's answer only says whether it had the key.
          ltkReply: (ltk) => void (answeredWithKey = ltk !== undefined),
        },
      });
      this.session = session;
      state.sessions.set(handle, session);
      // After every pairing the kernel holds the bond's key, or none (a failed or unbonded pairing).
      session.on('outcome', (o) => {
        if (o.result === 'encrypted') return;
        const bond = session.bond;
        load(bond?.localLtk, bond?.security ?? { authenticated: false, secureConnections: false });
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
      acl.on('data', onData);
      acl.on('encryptChange', onEncryptChange);
      acl.on('ltkNegReply', onLtkNegReply);
      state.tap.on('entry', onEntry);
      acl.once('end', () => {
        state.tap.off('entry', onEntry);
        session.close();
        if (state.sessions.get(handle) === session) state.sessions.delete(handle);
        this.emit('end');
      });
    }
  };
}

/** What bleno keeps of one key in its list (the MGMT LTK record it loaded). */
function parseLtkInfo(info: Buffer): BlenoStoredKey {
  const k = decodeMgmtLtkInfo(info);
  return { peerAddress: k?.peerAddress ?? '', peerAddressType: k?.peerAddressType ?? 'public', keyType: k?.keyType ?? 0, encSize: k?.encSize ?? 0 };
}

/**
 * `os`: the bindings file bleno's own lib/bleno.js picks for the platform stack: lib/mac/bindings.js on
 * macOS (CoreBluetooth); none on Windows, where bleno 0.6.2 uses HCI sockets (a USB dongle) instead.
 */
export function blenoOsBindingsFile(platform: NodeJS.Platform): string | undefined {
  return platform === 'darwin' ? BLENO_MAC_BINDINGS_FILE : undefined;
}

// ---------------------------------------------------------------------------------------------
// `os`: bleno with its CoreBluetooth bindings (lib/mac/bindings.js, a CBPeripheralManager). Only
// bleno's public API is used: CoreBluetooth builds the attribute table, answers what its permissions
// cover (encryption: 0x05/0x0F, its choice) and pairs; the app sees the requests it passes on.
//
// What bleno 0.6.2's mac binding does with a characteristic (lib/mac/src/napi_objc.mm):
// - properties read/write/writeWithoutResponse/notify/indicate only (no broadcast, signed writes,
//   extended properties); `secure` containing the operation → CBAttributePermissionsRead/Write-
//   EncryptionRequired, CBCharacteristicPropertyNotify/IndicateEncryptionRequired: encryption, never
//   MITM, never a key size; writeWithoutResponse shares the write permission;
// - a `value` makes CoreBluetooth answer reads itself from a cached value (read-only characteristics);
// - descriptors become CBMutableDescriptors, which CoreBluetooth accepts for 0x2901 and 0x2904 only;
// - readRequest(offset, cb(result, data)), writeRequest(data, offset, withoutResponse, cb(result)):
//   `result` goes to respondToRequest as a CBATTError, so the app can answer any ATT code it reaches.
// ---------------------------------------------------------------------------------------------

/** What lib/bleno.js calls on its bindings (test/os pins it against the source). */
export const BLENO_OS_BINDING_METHODS = ['init', 'startAdvertising', 'stopAdvertising', 'setServices', 'disconnect', 'updateRssi'] as const;
/** What bleno 0.6.2's mac binding reads from each characteristic it is given (lib/mac/src/napi_objc.mm). */
export const BLENO_MAC_CHARACTERISTIC_FIELDS = ['uuid', 'value', 'properties', 'secure', 'descriptors'] as const;
/** The operations bleno's mac binding turns into CoreBluetooth properties and permissions. */
export const BLENO_MAC_PROPERTIES = ['read', 'write', 'writeWithoutResponse', 'notify', 'indicate'] as const;
/** The descriptors CoreBluetooth's CBMutableDescriptor accepts (Characteristic User Description, Presentation Format). */
export const COREBLUETOOTH_DESCRIPTOR_UUIDS: readonly string[] = [DESCRIPTOR_UUID.USER_DESCRIPTION, DESCRIPTOR_UUID.PRESENTATION_FORMAT];

export interface LoadedOsBleno {
  bleno: Bleno;
  transport: OsTransport;
  /** The bindings file loaded (lib/mac/bindings.js). */
  bindingsFile: string;
  close(): Promise<void>;
}

export interface LoadBlenoOsOptions {
  timeoutMs?: number;
  /**
   * Test seam: a bindings object (an EventEmitter with BLENO_OS_BINDING_METHODS, emitting what the mac
   * binding emits) put where lib/bleno.js requires its bindings on the running platform.
   */
  bindings?: NodeJS.EventEmitter;
}

let loadedOs: LoadedOsBleno | undefined;

/** The bindings module lib/bleno.js requires on the platform this process runs on. */
function blenoBindingsFileHere(): string {
  return process.platform === 'darwin' ? BLENO_MAC_BINDINGS_FILE : BLENO_HCI_BINDINGS_FILE;
}

export async function loadBlenoOs(transport: OsTransport, options: LoadBlenoOsOptions = {}): Promise<LoadedOsBleno> {
  const stack = transport.stack;
  if ('unavailable' in stack.peripheral) throw new TransportError('UNSUPPORTED_ON_PLATFORM', `${transport.label}: ${stack.peripheral.unavailable}`, transport.label, { hint: 'use --transport usb or serial:PATH for the peripheral role' });
  if (loaded || loadedOs) throw new BlenoLoadError('bleno is already loaded in this process: close it before loading another');
  const file = blenoOsBindingsFile(stack.platform)!;
  dropBlenoModules();
  let bindings: NodeJS.EventEmitter;
  if (options.bindings) {
    bindings = options.bindings;
    require.cache[blenoBindingsFileHere()] = { id: blenoBindingsFileHere(), filename: blenoBindingsFileHere(), loaded: true, exports: bindings, children: [], paths: [] } as unknown as NodeJS.Module;
  } else {
    if (process.platform !== 'darwin') {
      throw new TransportError('UNSUPPORTED_ON_PLATFORM', `${transport.label}: bleno's CoreBluetooth binding runs on macOS only, not on ${process.platform}`, transport.label, { hint: 'run `blebench doctor` to see what this machine offers' });
    }
    try {
      bindings = require(file) as NodeJS.EventEmitter;
    } catch (err) {
      dropBlenoModules();
      throw new TransportError('NATIVE_MODULE_MISSING', `${transport.label}: bleno's CoreBluetooth binding (${file}) cannot be loaded: ${(err as Error).message.split('\n')[0]}`, transport.label, {
        cause: err,
        hint: 'it is built by npm ci on macOS (needs the Xcode command line tools)',
      });
    }
  }
  for (const m of BLENO_OS_BINDING_METHODS) {
    if (typeof (bindings as unknown as Record<string, unknown>)[m] !== 'function') {
      dropBlenoModules();
      throw new BlenoLoadError(`bleno ${BLENO_VERSION_PINNED}'s platform bindings changed: no ${m}() (peripheral/bleno-loader.ts relies on it)`);
    }
  }
  const bleno = require('@abandonware/bleno') as Bleno;
  const powered = waitForEvent<[string]>(bleno as unknown as NodeJS.EventEmitter, 'stateChange', {
    what: 'the macOS Bluetooth stack (CBPeripheralManager) to power on',
    timeoutMs: options.timeoutMs ?? 5000,
    pred: (st) => st === 'poweredOn',
  });
  // The first stateChange listener runs bindings.init().
  runRemovingProcessListeners(() => {
    bleno.on('stateChange', () => {});
  });
  try {
    await powered;
  } catch (e) {
    bleno.removeAllListeners();
    dropBlenoModules();
    const state = (bleno as unknown as { state: string }).state;
    throw new TransportError('ADAPTER_DOWN', `${transport.label}: the OS Bluetooth stack is ${state}, not poweredOn`, transport.label, {
      cause: e,
      hint: state === 'unauthorized' ? 'allow this terminal to use Bluetooth (System Settings → Privacy & Security → Bluetooth)' : 'turn Bluetooth on in the system settings',
    });
  }
  let closed = false;
  const handle: LoadedOsBleno = {
    bleno,
    transport,
    bindingsFile: file,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        bleno.stopAdvertising();
        bleno.disconnect();
      } catch {
        /* not advertising, no link */
      }
      bleno.removeAllListeners();
      dropBlenoModules();
      if (loadedOs === handle) loadedOs = undefined;
    },
  };
  loadedOs = handle;
  return handle;
}
