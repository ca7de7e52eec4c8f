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
import path from 'node:path';
import { injectHciSocket, withTransportSockets } from '../common/hci/socket-injection.js';
import type { HciTransport } from '../common/hci/transport.js';
import { ATT_ERROR } from '../common/codes/att.js';
import { MGMT_ADDRESS_TYPE } from '../common/codes/mgmt.js';
import { SMP_CODE, SMP_REASON } from '../common/codes/smp.js';
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
  mgmt: { _socket: { stop(): void }; _ltkInfos: Buffer[]; clearLongTermKeys(): void };
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
}

export function blenoVersion(): string {
  return (require(BLENO_PKG) as { version: string }).version;
}

let loaded: LoadedBleno | undefined;

function dropBlenoModules(): void {
  for (const key of Object.keys(require.cache)) if (key.startsWith(BLENO_DIR)) delete require.cache[key];
}

/** bleno is a singleton: one loaded instance per process at a time (close the previous one first). */
export async function loadBleno(transport: HciTransport, options: { timeoutMs?: number } = {}): Promise<LoadedBleno> {
  if (loaded) throw new BlenoLoadError('bleno is already loaded in this process: close it before loading another');
  dropBlenoModules();
  if (!injectHciSocket(BLENO_HCI_FILE)) {
    throw new BlenoLoadError('bleno was loaded with the real bluetooth-hci-socket before blebench could put its transport in place');
  }

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
    return require('@abandonware/bleno') as Bleno;
  });
  const internals: BlenoInternals = {
    bindings: require(BLENO_HCI_BINDINGS_FILE) as BlenoInternals['bindings'],
    mgmt: require(path.join(BLENO_DIR, 'lib', 'hci-socket', 'mgmt.js')) as BlenoInternals['mgmt'],
    smp: (require(BLENO_SMP_FILE) as { prototype: BlenoSmpPrototype }).prototype,
  };
  const gates = interceptGattAndSmp(internals);

  // The first stateChange listener runs bindings.init() (binds and starts the socket).
  runRemovingProcessListeners(() => {
    bleno.on('stateChange', () => {});
  });
  const powered = waitForEvent<[string]>(bleno as unknown as NodeJS.EventEmitter, 'stateChange', {
    what: `bleno to power on over ${transport.label}`,
    timeoutMs: options.timeoutMs ?? 5000,
    pred: (s) => s === 'poweredOn',
  });
  try {
    await powered;
  } catch (err) {
    shutdown(internals);
    dropBlenoModules();
    throw err;
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
function interceptGattAndSmp(internals: BlenoInternals): Gates {
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

  const smp = internals.smp;
  const fail = (s: BlenoSmp, reason: number) => {
    s.write(Buffer.from([SMP_CODE.PAIRING_FAILED, reason]));
    s.emit('fail');
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

/** bleno's 36-octet MGMT LTK info: address(6, LSB first) type(1) key type(1) central(1) size(1) EDIV(2) Rand(8) key(16). */
function parseLtkInfo(info: Buffer): BlenoStoredKey {
  return {
    peerAddress: addressToString(info.subarray(0, 6)),
    peerAddressType: info[6] === MGMT_ADDRESS_TYPE.LE_PUBLIC ? 'public' : 'random',
    keyType: info[7]!,
    encSize: info[9]!,
  };
}
