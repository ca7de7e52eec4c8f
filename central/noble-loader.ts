// The one module that loads @abandonware/noble (1.9.2-26). Every reach into its internals lives
// here; test/central/noble-loader.test.ts fails loudly when a pinned version changes them.
//
// What noble does that this module works around (design.md, "What the stacks do"):
// - require('@abandonware/noble') builds a singleton that opens the HCI socket at import; we build a
//   fresh instance per transport from lib/noble + lib/hci-socket/bindings instead (the hci-socket
//   bindings on every OS: the platform bindings are the `os` transport's business).
// - The socket it opens is the transport's, injected in place of bluetooth-hci-socket.
// - Its init adds SIGINT/exit handlers that exit the process; we take them out.
// - Its Hci polls isDevUp() every second forever; close() ends that loop.
// - Its GATT client hides ATT errors and pairs on its own; NobleAttBearer (below) takes each
//   connection's ATT queue and SMP over at the moment the link comes up (see that class).
import { createRequire } from 'node:module';
import { release as osRelease } from 'node:os';
import type { HciTransport } from '../common/hci/transport.js';
import { injectHciSocket, withTransportSockets } from '../common/hci/socket-injection.js';
import { runRemovingProcessListeners } from '../common/util/process-listeners.js';
import { waitForEvent } from '../common/util/wait.js';
import { EventEmitter } from 'node:events';
import { L2CAP_CID, L2CAP_SIG, L2CAP_SIG_HEADER_LENGTH } from '../common/codes/l2cap.js';
import { ATT_OP } from '../common/codes/att.js';
import { HCI_STATUS } from '../common/codes/hci.js';
import { createLinkSession, type LinkSession, type SmpSetup } from '../common/smp/link-session.js';
import { toWire } from '../common/smp/byte-order.js';
import { parseSmp } from '../common/smp/pdu.js';
import { SMP_CODE, SMP_REASON } from '../common/codes/smp.js';
import type { DeviceAddress } from '../common/smp/engine-types.js';
import type { Tap } from '../common/trace/tap.js';
import { BearerClosedError, type AttBearer, type AttBearerEvents, type StoredLtk } from './att/att-bearer.js';
import type { OsTransport } from '../common/hci/os-transport.js';
import { TransportError } from '../common/hci/transport-errors.js';
import { waitForPoweredOn } from '../common/hci/stack-power.js';

export type Noble = typeof import('@abandonware/noble');
export type NoblePeripheral = import('@abandonware/noble').Peripheral;

const require = createRequire(import.meta.url);
export const NOBLE_VERSION_PINNED = '1.9.2-26';
const NOBLE_PKG = require.resolve('@abandonware/noble/package.json');
const NOBLE_HCI_FILE = require.resolve('@abandonware/noble/lib/hci-socket/hci.js');
const NOBLE_SMP_FILE = require.resolve('@abandonware/noble/lib/hci-socket/smp.js');
const NOBLE_ACL_STREAM_FILE = require.resolve('@abandonware/noble/lib/hci-socket/acl-stream.js');

/** The parts of noble's hci-socket bindings this module relies on. */
export interface NobleInternals {
  bindings: {
    _hci: {
      _socket: { stop(): void; write(p: Buffer): void };
      pollIsDevUp: () => void;
      _handleBuffers: Record<number, unknown>;
      /** LE Enable Encryption (HCI 0x2019) with the given Rand, EDIV and LTK. */
      startLeEncryption(handle: number, random: Buffer, diversifier: Buffer, key: Buffer): void;
      on(event: 'leConnComplete', l: (status: number, handle: number, role: number) => void): unknown;
    };
    _gatts: Record<number, NobleLinkInternals['gatt'] | undefined>;
    _aclStreams: Record<number, NobleLinkInternals['aclStream'] | undefined>;
    _handles: Record<string, number | string>;
    disconnect(peripheralUuid: string): void;
  };
}

export class NobleLoadError extends Error {
  readonly code = 'NOBLE_LOAD';
}

export interface LoadedNoble {
  noble: Noble;
  transport: HciTransport;
  version: string;
  internals: NobleInternals;
  /** The ATT bearer of the live connection with this HCI handle (taken over when the link came up). */
  bearer(handle: number): NobleAttBearer | undefined;
  /** blebench's Security Manager on the connection with this HCI handle (only with the `smp` option). */
  smpSession(handle: number): LinkSession | undefined;
  /** Stops scanning, drops links, ends noble's poll loop and its socket. The transport stays open. */
  close(): Promise<void>;
}

export interface LoadNobleOptions {
  /** Use the LE extended scanning/connection commands (noble's `extended` option). */
  extended?: boolean;
  /** How long to wait for noble to report poweredOn. */
  timeoutMs?: number;
  /**
   * Take every connection's ATT queue and SMP over with a NobleAttBearer (the central client does).
   * Default false: noble behaves as shipped, silent pairing included (the seam check shows that).
   */
  attBearers?: boolean;
  /**
   * Run blebench's Security Manager (common/smp) on every connection instead of noble's SMP (LE legacy
   * Just Works only). Default undefined: noble's own SMP, as shipped.
   */
  smp?: SmpSetup;
}

export function nobleVersion(): string {
  return (require(NOBLE_PKG) as { version: string }).version;
}

export async function loadNoble(transport: HciTransport, options: LoadNobleOptions = {}): Promise<LoadedNoble> {
  if (transport.spec.kind === 'os') {
    throw new NobleLoadError(
      `${transport.label}: there is no HCI below the OS stack, so noble's HCI bindings cannot run on it; the os central loads noble's platform bindings with loadNobleOs (central/os/os-central.ts)`,
    );
  }
  if (!injectHciSocket(NOBLE_HCI_FILE)) {
    throw new NobleLoadError('noble was loaded with the real bluetooth-hci-socket before blebench could put its transport in place');
  }
  // Before bindings.js pulls in acl-stream.js, which binds `./smp` once per process.
  const smpFactories = installNobleSmp();
  guardNobleInternals();
  const NobleClass = require('@abandonware/noble/lib/noble.js') as new (bindings: unknown) => Noble;
  const Bindings = require('@abandonware/noble/lib/hci-socket/bindings.js') as new (options: object) => NobleInternals['bindings'];

  const bindings = withTransportSockets(transport, () => new Bindings({ extended: !!options.extended }));
  const noble = new NobleClass(bindings);
  const internals: NobleInternals = { bindings };
  const sessions = new Map<number, LinkSession>();
  if (options.smp) {
    const setup = options.smp;
    smpFactories.set(bindings._hci, (acl, local, peer) => new NobleSmpSession(acl, local, peer, setup, transport.tap, sessions));
  }

  // Reading noble.state the first time runs bindings.init() synchronously (binds and starts the
  // socket); a first stateChange listener would do it on the next tick and swallow its errors.
  runRemovingProcessListeners(() => {
    void (noble as unknown as { state: string }).state;
  });
  try {
    await waitForPoweredOn(noble as unknown as NodeJS.EventEmitter, { stack: 'noble', transport: transport.label, timeoutMs: options.timeoutMs ?? 5000 });
  } catch (err) {
    // Never powered on: stop its adapter poll and socket, as close() does, so nothing is left running.
    bindings._hci.pollIsDevUp = () => {};
    bindings._hci._socket.stop();
    throw err;
  }

  // Take each connection's ATT queue and SMP over in the same turn noble builds them (its own
  // leConnComplete listener ran first), before any ATT PDU of that link can arrive.
  const bearers = new Map<number, NobleAttBearer>();
  if (options.attBearers) bindings._hci.on('leConnComplete', (status, handle, role) => {
    const gatt = bindings._gatts[handle];
    const aclStream = bindings._aclStreams[handle];
    if (status !== 0 || role !== 0 || !gatt || !aclStream) return;
    const bearer = new NobleAttBearer(handle, { gatt, aclStream });
    bearers.set(handle, bearer);
    bearer.once('end', () => {
      if (bearers.get(handle) === bearer) bearers.delete(handle);
    });
  });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      noble.stopScanning();
    } catch {
      /* not scanning */
    }
    // _handles maps both ways (uuid → handle and handle → uuid); the uuid keys are the links.
    for (const [key, handle] of Object.entries(bindings._handles)) {
      if (typeof handle !== 'number' || /^\d+$/.test(key)) continue;
      try {
        bindings.disconnect(key);
      } catch {
        /* gone already */
      }
    }
    bindings._hci.pollIsDevUp = () => {};
    bindings._hci._socket.stop();
  };
  return { noble, transport, version: nobleVersion(), internals, bearer: (h) => bearers.get(h), smpSession: (h) => sessions.get(h), close };
}

// ---------------------------------------------------------------------------------------------
// One connection's ATT bearer and SMP, taken over from noble's Gatt and AclStream objects.
//
// What noble 1.9.2-26's Gatt (lib/hci-socket/gatt.js) does, and what this class does instead:
// - On an Error Response 0x05, 0x08 or 0x0F it starts Just Works pairing and keeps the request
//   outstanding; on 0x04 it drops the response. Either way the request may never complete. Here
//   every Error Response to the outstanding request completes it, so the caller sees the code.
// - When the link becomes encrypted it re-sends its outstanding request (a duplicate on the air),
//   or throws a TypeError when none is outstanding (`this._currentCommand.buffer` of null). Here
//   encryption only becomes an event.
// - When pairing fails (AclStream 'encryptFail') it does nothing. Here that becomes an event.
// - When the link drops it leaves the outstanding request and the queue behind it forever. Here
//   every pending request is rejected at once.
// ---------------------------------------------------------------------------------------------

interface NobleAttCommand {
  buffer: Buffer;
  callback: ((data: Buffer) => void) | null;
  writeCallback?: () => void;
}

/** The parts of one connection's noble objects this module relies on (lib/hci-socket/gatt.js, acl-stream.js). */
export interface NobleLinkInternals {
  gatt: NodeJS.EventEmitter & {
    _currentCommand: NobleAttCommand | null;
    _commandQueue: NobleAttCommand[];
    _security: string;
    _mtu: number;
    /** The Client Rx MTU noble asks for in its Exchange MTU Request (256). */
    _desired_mtu: number;
    onAclStreamDataBinded: (cid: number, data: Buffer) => void;
    onAclStreamEncryptBinded: (encrypt: boolean) => void;
    _queueCommand(buffer: Buffer, callback: ((data: Buffer) => void) | null, writeCallback?: () => void): void;
    writeAtt(data: Buffer): void;
  };
  aclStream: NodeJS.EventEmitter & {
    encrypt(): void;
    _smp?: unknown;
    /** noble's Hci, whose startLeEncryption its own SMP uses with the STK (lib/hci-socket/acl-stream.js onSmpStk). */
    _hci?: { startLeEncryption?(handle: number, random: Buffer, diversifier: Buffer, key: Buffer): void };
  };
}

export class NobleInternalsChanged extends Error {
  readonly code = 'NOBLE_INTERNALS';
  constructor(what: string) {
    super(`noble ${NOBLE_VERSION_PINNED}'s internals changed: ${what} (central/noble-loader.ts relies on it)`);
  }
}

export class NobleAttBearer extends EventEmitter<AttBearerEvents> implements AttBearer {
  private readonly pending = new Set<(e: Error) => void>();
  private endedWith: Error | undefined;

  constructor(
    readonly handle: number,
    private readonly link: NobleLinkInternals,
  ) {
    super();
    const { gatt, aclStream } = link;
    for (const k of ['onAclStreamDataBinded', 'onAclStreamEncryptBinded', '_queueCommand', 'writeAtt'] as const) {
      if (typeof gatt[k] !== 'function') throw new NobleInternalsChanged(`Gatt.${k} is not a function`);
    }
    if (typeof aclStream.encrypt !== 'function') throw new NobleInternalsChanged('AclStream.encrypt is not a function');
    // Never let noble pair on its own: its security level check then passes every error on.
    gatt._security = 'medium';
    aclStream.removeListener('data', gatt.onAclStreamDataBinded);
    aclStream.on('data', this.onData);
    aclStream.removeListener('encrypt', gatt.onAclStreamEncryptBinded);
    aclStream.on('encrypt', (enabled: boolean) => this.emit('encrypt', !!enabled));
    aclStream.on('encryptFail', () => this.emit('pairingFailed'));
    aclStream.once('end', () => this.finish(new BearerClosedError()));
  }

  /**
   * ATT_MTU is the smaller of the Client Rx MTU and the Server Rx MTU (Core v5.4 Vol 3 Part F
   * 3.4.2.2). noble takes the server's alone (`this._mtu = newMtu`), so against a server offering
   * more than the 256 noble asks for (ble-host offers 517) it would send PDUs the server may drop.
   */
  get mtu(): number {
    const { _mtu, _desired_mtu } = this.link.gatt;
    return typeof _desired_mtu === 'number' ? Math.min(_mtu, _desired_mtu) : _mtu;
  }

  get ended(): boolean {
    return this.endedWith !== undefined;
  }

  request(pdu: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      if (this.endedWith) return reject(this.endedWith);
      const fail = (e: Error) => reject(e);
      this.pending.add(fail);
      this.link.gatt._queueCommand(pdu, (rsp) => {
        this.pending.delete(fail);
        resolve(rsp);
      });
    });
  }

  command(pdu: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.endedWith) return reject(this.endedWith);
      const fail = (e: Error) => reject(e);
      this.pending.add(fail);
      this.link.gatt._queueCommand(pdu, null, () => {
        this.pending.delete(fail);
        resolve();
      });
    });
  }

  startPairing(): void {
    if (this.endedWith) throw this.endedWith;
    this.link.aclStream.encrypt();
  }

  /**
   * noble keeps no keys and never encrypts a link except right after its own pairing. With a key the
   * central kept (the LTK, EDIV and Rand the peripheral distributed), this sends LE Enable Encryption
   * through noble's Hci, as noble's AclStream does with the STK; the Encryption Change comes back as
   * the 'encrypt' event (status on the tap).
   */
  startEncryption(key: StoredLtk): void {
    if (this.endedWith) throw this.endedWith;
    const hci = this.link.aclStream._hci;
    if (typeof hci?.startLeEncryption !== 'function') throw new NobleInternalsChanged('AclStream._hci.startLeEncryption is not a function');
    const ediv = Buffer.alloc(2);
    ediv.writeUInt16LE(key.ediv);
    hci.startLeEncryption(this.handle, key.rand, ediv, key.ltk);
  }

  abandon(reason: Error): void {
    const { gatt } = this.link;
    gatt._currentCommand = null;
    gatt._commandQueue = [];
    this.finish(reason, false);
  }

  private finish(reason: Error, linkEnded = true): void {
    if (this.endedWith) return;
    this.endedWith = reason;
    for (const fail of [...this.pending]) fail(reason);
    this.pending.clear();
    if (linkEnded) this.emit('end');
  }

  private readonly onData = (cid: number, data: Buffer): void => {
    const { gatt } = this.link;
    if (cid !== L2CAP_CID.ATT) return gatt.onAclStreamDataBinded(cid, data);
    // An ATT PDU without an opcode, or an Exchange MTU Response without its MTU (Vol 3 Part F
    // 3.4.2.2), is no answer: noble would hand it to its own MTU exchange, which reads past the end.
    if (data.length === 0 || (data[0] === ATT_OP.EXCHANGE_MTU_RSP && data.length < EXCHANGE_MTU_RSP_LENGTH)) return;
    const op = data[0];
    if (op === ATT_OP.HANDLE_VALUE_NTF || op === ATT_OP.HANDLE_VALUE_IND) {
      // Without its handle (Vol 3 Part F 3.4.7.1-2) it is no PDU: noble would read past the end and throw.
      if (data.length < HANDLE_VALUE_HEADER) return;
      // noble answers an indication with a Handle Value Confirmation itself (gatt.js).
      if (data.length >= 3) this.emit('notification', { handle: data.readUInt16LE(1), value: Buffer.from(data.subarray(3)), indication: op === ATT_OP.HANDLE_VALUE_IND });
      return gatt.onAclStreamDataBinded(cid, data);
    }
    const current = gatt._currentCommand;
    // Error Response: Request Opcode In Error, Attribute Handle, Error Code. Vol 3 Part F 3.4.1.1.
    if (op === ATT_OP.ERROR_RSP && current?.callback && data[1] === current.buffer[0]) {
      current.callback(data);
      gatt._currentCommand = null;
      this.sendNext();
      return;
    }
    gatt.onAclStreamDataBinded(cid, data);
  };

  /** What noble does after a response: send queued PDUs until one waits for an answer. */
  private sendNext(): void {
    const { gatt } = this.link;
    while (gatt._currentCommand === null && gatt._commandQueue.length) {
      const next = gatt._commandQueue.shift()!;
      gatt._currentCommand = next;
      gatt.writeAtt(next.buffer);
      if (next.callback) break;
      next.writeCallback?.();
      gatt._currentCommand = null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// blebench's Security Manager in place of noble's SMP (lib/hci-socket/smp.js: LE legacy Just Works,
// NoInputNoOutput, no key kept, a Pairing Random where Pairing Failed is meant).
//
// noble's AclStream (lib/hci-socket/acl-stream.js) builds `new Smp(this, localAddressType,
// localAddress, remoteAddressType, remoteAddress)` from `require('./smp')`, bound once per process, and
// listens for its 'stk', 'fail' and 'end'. So a substitute constructor goes into require.cache for
// smp.js before acl-stream.js first loads. Per connection it looks up the factory of the noble
// instance the AclStream belongs to (keyed by AclStream._hci, filled by loadNoble with `smp`) and
// otherwise builds noble's own Smp, so a noble loaded without `smp` (the seam check) is unchanged.
// ---------------------------------------------------------------------------------------------

/** The parts of noble's AclStream the substitute uses. */
interface NobleAclStream extends NodeJS.EventEmitter {
  _hci: { startLeEncryption(handle: number, random: Buffer, diversifier: Buffer, key: Buffer): void };
  _handle: number;
  write(cid: number, data: Buffer): void;
}
type NobleSmpFactory = (acl: NobleAclStream, local: DeviceAddress, peer: DeviceAddress) => object;
const NOBLE_SMP_MARK = Symbol.for('blebench.noble-smp-substitute');
interface NobleSmpSubstitute {
  [NOBLE_SMP_MARK]: true;
  factories: WeakMap<object, NobleSmpFactory>;
}

const nobleAddress = (address: string, type: string): DeviceAddress => ({ address: address.toUpperCase(), type: type === 'random' ? 'random' : 'public' });

/** Puts the substitute in place (once per process) and returns its factory registry. */
/** Opcode and Server Rx MTU. Vol 3 Part F 3.4.2.2. */
const EXCHANGE_MTU_RSP_LENGTH = 3;
/** Opcode and Attribute Handle of a Handle Value Notification/Indication. Vol 3 Part F 3.4.7.1. */
const HANDLE_VALUE_HEADER = 3;

/** noble's own SMP (LE legacy initiator) as its prototype has it. */
interface NobleSmpPrototype {
  onAclStreamData(this: NobleOwnSmp, cid: number, data: Buffer): void;
  handlePairingResponse(this: NobleOwnSmp, data: Buffer): void;
  handlePairingConfirm(this: NobleOwnSmp, data: Buffer): void;
  handlePairingRandom(this: NobleOwnSmp, data: Buffer): void;
}
interface NobleOwnSmp {
  _preq?: Buffer;
  _pres?: Buffer;
  _pcnf?: Buffer;
  write(data: Buffer): void;
  emit(event: 'fail'): boolean;
}

/**
 * noble's smp.js reads every command at fixed offsets and trusts the order: an empty or short PDU,
 * a Pairing Confirm before the Pairing Response or a Pairing Random before the Confirm throws (and
 * ends the process). Such PDUs get Pairing Failed instead (Vol 3 Part H 3.3, 3.5.5; the reason from
 * parseSmp, Unspecified Reason for the order), and noble's 'fail' as on a wrong confirm.
 */
function guardNobleSmp(proto: NobleSmpPrototype): void {
  const fail = (smp: NobleOwnSmp, reason: number) => {
    smp.write(Buffer.from([SMP_CODE.PAIRING_FAILED, reason]));
    smp.emit('fail');
  };
  const onData = proto.onAclStreamData;
  proto.onAclStreamData = function (cid, data) {
    const parsed = cid === L2CAP_CID.SMP ? parseSmp(data) : undefined;
    if (parsed && !parsed.ok) fail(this, parsed.reason);
    else onData.call(this, cid, data);
  };
  const onConfirm = proto.handlePairingConfirm;
  proto.handlePairingConfirm = function (data) {
    if (this._pres) onConfirm.call(this, data);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
  const onRandom = proto.handlePairingRandom;
  proto.handlePairingRandom = function (data) {
    if (this._pres && this._pcnf) onRandom.call(this, data);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
  const onResponse = proto.handlePairingResponse;
  proto.handlePairingResponse = function (data) {
    if (this._preq && !this._pres) onResponse.call(this, data);
    else fail(this, SMP_REASON.UNSPECIFIED_REASON);
  };
}

const NOBLE_SIGNALING_FILE = require.resolve('@abandonware/noble/lib/hci-socket/signaling.js');
const NOBLE_GUARDED = Symbol.for('blebench.noble-guarded');
/** Connection Parameter Update Request parameters: four 16-bit fields. Vol 3 Part A 4.20. */
const CONNECTION_PARAMETER_UPDATE_LENGTH = 8;

interface NobleHciPrototype {
  _aclQueue: Array<{ handle: number; packet: Buffer }>;
  _aclConnections: Map<number, { pending: number }>;
  _socket: { write(p: Buffer): void };
  /** Set per instance in noble's Hci constructor. */
  getAclBuffers(): Promise<{ num: number }>;
  flushAcl(): Promise<void>;
}

/**
 * Two more places where noble 1.9.2-26 throws (and the process ends): its LE signaling reads a
 * command and a Connection Parameter Update Request at fixed offsets (a short one is dropped here,
 * as noble answers no other command either), and its flushAcl, after awaiting the buffer count,
 * counts a queued packet against a connection that went down meanwhile (the packet is dropped, as
 * the controller flushes what was queued for a dead link). Vol 3 Part A 4, Vol 4 Part E 4.1.
 */
function guardNobleInternals(): void {
  const signaling = (require(NOBLE_SIGNALING_FILE) as { prototype: { onAclStreamData(cid: number, data: Buffer): void; [NOBLE_GUARDED]?: true } }).prototype;
  const hci = (require(NOBLE_HCI_FILE) as { prototype: NobleHciPrototype & { [NOBLE_GUARDED]?: true } }).prototype;
  if (typeof signaling.onAclStreamData !== 'function' || typeof hci.flushAcl !== 'function') {
    throw new NobleInternalsChanged("noble's Signaling.onAclStreamData or Hci.flushAcl is gone");
  }
  if (!signaling[NOBLE_GUARDED]) {
    signaling[NOBLE_GUARDED] = true;
    const onData = signaling.onAclStreamData;
    signaling.onAclStreamData = function (cid, data) {
      if (cid === L2CAP_CID.LE_SIGNALING) {
        if (data.length < L2CAP_SIG_HEADER_LENGTH) return;
        if (data[0] === L2CAP_SIG.CONNECTION_PARAMETER_UPDATE_REQ && data.length < L2CAP_SIG_HEADER_LENGTH + CONNECTION_PARAMETER_UPDATE_LENGTH) return;
      }
      onData.call(this, cid, data);
    };
  }
  if (!hci[NOBLE_GUARDED]) {
    hci[NOBLE_GUARDED] = true;
    hci.flushAcl = async function (this: NobleHciPrototype) {
      const pending = () => [...this._aclConnections.values()].reduce((n, c) => n + c.pending, 0);
      const buffers = await this.getAclBuffers();
      while (this._aclQueue.length > 0 && pending() < buffers.num) {
        const { handle, packet } = this._aclQueue.shift()!;
        const connection = this._aclConnections.get(handle);
        if (!connection) continue;
        connection.pending++;
        this._socket.write(packet);
      }
    };
  }
}

function installNobleSmp(): WeakMap<object, NobleSmpFactory> {
  const cached = require.cache[NOBLE_SMP_FILE]?.exports as Partial<NobleSmpSubstitute> | undefined;
  if (cached?.[NOBLE_SMP_MARK] && cached.factories) return cached.factories;
  if (require.cache[NOBLE_ACL_STREAM_FILE]) {
    throw new NobleLoadError("noble's lib/hci-socket/acl-stream.js was loaded before blebench could put its Security Manager in place of noble's smp.js");
  }
  const Original = require(NOBLE_SMP_FILE) as (new (acl: unknown, lat: string, la: string, rat: string, ra: string) => object) & { prototype: NobleSmpPrototype };
  guardNobleSmp(Original.prototype);
  const factories = new WeakMap<object, NobleSmpFactory>();
  function Smp(acl: NobleAclStream, localAddressType: string, localAddress: string, remoteAddressType: string, remoteAddress: string): object {
    const factory = factories.get(acl._hci);
    if (!factory) return new Original(acl, localAddressType, localAddress, remoteAddressType, remoteAddress);
    return factory(acl, nobleAddress(localAddress, localAddressType), nobleAddress(remoteAddress, remoteAddressType));
  }
  const substitute = Object.assign(Smp, { [NOBLE_SMP_MARK]: true as const, factories, Original });
  require.cache[NOBLE_SMP_FILE] = {
    id: NOBLE_SMP_FILE,
    filename: NOBLE_SMP_FILE,
    loaded: true,
    exports: substitute,
    children: [],
    paths: [],
  } as unknown as NodeJS.Module;
  return factories;
}

/**
 * What noble's AclStream sees as its Smp: an EventEmitter with sendPairingRequest() (what
 * AclStream.encrypt() calls) that emits 'fail' (→ AclStream 'encryptFail') and 'end'. Inside, one
 * LinkSession as central: SMP PDUs (CID 0x0006) in, 'encrypt' (noble drops the status: it is read
 * from the tap's Encryption Change) in, PDUs and LE Enable Encryption out.
 */
class NobleSmpSession extends EventEmitter {
  readonly session: LinkSession;

  constructor(acl: NobleAclStream, local: DeviceAddress, peer: DeviceAddress, setup: SmpSetup, tap: Tap, sessions: Map<number, LinkSession>) {
    super();
    const handle = acl._handle;
    if (typeof acl.write !== 'function' || typeof acl._hci?.startLeEncryption !== 'function') {
      throw new NobleInternalsChanged('AclStream.write or AclStream._hci.startLeEncryption is not a function');
    }
    this.session = createLinkSession({
      ...setup,
      role: 'central',
      local,
      peer,
      handle,
      link: {
        sendPdu: (pdu) => acl.write(L2CAP_CID.SMP, pdu),
        startEncryption: (ltk) => {
          const ediv = Buffer.alloc(2);
          ediv.writeUInt16LE(ltk.ediv);
          acl._hci.startLeEncryption(handle, toWire(ltk.rand), ediv, toWire(ltk.key));
        },
      },
    });
    sessions.set(handle, this.session);
    this.session.on('outcome', (o) => {
      if (o.result === 'failed') this.emit('fail');
    });
    acl.on('data', (cid: number, data: Buffer) => {
      if (cid === L2CAP_CID.SMP && data.length > 0) this.session.input({ type: 'pdu', pdu: Buffer.from(data) });
    });
    acl.on('encrypt', (encrypt: number | boolean) => {
      const status = tap.link(handle)?.encryptionStatus ?? (encrypt ? 0 : HCI_STATUS.UNSPECIFIED_ERROR);
      this.session.input({ type: 'encryption', encrypted: !!encrypt, status });
    });
    acl.once('end', () => {
      this.session.close();
      if (sessions.get(handle) === this.session) sessions.delete(handle);
      this.emit('end');
    });
  }

  /** noble's AclStream.encrypt(): encrypt with the stored key when there is one that fits, else pair. */
  sendPairingRequest(): void {
    this.session.input({ type: 'secure' });
  }
}

// ---------------------------------------------------------------------------------------------
// `os`: noble with its own platform bindings (what require('@abandonware/noble') picks through
// lib/resolve-bindings.js on macOS and Windows), built here so nothing loads noble's singleton. No HCI
// below, no tap; pairing is the OS's. Only noble's public API and the bindings' own events are used.
//
// What noble 1.9.2-26's platform bindings report (lib/mac/src/ble_manager.mm, lib/win/src/ble_manager.cc):
// - connect: `connect(uuid, null | "connection failed")`: the one error they forward, as a string.
// - read/write/notify: no error argument. CoreBluetooth's NSError is dropped: a failed read emits
//   `read` with the characteristic's cached value (empty if never read), a failed write emits `write`
//   as if it worked, a refused subscription emits `notify` with the state still false. WinRT drops a
//   failed read (no event at all) and emits `write`/`notify` whatever the GattCommunicationStatus.
// So the API bearer (central/os/) reads each bindings event itself, with every argument: a trailing
// error argument (the shape `connect` uses) is read where a binding gives one, and marked `api`.
// ---------------------------------------------------------------------------------------------

/** What lib/noble.js calls on its bindings for what the os central does (test/os pins it against the source). */
export const NOBLE_OS_BINDING_METHODS = [
  'init',
  'startScanning',
  'stopScanning',
  'connect',
  'disconnect',
  'discoverServices',
  'discoverCharacteristics',
  'read',
  'write',
  'notify',
] as const;

/** The bindings events the os central listens to, with the arguments noble 1.9.2-26's mac binding emits. */
export const NOBLE_OS_BINDING_EVENTS = {
  stateChange: ['state'],
  discover: ['uuid', 'address', 'addressType', 'connectable', 'advertisement', 'rssi'],
  connect: ['uuid', 'error'],
  disconnect: ['uuid'],
  servicesDiscover: ['uuid', 'serviceUuids'],
  characteristicsDiscover: ['uuid', 'serviceUuid', 'characteristics'],
  read: ['uuid', 'serviceUuid', 'characteristicUuid', 'data', 'isNotification'],
  write: ['uuid', 'serviceUuid', 'characteristicUuid'],
  notify: ['uuid', 'serviceUuid', 'characteristicUuid', 'state'],
} as const;

/** A platform binding as lib/noble.js uses it: an EventEmitter with the methods above. */
export type NobleOsBindings = NodeJS.EventEmitter & { [K in (typeof NOBLE_OS_BINDING_METHODS)[number]]: (...args: never[]) => unknown } & { stop?: () => void };
export type NobleOsBindingsClass = new (options: object) => NobleOsBindings;

/** noble's platform bindings module for `os` on this platform (lib/resolve-bindings.js's choice). */
export function nobleOsBindingsModule(platform: NodeJS.Platform): string | undefined {
  if (platform === 'darwin') return '@abandonware/noble/lib/mac/bindings.js';
  if (platform === 'win32') return '@abandonware/noble/lib/win/bindings.js';
  return undefined;
}

export interface LoadedOsNoble {
  noble: Noble;
  /** The platform bindings themselves: the API bearer reads their events with every argument. */
  bindings: NobleOsBindings;
  transport: OsTransport;
  /** The bindings module loaded (lib/mac/bindings.js or lib/win/bindings.js). */
  bindingsModule: string;
  close(): Promise<void>;
}

export interface LoadNobleOsOptions {
  timeoutMs?: number;
  /** The platform to load for (process.platform otherwise). */
  platform?: NodeJS.Platform;
  /** Test seam: loads a module by id in place of require (test/os hands back a fake CoreBluetooth binding). */
  require?: (id: string) => unknown;
}

/** Windows 10 build 15063 or later (os.release() "10.0.15063"), as lib/resolve-bindings.js decides. */
export function winrtAvailable(release: string): boolean {
  const [major = 0, minor = 0, build = 0] = release.split('.').map((x) => parseInt(x, 10));
  return major > 10 || (major === 10 && minor > 0) || (major === 10 && minor === 0 && build >= 15063);
}

function loadOsBindingsClass(transport: OsTransport, platform: NodeJS.Platform, load: (id: string) => unknown): { Bindings: NobleOsBindingsClass; module: string } {
  const module = nobleOsBindingsModule(platform);
  if (!module) {
    throw new TransportError('UNSUPPORTED_ON_PLATFORM', `${transport.label}: noble has no platform bindings for ${platform}${platform === 'linux' ? ' (Linux reaches its stack through the kernel: use --transport hci:N)' : ''}`, transport.label, {
      hint: 'run `blebench doctor` to see what this machine offers',
    });
  }
  // lib/resolve-bindings.js: WinRT from Windows 10 build 15063 on; older Windows gets hci-socket bindings.
  if (platform === 'win32' && process.platform === 'win32' && !winrtAvailable(osRelease())) {
    throw new TransportError('UNSUPPORTED_ON_PLATFORM', `${transport.label}: Windows ${osRelease()} is older than Windows 10 build 15063, which noble's WinRT binding needs`, transport.label, {
      hint: 'use --transport usb:VID:PID with a dongle on the WinUSB driver (Zadig), or serial:COMn',
    });
  }
  try {
    const Bindings = load(module);
    if (typeof Bindings !== 'function') throw new TypeError(`${module} does not export a constructor`);
    return { Bindings: Bindings as NobleOsBindingsClass, module };
  } catch (err) {
    const what = platform === 'darwin' ? 'CoreBluetooth' : 'WinRT';
    throw new TransportError(
      'NATIVE_MODULE_MISSING',
      `${transport.label}: noble's ${what} binding (${module}) cannot be loaded on this machine: ${(err as Error).message.split('\n')[0]}`,
      transport.label,
      { cause: err, hint: `it is built by npm ci on ${platform === 'darwin' ? 'macOS (needs the Xcode command line tools)' : 'Windows 10 build 15063 or later (needs the Visual Studio build tools)'}; elsewhere use --transport mock, usb or serial:PATH` },
    );
  }
}

export async function loadNobleOs(transport: OsTransport, options: LoadNobleOsOptions = {}): Promise<LoadedOsNoble> {
  const platform = options.platform ?? process.platform;
  const load = options.require ?? require;
  const { Bindings, module } = loadOsBindingsClass(transport, platform, load);
  const NobleClass = load('@abandonware/noble/lib/noble.js') as new (bindings: unknown) => Noble;
  const bindings = new Bindings({});
  for (const m of NOBLE_OS_BINDING_METHODS) {
    if (typeof bindings[m] !== 'function') throw new NobleInternalsChanged(`the platform bindings (${module}) have no ${m}()`);
  }
  const noble = new NobleClass(bindings);
  const powered = waitForEvent<[string]>(bindings, 'stateChange', {
    what: `the ${platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform} Bluetooth stack to power on`,
    timeoutMs: options.timeoutMs ?? 5000,
    pred: (st) => st === 'poweredOn',
  });
  // Reading noble.state the first time runs bindings.init(); CoreBluetooth answers with its state.
  runRemovingProcessListeners(() => {
    void (noble as unknown as { state: string }).state;
  });
  try {
    await powered;
  } catch (e) {
    const state = (noble as unknown as { _state: string })._state;
    throw new TransportError('ADAPTER_DOWN', `${transport.label}: the OS Bluetooth stack is ${state}, not poweredOn`, transport.label, {
      cause: e,
      hint: state === 'unauthorized' ? 'allow this terminal to use Bluetooth (System Settings → Privacy & Security → Bluetooth)' : 'turn Bluetooth on in the system settings',
    });
  }
  let closed = false;
  return {
    noble,
    bindings,
    transport,
    bindingsModule: module,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        noble.stopScanning();
      } catch {
        /* not scanning */
      }
      for (const p of Object.values((noble as unknown as { _peripherals: Record<string, NoblePeripheral> })._peripherals ?? {})) {
        if (p.state === 'connected' || p.state === 'connecting') {
          try {
            p.disconnect();
          } catch {
            /* gone already */
          }
        }
      }
      bindings.stop?.();
    },
  };
}
