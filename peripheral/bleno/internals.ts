// bleno 0.6.2's internals the peripheral reaches: where its files are, the shapes of the objects it
// touches, and a check at load time that they are still there (a changed bleno fails loudly here and
// in test/peripheral/pinned-bleno-drift-fails-loudly.test.ts, never by answering wrongly). Only peripheral/bleno/ reaches them.
//
// What bleno does that this module works around (design.md, "What the stacks do"):
// - bleno is a process-wide singleton, and its hci-socket bindings, Hci and Mgmt are module-level
//   instances that open their sockets while being required. Each load therefore gets fresh copies of
//   bleno's modules (its require-cache entries are dropped first) with the transport's sockets injected.
// - On macOS lib/bleno.js picks the platform bindings; for an HCI transport we hand it the
//   hci-socket bindings instead.
// - Its init adds SIGINT/exit handlers that exit the process; we take them out.
// - Its Hci polls isDevUp() every second forever, re-arming a timer it keeps no handle on; close() ends
//   that loop and clears the pending timer (common/base/util/adapter-poll.ts).
// - Its ATT server (lib/hci-socket/gatt.js) is never reached: every PDU on the ATT channel goes to
//   the handler the peripheral role sets (setAttChannel replaces this instance's Gatt.handleRequest,
//   which its onAclStreamData calls for CID 0x0004), and answers go out through bleno's L2CAP write
//   (AclStream.write). bleno's attribute table is left unused (setServices is never called).
// - Its SMP (lib/hci-socket/smp.js) answers every Pairing Request; setPairingGate lets the peripheral
//   refuse one with Pairing Failed, and PDUs out of order get Pairing Failed instead of a crash
//   (`_tk` undefined when Pairing Random arrives first).
// - Its bindings keep one link (one _handle/_aclStream; Hci forgets every handle but the last):
//   connections.ts replaces their connection handlers with one AclStream per handle.
// - Its MGMT keeps the keys it loads into the kernel (`_ltkInfos`); storedKeys()/forgetKeys() read
//   and clear them through bleno's own clearLongTermKeys().
import { createRequire } from 'node:module';
import path from 'node:path';
import { BlebenchError } from '../../common/base/errors/blebench-error.js';

export type Bleno = typeof import('@abandonware/bleno');

export const require = createRequire(import.meta.url);
export const BLENO_VERSION_PINNED = '0.6.2';
export const BLENO_PKG = require.resolve('@abandonware/bleno/package.json');
export const BLENO_DIR = path.dirname(BLENO_PKG) + path.sep;
export const BLENO_HCI_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/hci.js');
export const BLENO_HCI_BINDINGS_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/bindings.js');
export const BLENO_SMP_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/smp.js');
export const BLENO_ACL_STREAM_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/acl-stream.js');
export const BLENO_MGMT_FILE = require.resolve('@abandonware/bleno/lib/hci-socket/mgmt.js');
export const BLENO_MAC_BINDINGS_FILE = path.join(BLENO_DIR, 'lib', 'mac', 'bindings.js');

/** bleno's ATT server, one instance per load (bindings._gatt): only the request entry point is used. */
export interface BlenoGatt {
  handleRequest(pdu: Buffer): void;
}

/** bleno's SMP responder (lib/hci-socket/smp.js), one per link. */
export interface BlenoSmp {
  _pres?: Buffer;
  _tk?: Buffer;
  write(pdu: Buffer): void;
  emit(event: 'fail'): boolean;
}
export type SmpHandler = (this: BlenoSmp, pdu: Buffer) => void;
export interface BlenoSmpPrototype {
  onAclStreamData: (this: BlenoSmp, cid: number, data: Buffer) => void;
  handlePairingRequest: SmpHandler;
  handlePairingConfirm: SmpHandler;
  handlePairingRandom: SmpHandler;
}

/** bleno's AclStream (lib/hci-socket/acl-stream.js): one per link, with its Smp; write(cid, data) is bleno's L2CAP send. */
export interface BlenoAclStream {
  write(cid: number, data: Buffer): void;
  push(cid: number | null, data: Buffer | null): void;
  pushEncrypt(encrypt: number): void;
  pushLtkNegReply(): void;
  on(event: 'data', listener: (cid: number, data: Buffer) => void): unknown;
}

/** bleno's Hci (lib/hci-socket/hci.js), one per load. */
export interface BlenoHci {
  _socket: { stop(): void };
  pollIsDevUp: () => void;
  /** The one handle bleno's Hci lets a Disconnection Complete through for. */
  _mainHandle: number | null;
  addressType: unknown;
  address: unknown;
  disconnect(handle: number, reason?: number): void;
  onSocketData(this: BlenoHci, data: Buffer): void;
}

/** The bindings' handlers of connection events (init() binds them to Hci's events). */
type BindingsHandler = (this: BlenoInternals['bindings'] & { emit(event: string, ...args: unknown[]): boolean }, ...args: never[]) => void;

/** The parts of bleno's hci-socket bindings this module relies on. */
export interface BlenoInternals {
  bindings: {
    _hci: BlenoHci;
    _gatt: BlenoGatt & { setAclStream(stream: BlenoAclStream): void };
    _gap: { restartAdvertising(): void };
    _handle: number | null;
    _address: string | null;
    /** The latest link's AclStream (null without a link). */
    _aclStream: BlenoAclStream | null;
    _advertising: boolean;
    disconnect(): void;
    onLeConnComplete: BindingsHandler;
    onDisconnComplete: BindingsHandler;
    onEncryptChange: BindingsHandler;
    onLeLtkNegReply: BindingsHandler;
    onAclDataPkt: BindingsHandler;
  };
  /** write(opcode, index, params): one management command on bleno's control socket (Load IRKs goes out this way). */
  mgmt: { _socket: { stop(): void }; _ltkInfos: Buffer[]; clearLongTermKeys(): void; loadLongTermKeys(): void; write(opcode: number, index: number, data: Buffer): void };
  smp: BlenoSmpPrototype;
}

/** bleno cannot be loaded the way blebench needs it: another version, already loaded, or loaded before blebench. */
export class BlenoLoadError extends BlebenchError {
  readonly code = 'BLENO_LOAD';
}

export function blenoVersion(): string {
  return (require(BLENO_PKG) as { version: string }).version;
}

/** Drops every bleno module from the require cache: the next require builds fresh instances. */
export function dropBlenoModules(): void {
  for (const key of Object.keys(require.cache)) if (key.startsWith(BLENO_DIR)) delete require.cache[key];
}

/** The methods and fields this folder relies on, checked on every load (bleno's SMP only when it runs). */
export function checkInternals(internals: BlenoInternals, blenoSmp: boolean): void {
  const missing: string[] = [];
  const fn = (v: unknown, what: string) => typeof v !== 'function' && missing.push(what);
  fn(internals.bindings._gatt?.handleRequest, 'bindings._gatt.handleRequest()');
  fn(internals.bindings._hci?.disconnect, 'bindings._hci.disconnect()');
  fn(internals.bindings.disconnect, 'bindings.disconnect()');
  for (const m of ['onLeConnComplete', 'onDisconnComplete', 'onEncryptChange', 'onLeLtkNegReply', 'onAclDataPkt'] as const) fn(internals.bindings[m], `bindings.${m}()`);
  fn(internals.bindings._gatt?.setAclStream, 'bindings._gatt.setAclStream()');
  fn(internals.bindings._gap?.restartAdvertising, 'bindings._gap.restartAdvertising()');
  fn(internals.bindings._hci?.onSocketData, 'bindings._hci.onSocketData()');
  fn(internals.mgmt.loadLongTermKeys, 'mgmt.loadLongTermKeys()');
  fn(internals.mgmt.clearLongTermKeys, 'mgmt.clearLongTermKeys()');
  fn(internals.mgmt.write, 'mgmt.write()');
  // With blebench's Security Manager, require('./smp') is the substitute: bleno's SMP is not used.
  if (blenoSmp) for (const m of ['onAclStreamData', 'handlePairingRequest', 'handlePairingConfirm', 'handlePairingRandom'] as const) fn(internals.smp[m], `smp.${m}()`);
  if (!Array.isArray(internals.mgmt._ltkInfos)) missing.push('mgmt._ltkInfos');
  if (missing.length) throw new BlenoLoadError(`bleno ${blenoVersion()} is not the ${BLENO_VERSION_PINNED} peripheral/bleno/ was written for: no ${missing.join(', ')}`);
}

/** The process's one loaded bleno (it is a singleton), HCI or os. */
export const blenoSlot: { hci: { close(): Promise<void> } | undefined; os: { close(): Promise<void> } | undefined } = { hci: undefined, os: undefined };
