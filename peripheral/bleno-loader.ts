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
// - Its ATT server (lib/hci-socket/gatt.js) decides security itself, with one level (0x05 for every
//   `secure` attribute, never 0x0F/0x0C/0x08), keeps one CCCD state for every central, always notifies
//   when a characteristic both notifies and indicates, treats every descriptor write as a CCCD write,
//   never adds 0x2900 and never sets the declaration's broadcast, signed-write or extended-properties
//   bits. So: every ATT PDU from the central first passes a gate the peripheral role sets
//   (setAttGate: wraps this instance's Gatt.handleRequest), and after setServices the attribute table
//   is rewritten (fixAttributeTable: property bytes, no `secure`, descriptor order, device name).
//   A gate may also let bleno answer but keep the answer (AttAnswer `capture`: bleno's send is
//   shadowed on the instance while it handles the PDU), so the peripheral can send it later.
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
import { ATT_ERROR } from '../common/codes/att.js';
import { DESCRIPTOR_UUID } from '../common/gatt/descriptor-types.js';
import { MGMT_ADDRESS_TYPE, MGMT_LTK_INFO_SIZE } from '../common/codes/mgmt.js';
import { mgmtLtkTypeOf, type KeySecurity } from '../common/smp/key-security.js';
import { HCI_STATUS } from '../common/codes/hci.js';
import { L2CAP_CID } from '../common/codes/l2cap.js';
import { createLinkSession, type LinkSession, type SmpSetup } from '../common/smp/link-session.js';
import { addressBytes, fromWire, toWire } from '../common/smp/byte-order.js';
import type { DeviceAddress, LongTermKey } from '../common/smp/engine-types.js';
import type { Tap } from '../common/trace/tap.js';
import { SMP_CODE, SMP_REASON } from '../common/codes/smp.js';
import { parseSmp } from '../common/smp/pdu.js';
import { addressToString } from '../common/hci/hci-packets.js';
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

/** One row of bleno's attribute table (lib/hci-socket/gatt.js setServices), indexed by handle. */
interface BlenoTableEntry {
  type: 'service' | 'includedService' | 'characteristic' | 'characteristicValue' | 'descriptor';
  uuid?: string;
  handle?: number;
  /** Declaration: the Characteristic Properties byte; descriptor: bleno's own read/write bits. */
  properties?: number;
  secure?: number;
  value?: Buffer | null;
  valueHandle?: number;
}

/** bleno's ATT server, one instance per load (bindings._gatt). */
interface BlenoGatt {
  _handles: (BlenoTableEntry | undefined)[];
  _mtu: number;
  _aclStream: object | null;
  handleRequest(pdu: Buffer): void;
  send(pdu: Buffer): void;
  errorResponse(opcode: number, handle: number, status: number): Buffer;
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
    _aclStream: unknown;
    _advertising: boolean;
    disconnect(): void;
  };
  mgmt: { _socket: { stop(): void }; _ltkInfos: Buffer[]; clearLongTermKeys(): void; loadLongTermKeys(): void };
  smp: BlenoSmpPrototype;
}

/**
 * How one ATT PDU from the central is answered: by bleno (pass), or by the gate (send a PDU, or
 * nothing). With `capture`, bleno still handles the PDU but what it would send is handed to capture
 * instead of going out (the peripheral sends it later with sendAtt: delayed answers). bleno's Gatt
 * answers synchronously here (the profile's read and write callbacks call back at once).
 */
export type AttAnswer = { readonly pass: true; readonly capture?: (pdus: Buffer[]) => void } | { readonly pass: false; readonly send?: Buffer };
export type AttGate = (pdu: Buffer) => AttAnswer;
/** A Pairing Request arrived: a Pairing Failed reason refuses it, undefined lets bleno answer. */
export type PairingGate = (pairingRequest: Buffer) => number | undefined;

/** What the peripheral role tells fixAttributeTable, per characteristic in the order given to setServices. */
export interface TableFixes {
  /** The Device Name (0x2A00) bleno serves; it takes the host name otherwise. */
  deviceName?: string;
  characteristics: ReadonlyArray<{ readonly propertiesByte: number; readonly descriptorUuids: readonly string[] }>;
}
/** Where bleno put one characteristic, after the fixes. */
export interface ServedHandles {
  declarationHandle: number;
  valueHandle: number;
  descriptors: { uuid: string; handle: number }[];
}
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
  /** Every ATT PDU from the central meets `gate` before bleno's ATT server (undefined: bleno alone). */
  setAttGate(gate: AttGate | undefined): void;
  /** Answers (or not) the next Pairing Requests before bleno's SMP does. */
  setPairingGate(gate: PairingGate | undefined): void;
  /** After servicesSet: rewrites bleno's attribute table (see the top of this file); throws when it does not match. */
  fixAttributeTable(fixes: TableFixes): ServedHandles[];
  /** The value bleno serves itself for a descriptor handle (CCCD and other descriptors). */
  setDescriptorValue(handle: number, value: Buffer): void;
  /** The handle bleno's Read By Type answers for a type other than 0x2803: the first match in the range. */
  readByTypeTarget(startHandle: number, endHandle: number, uuid: string): number | undefined;
  /** Sends one ATT PDU on the current link; false when there is none. */
  sendAtt(pdu: Buffer): boolean;
  /** The ATT_MTU of the current link (bleno answers Exchange MTU up to its maximum). */
  mtu(): number;
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
    setAttGate: (gate) => {
      gates.att = gate;
    },
    setPairingGate: (gate) => {
      gates.pairing = gate;
    },
    fixAttributeTable: (fixes) => fixAttributeTable(internals.bindings._gatt, fixes),
    setDescriptorValue: (h, value) => {
      const entry = internals.bindings._gatt._handles[h];
      if (entry?.type !== 'descriptor') throw new BlenoLoadError(`handle ${h} is not a descriptor in bleno's attribute table`);
      entry.value = value;
    },
    readByTypeTarget: (start, end, uuid) => readByTypeTarget(internals.bindings._gatt, start, end, uuid),
    sendAtt: (pdu) => {
      const gatt = internals.bindings._gatt;
      if (!gatt._aclStream) return false;
      gatt.send(pdu);
      return true;
    },
    mtu: () => internals.bindings._gatt._mtu,
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

/** The two services bleno puts first in every table: Generic Access (0x1800) and Generic Attribute (0x1801). */
const BLENO_BASE_SERVICES = ['1800', '1801'];
const DEVICE_NAME_UUID = '2a00';

interface Gates {
  att: AttGate | undefined;
  pairing: PairingGate | undefined;
}

/** Wraps this load's Gatt.handleRequest (instance) and Smp handlers (prototype of this load's module). */
function interceptGattAndSmp(internals: BlenoInternals, smpToo: boolean): Gates {
  const gates: Gates = { att: undefined, pairing: undefined };
  const gatt = internals.bindings._gatt;
  const handleRequest = gatt.handleRequest;
  gatt.handleRequest = function (this: BlenoGatt, pdu: Buffer) {
    let answer: AttAnswer = { pass: true };
    try {
      if (gates.att) answer = gates.att(pdu);
    } catch (err) {
      process.emitWarning(`blebench peripheral: the ATT gate failed (${err instanceof Error ? err.message : String(err)}); answered Unlikely Error`);
      answer = { pass: false, send: this.errorResponse(pdu[0] ?? 0, 0, ATT_ERROR.UNLIKELY_ERROR) };
    }
    if (answer.pass && answer.capture) answer.capture(captured(this, () => handleRequest.call(this, pdu)));
    else if (answer.pass) handleRequest.call(this, pdu);
    else if (answer.send) this.send(answer.send);
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

/** What bleno's Gatt sends while `work` runs, kept instead of sent (send shadowed on the instance, then restored). */
function captured(gatt: BlenoGatt, work: () => void): Buffer[] {
  const out: Buffer[] = [];
  gatt.send = (pdu: Buffer) => void out.push(Buffer.from(pdu));
  try {
    work();
  } finally {
    delete (gatt as Partial<BlenoGatt>).send;
  }
  return out;
}

function fixAttributeTable(gatt: BlenoGatt, fixes: TableFixes): ServedHandles[] {
  const table = gatt._handles;
  const served: ServedHandles[] = [];
  let services = 0;
  for (let h = 1; h < table.length; h++) {
    const e = table[h];
    if (!e) continue;
    if (e.type === 'service') services++;
    if (e.type === 'characteristic' && services <= BLENO_BASE_SERVICES.length && e.uuid === DEVICE_NAME_UUID && fixes.deviceName !== undefined) {
      table[e.valueHandle!]!.value = Buffer.from(fixes.deviceName, 'utf8');
    }
    if (e.type !== 'characteristic' || services <= BLENO_BASE_SERVICES.length) continue;
    const fix = fixes.characteristics[served.length];
    if (!fix) throw new BlenoLoadError(`bleno's attribute table has more characteristics than were served (${fixes.characteristics.length})`);
    e.properties = fix.propertiesByte;
    e.secure = 0;
    const first = e.valueHandle! + 1;
    const found: BlenoTableEntry[] = [];
    for (let d = first; table[d]?.type === 'descriptor'; d++) found.push(table[d]!);
    const ordered = fix.descriptorUuids.map((uuid) => found.find((d) => d.uuid === uuid));
    if (ordered.length !== found.length || ordered.some((d) => d === undefined)) {
      throw new BlenoLoadError(
        `bleno served descriptors [${found.map((d) => d.uuid).join(', ')}] for characteristic ${e.uuid}, not the expected [${fix.descriptorUuids.join(', ')}]`,
      );
    }
    ordered.forEach((d, i) => {
      d!.handle = first + i;
      d!.secure = 0;
      table[first + i] = d;
    });
    served.push({ declarationHandle: h, valueHandle: e.valueHandle!, descriptors: ordered.map((d) => ({ uuid: d!.uuid!, handle: d!.handle! })) });
  }
  if (served.length !== fixes.characteristics.length) {
    throw new BlenoLoadError(`bleno's attribute table has ${served.length} characteristics, ${fixes.characteristics.length} were served`);
  }
  return served;
}

/** What bleno's handleReadByTypeRequest reads for a type other than 0x2803: the first declaration or descriptor of that type. */
function readByTypeTarget(gatt: BlenoGatt, start: number, end: number, uuid: string): number | undefined {
  for (let h = start; h <= end; h++) {
    const e = gatt._handles[h];
    if (!e) return undefined;
    if (e.type === 'characteristic' && e.uuid === uuid) return e.valueHandle;
    if (e.type === 'descriptor' && e.uuid === uuid) return h;
  }
  return undefined;
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

/** One 36-octet MGMT LTK entry: address(6, LSB first) type(1) key type(1) central(1) size(1) EDIV(2) Rand(8) key(16). */
export function mgmtLtkInfo(peer: DeviceAddress, ltk: LongTermKey, security: LtkSecurity): Buffer {
  const info = Buffer.alloc(MGMT_LTK_INFO_SIZE);
  toWire(addressBytes(peer.address)).copy(info, 0);
  info[6] = peer.type === 'random' ? MGMT_ADDRESS_TYPE.LE_RANDOM : MGMT_ADDRESS_TYPE.LE_PUBLIC;
  info[7] = mgmtLtkTypeOf(security);
  info[8] = 0; // central 0: the key is used when the local device is the peripheral
  info[9] = ltk.keySize;
  info.writeUInt16LE(ltk.ediv, 10);
  toWire(ltk.rand).copy(info, 12);
  toWire(ltk.key).copy(info, 20);
  return info;
}

type LtkSecurity = Pick<KeySecurity, 'authenticated' | 'secureConnections' | 'debugKey'>;

const sameMgmtPeer = (info: Buffer, entry: Buffer) => info.subarray(0, 7).equals(entry.subarray(0, 7)) && info[8] === entry[8];

/**
 * Keys one MGMT Load Long Term Keys command can carry: its parameter length is 16 bits (Key_Count, then
 * 36-octet entries), so 1,820. bleno writes the length unchecked: one more key threw ERR_OUT_OF_RANGE and
 * ended `blebench peripheral --keys` after 1,820 bonds (the soak of issue 15). Linux caps the same command
 * the same way (net/bluetooth/mgmt.c load_long_term_keys, max_key_count).
 */
export const MGMT_MAX_LTKS = Math.floor((0xffff - 2) / MGMT_LTK_INFO_SIZE);
let warnedMgmtFull = false;

/** Replaces this peer's peripheral-role key in bleno's list (the caller loads the list); the newest MGMT_MAX_LTKS stay. */
function putMgmtLtk(mgmt: BlenoInternals['mgmt'], peer: DeviceAddress, ltk: LongTermKey | undefined, security: LtkSecurity): void {
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

/** bleno's 36-octet MGMT LTK info: address(6, LSB first) type(1) key type(1) central(1) size(1) EDIV(2) Rand(8) key(16). */
function parseLtkInfo(info: Buffer): BlenoStoredKey {
  return {
    peerAddress: addressToString(info.subarray(0, 6)),
    peerAddressType: info[6] === MGMT_ADDRESS_TYPE.LE_PUBLIC ? 'public' : 'random',
    keyType: info[7]!,
    encSize: info[9]!,
  };
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
