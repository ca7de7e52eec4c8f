// One virtual LE controller: takes whole H4 packets from its host, answers commands from the
// command table, carries ACL through the radio, and hands events back in order, asynchronously.
// Core v5.4 Vol 4 Part A 2 (H4), Part E 4.4 (command flow), 5.4 (packets).
//
// Command flow control (Vol 4 Part E 4.4): every Command Complete/Status says how many commands the
// host may send (Num_HCI_Command_Packets, NUM_HCI_COMMAND_PACKETS here), and "the Host shall not send
// more HCI Command packets than allowed". The spec leaves open what a controller does with one more;
// this one drops it unanswered, counts it (counters.commandsOverCredit) and says so ('command-over-credit'),
// as Zephyr's HCI firmware does when no command buffer is free (samples/bluetooth/hci_ipc, hci_spi: "No
// available command buffers!", the command discarded). Answering instead (Command Status 0x0C) would
// carry a new credit and let a host that never waits make the controller work without bound.
// HCI Host Number Of Completed Packets needs no credit (7.3.40: "even if the Controller has indicated
// that it cannot accept any other commands").
import { EventEmitter } from 'node:events';
import { EVT, H4, HCI_STATUS, OP, ROLE } from '../../base/codes/hci.js';
import { hostAcl } from './acl.js';
import { addressToWire } from './bytes.js';
import { CORE_VERSION_5_4, MAX_CONNECTION_HANDLE } from './capabilities.js';
import { COMMANDS } from './commands/table.js';
import { errorReturn, OK } from './commands/types.js';
import { disconnect, failedConnectionFields, sendConnectionComplete } from './connection.js';
import type { LinkEnd } from './link.js';
import { commandComplete, commandStatus, NOCP_MAX_HANDLES, NUM_HCI_COMMAND_PACKETS, numberOfCompletedPackets } from './events.js';
import { freshState, type ControllerState } from './state.js';
import { TimerSet } from './timers.js';
import type { Radio } from './radio.js';

export interface ControllerOptions {
  /** Public address 'AA:BB:CC:DD:EE:FF'; a unique default per radio. */
  address?: string;
  /** LE ACL data packet length (LE Read Buffer Size), default 251. */
  aclBufferSize?: number;
  /** Total LE ACL data packets the controller buffers, default 8. */
  aclBufferCount?: number;
  /** RSSI (dBm) at which other controllers hear this one: their advertising reports and Read RSSI. Default -50. */
  rssi?: number;
  /**
   * HCI_Version and LMP_Version in Read Local Version Information (Core v5.4 Vol 4 Part E 7.4.1;
   * Assigned Numbers: 0x06 = 4.0, 0x0D = 5.4). Default 5.4; below 0x06 plays a controller without LE.
   */
  hciVersion?: number;
  /**
   * How many connections the controller holds at once, in either role (default 8). With that many,
   * connectable advertising and LE Create Connection are refused with 0x07 Memory Capacity Exceeded,
   * as Zephyr's controller does when no connection context is free.
   */
  maxConnections?: number;
}

export const CONTROLLER_DEFAULTS = { aclBufferSize: 251, aclBufferCount: 8, rssi: -50, hciVersion: CORE_VERSION_5_4, maxConnections: 8 } as const;

/** What the controller dropped or refused, by cause. Tests and the tap read these. */
export interface ControllerCounters {
  malformed: number; // header/length inconsistent, empty packet
  unexpectedPackets: number; // SCO, ISO or event packets from the host
  aclTooLong: number; // longer than LE Read Buffer Size
  aclOverflow: number; // more packets than buffers (Data Buffer Overflow sent)
  aclUnknownHandle: number; // no such connection (e.g. just disconnected): flushed
  aclFaultDropped: number; // dropped by the fault plan
  maskedEvents: number; // not sent: the host masked them
  internalErrors: number; // a bug in the radio: the command got 0x1F Unspecified Error
  commandsOverCredit: number; // a command beyond Num_HCI_Command_Packets: dropped unanswered (Vol 4 Part E 4.4)
}

type QueueItem = Buffer | (() => Buffer[]);

export class VirtualController extends EventEmitter {
  private publicAddress: string;
  private publicAddressBytes: Buffer;
  readonly options: Readonly<Required<Omit<ControllerOptions, 'address'>>>;
  readonly counters: ControllerCounters = { malformed: 0, unexpectedPackets: 0, aclTooLong: 0, aclOverflow: 0, aclUnknownHandle: 0, aclFaultDropped: 0, maskedEvents: 0, internalErrors: 0, commandsOverCredit: 0 };
  lastInternalError: unknown;
  /** @internal host-visible state, reset by Reset */
  state: ControllerState = freshState();
  /** @internal live links by this controller's handle */
  readonly links = new Map<number, LinkEnd>();
  /** @internal ACL packets accepted and not yet reported completed */
  aclInFlight = 0;
  /** @internal this controller's own timers */
  readonly timers = new TimerSet();
  closed = false;

  /**
   * Commands the host may send now (Vol 4 Part E 4.4): one at power-on and after Reset, one taken by each
   * command, back to NUM_HCI_COMMAND_PACKETS when its Command Complete/Status goes to the host.
   */
  private commandCredits = NUM_HCI_COMMAND_PACKETS;
  /** Packets queued by injectRaw: a broken controller's events, which hand the host no credit. */
  private readonly injected = new WeakSet<Buffer>();
  private queue: QueueItem[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private readonly completed = new Map<number, number>();
  private completedQueued = false;
  private deferred: Array<() => void> | undefined;
  private nextHandle = 1;

  constructor(
    readonly radio: Radio,
    address: string,
    options: ControllerOptions,
  ) {
    super();
    this.publicAddress = address.toUpperCase();
    this.publicAddressBytes = addressToWire(this.publicAddress);
    this.options = Object.freeze({
      aclBufferSize: options.aclBufferSize ?? CONTROLLER_DEFAULTS.aclBufferSize,
      aclBufferCount: options.aclBufferCount ?? CONTROLLER_DEFAULTS.aclBufferCount,
      rssi: options.rssi ?? CONTROLLER_DEFAULTS.rssi,
      hciVersion: options.hciVersion ?? CONTROLLER_DEFAULTS.hciVersion,
      maxConnections: options.maxConnections ?? CONTROLLER_DEFAULTS.maxConnections,
    });
    if (!Number.isInteger(this.options.maxConnections) || this.options.maxConnections < 1) throw new RangeError(`maxConnections must be a whole number from 1, got ${options.maxConnections}`);
  }

  /** The public address 'AA:BB:CC:DD:EE:FF' (Read BD_ADDR; what peers see). */
  get address(): string {
    return this.publicAddress;
  }

  /** The public address in HCI order. */
  get addressBytes(): Buffer {
    return this.publicAddressBytes;
  }

  /**
   * @internal A new public address (Zephyr VS Write BD_ADDR, commands/vendor-zephyr.ts): peers see it
   * from the next advertising report or connection on. The caller has checked it is free on the radio.
   */
  setPublicAddress(address: string): void {
    const from = this.publicAddress;
    this.publicAddress = address.toUpperCase();
    this.publicAddressBytes = addressToWire(this.publicAddress);
    this.emit('public-address', { from, to: this.publicAddress });
  }

  /** One whole H4 packet from the host (indicator byte first). Never throws. */
  write(packet: Buffer): void {
    if (this.closed) return;
    // 'host-packet': what the host sent, for a capture taken at the controller (blebench air --btsnoop)
    if (this.listenerCount('host-packet') > 0) this.emit('host-packet', packet);
    try {
      if (!Buffer.isBuffer(packet) || packet.length === 0) {
        this.counters.malformed++;
      } else if (packet[0] === H4.COMMAND) {
        this.command(packet);
      } else if (packet[0] === H4.ACL) {
        hostAcl(this, packet);
      } else {
        this.counters.unexpectedPackets++;
      }
    } catch (err) {
      this.counters.internalErrors++;
      this.lastInternalError = err;
    }
  }

  /** Power off: links drop (peers see 0x08 Connection Timeout), timers cleared, no more 'packet'. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropLinks();
    this.state.adv.cancelDirectedTimeout?.();
    this.state.adv.enabled = false;
    this.state.scan.enabled = false;
    this.state.initiating = undefined;
    this.timers.clear();
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.queue = [];
    this.radio.remove(this);
    this.emit('close');
  }

  /** @internal Reset (7.3.2): links drop without events to this host, state back to defaults. */
  reset(): void {
    this.dropLinks();
    this.state.adv.cancelDirectedTimeout?.();
    this.timers.clear();
    this.state = freshState();
    this.aclInFlight = 0;
    this.completed.clear();
    this.radio.airChanged(this);
    this.radio.scans.scanningChanged(this);
  }

  /** @internal Queue one packet towards the host, unless its event is masked. */
  send(packet: Buffer): void {
    if (this.closed) return;
    if (packet[0] === H4.EVENT) {
      const code = packet[1]!;
      if (!this.state.masks.allows(code, code === EVT.LE_META ? packet[3] : undefined)) {
        this.counters.maskedEvents++;
        return;
      }
    }
    this.queue.push(packet);
    this.schedule();
  }

  /** @internal A packet to the host exactly as given: unchecked, unmasked, in order (host-injection.ts). */
  injectRaw(packet: Buffer): void {
    if (this.closed) return;
    const copy = Buffer.from(packet);
    this.injected.add(copy);
    this.queue.push(copy);
    this.schedule();
  }

  /** Commands the host may send now (Num_HCI_Command_Packets of the last Command Complete/Status, less those sent since). */
  get credits(): number {
    return this.commandCredits;
  }

  /** @internal Run fn after the current command's Command Complete/Status is queued. */
  afterCommand(fn: () => void): void {
    if (this.deferred) this.deferred.push(fn);
    else fn();
  }

  /** @internal One ACL packet from this host left the controller: count it for Number Of Completed Packets. */
  markCompleted(end: LinkEnd): void {
    this.completed.set(end.handle, (this.completed.get(end.handle) ?? 0) + 1);
    if (this.completedQueued) return;
    this.completedQueued = true;
    this.queue.push(() => this.takeCompleted());
    this.schedule();
  }

  /** @internal The link is gone on this side: its buffers are free, its pending completions void. */
  forgetLink(end: LinkEnd): void {
    this.links.delete(end.handle);
    this.aclInFlight -= end.inFlight;
    end.inFlight = 0;
    this.completed.delete(end.handle);
  }

  /** @internal Every connection this controller can hold is in use (ControllerOptions.maxConnections). */
  get connectionsFull(): boolean {
    return this.links.size >= this.options.maxConnections;
  }

  /** @internal A fresh connection handle (0x0001..0x0EFF, not in use). */
  allocateHandle(): number {
    for (;;) {
      const h = this.nextHandle;
      this.nextHandle = h >= MAX_CONNECTION_HANDLE ? 1 : h + 1;
      if (!this.links.has(h)) return h;
    }
  }

  /** @internal Legacy advertising stops (host disabled it, or a connection was made as peripheral). */
  stopAdvertising(): void {
    const adv = this.state.adv;
    adv.cancelDirectedTimeout?.();
    adv.cancelDirectedTimeout = undefined;
    if (!adv.enabled) return;
    adv.enabled = false;
    this.radio.scans.advertisingChanged(this);
  }

  /** @internal High duty cycle directed advertising ended unanswered: 0x3C Advertising Timeout (7.8.9). */
  directedAdvertisingTimedOut(): void {
    this.state.adv.cancelDirectedTimeout = undefined;
    this.stopAdvertising();
    sendConnectionComplete(this, { ...failedConnectionFields(HCI_STATUS.ADVERTISING_TIMEOUT), role: ROLE.PERIPHERAL });
  }

  private dropLinks(): void {
    for (const end of [...this.links.values()]) {
      const timeout = HCI_STATUS.CONNECTION_TIMEOUT;
      disconnect(end.link, { central: timeout, peripheral: timeout }, this);
    }
  }

  private command(packet: Buffer): void {
    if (packet.length < 4) {
      this.counters.malformed++;
      return;
    }
    const opcode = packet.readUInt16LE(1);
    if (opcode !== OP.HOST_NUMBER_OF_COMPLETED_PACKETS) {
      if (this.commandCredits === 0) {
        this.counters.commandsOverCredit++;
        this.emit('command-over-credit', opcode);
        return;
      }
      this.commandCredits--;
    }
    const params = packet.subarray(4);
    const spec = COMMANDS.get(opcode);
    if (!spec) {
      this.send(commandComplete(opcode, Buffer.from([HCI_STATUS.UNKNOWN_HCI_COMMAND])));
      return;
    }
    const lengthOk = packet[3] === params.length && (typeof spec.length === 'number' ? params.length === spec.length : spec.length(params));
    let result: Buffer | number = HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
    const deferred: Array<() => void> = [];
    // the fault plan may answer the command with an error instead of running it (faults.ts CommandFaultRule)
    const refused = lengthOk && !this.radio.faults.empty ? this.radio.faults.onCommand(this.address, opcode) : undefined;
    if (refused !== undefined) {
      result = refused;
    } else if (lengthOk) {
      this.deferred = deferred;
      try {
        result = spec.run({ c: this, params, opcode });
      } catch (err) {
        this.counters.internalErrors++;
        this.lastInternalError = err;
        result = HCI_STATUS.UNSPECIFIED_ERROR;
        deferred.length = 0;
      } finally {
        this.deferred = undefined;
      }
    }
    const status = typeof result === 'number' ? result : OK;
    if (spec.answer === 'status') this.send(commandStatus(status, opcode));
    else if (spec.answer === 'complete') this.send(commandComplete(opcode, typeof result === 'number' ? errorReturn(spec, params, result) : result));
    else if (status !== OK) this.send(commandComplete(opcode, errorReturn(spec, params, status)));
    for (const fn of deferred) fn();
  }

  private takeCompleted(): Buffer[] {
    this.completedQueued = false;
    const entries = [...this.completed.entries()];
    this.completed.clear();
    const out: Buffer[] = [];
    for (const [handle, n] of entries) {
      this.aclInFlight -= n;
      const end = this.links.get(handle);
      if (end) end.inFlight -= n;
    }
    for (let i = 0; i < entries.length; i += NOCP_MAX_HANDLES) out.push(numberOfCompletedPackets(entries.slice(i, i + NOCP_MAX_HANDLES)));
    return out;
  }

  private schedule(): void {
    if (!this.immediate && !this.closed) this.immediate = setImmediate(() => this.flush());
  }

  private flush(): void {
    this.immediate = undefined;
    const items = this.queue;
    this.queue = [];
    for (const item of items) {
      if (this.closed) return;
      if (Buffer.isBuffer(item)) {
        if (isCommandAnswer(item) && !this.injected.has(item)) this.commandCredits = NUM_HCI_COMMAND_PACKETS;
        this.emit('packet', item);
      } else for (const b of item()) this.emit('packet', b);
    }
  }
}

/** Command Complete or Command Status: the events that hand the host its command credits (7.7.14, 7.7.15). */
function isCommandAnswer(p: Buffer): boolean {
  return p[0] === H4.EVENT && (p[1] === EVT.COMMAND_COMPLETE || p[1] === EVT.COMMAND_STATUS);
}
