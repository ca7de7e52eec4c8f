// The simulated radio: the set of virtual controllers that can hear each other, the timers that
// drive advertising repeats and LL timeouts, and the fault plan. Two radios never see each other.
import { EventEmitter } from 'node:events';
import { AirError } from './errors.js';
import { isAddressText } from './bytes.js';
import { tryConnectAll } from './connection.js';
import { VirtualController, type ControllerOptions } from './controller.js';
import { FaultPlan } from './faults.js';
import { ScanEngine } from './scanning.js';
import { TimerSet } from './timers.js';
import { formatAddress } from '../../base/output/format.js';
import { HIGH_DUTY_DIRECTED_TIMEOUT_MS } from './advertising.js';

export interface RadioOptions {
  name?: string;
  /**
   * How long an LL procedure waits for the peer host (LE Long Term Key Request, connection
   * parameter request) before the link drops with 0x22 LL Response Timeout. Default 40 s
   * (Vol 6 Part B 5.2); tests shorten it.
   */
  encryptionTimeoutMs?: number;
  /** Floor for the real-time advertising repeat interval, ms. Default 20. */
  minAdvertisingIntervalMs?: number;
  /**
   * How long high duty cycle directed advertising lasts before LE Connection Complete 0x3C, ms. Default
   * the spec's 1.28 s (HIGH_DUTY_DIRECTED_TIMEOUT_MS, Vol 6 Part B 4.4.2.4.3); tests that wait it out shorten it.
   */
  highDutyDirectedTimeoutMs?: number;
  /**
   * The radio's clock, ms (default: performance.now). The RPA timeout (Vol 4 Part E 7.8.45) runs on
   * it, so a test can pass its own clock and renew RPAs without waiting 15 minutes.
   */
  clock?: () => number;
}

export const RADIO_DEFAULTS = { encryptionTimeoutMs: 40_000, minAdvertisingIntervalMs: 20, highDutyDirectedTimeoutMs: HIGH_DUTY_DIRECTED_TIMEOUT_MS } as const;

const ACL_LENGTH = { MIN: 27, MAX: 0xffff } as const; // LE_ACL_Data_Packet_Length >= 27 (7.8.2)
const ACL_COUNT = { MIN: 1, MAX: 0xff } as const; // Total_Num_LE_ACL_Data_Packets is one octet

let radios = 0;

export class Radio extends EventEmitter {
  readonly name: string;
  readonly faults = new FaultPlan();
  /** @internal every radio-level timer, cleared by close() */
  readonly timers = new TimerSet();
  /** @internal */
  readonly scans: ScanEngine;
  encryptionTimeoutMs: number;
  minAdvertisingIntervalMs: number;
  highDutyDirectedTimeoutMs: number;
  closed = false;
  /** Milliseconds on the radio's clock. */
  readonly now: () => number;

  private readonly live = new Set<VirtualController>();
  private readonly id = ++radios;
  private created = 0;

  constructor(options: RadioOptions = {}) {
    super();
    this.name = options.name ?? `radio-${this.id}`;
    this.encryptionTimeoutMs = options.encryptionTimeoutMs ?? RADIO_DEFAULTS.encryptionTimeoutMs;
    this.minAdvertisingIntervalMs = options.minAdvertisingIntervalMs ?? RADIO_DEFAULTS.minAdvertisingIntervalMs;
    this.highDutyDirectedTimeoutMs = options.highDutyDirectedTimeoutMs ?? RADIO_DEFAULTS.highDutyDirectedTimeoutMs;
    if (!(this.encryptionTimeoutMs > 0)) throw new RangeError(`encryptionTimeoutMs must be a positive number of ms, got ${options.encryptionTimeoutMs}`);
    if (!(this.minAdvertisingIntervalMs > 0)) throw new RangeError(`minAdvertisingIntervalMs must be a positive number of ms, got ${options.minAdvertisingIntervalMs}`);
    if (!(this.highDutyDirectedTimeoutMs > 0)) throw new RangeError(`highDutyDirectedTimeoutMs must be a positive number of ms, got ${options.highDutyDirectedTimeoutMs}`);
    this.now = options.clock ?? (() => performance.now());
    this.scans = new ScanEngine(this);
  }

  get controllers(): ReadonlySet<VirtualController> {
    return this.live;
  }

  createController(options: ControllerOptions = {}): VirtualController {
    if (this.closed) throw new AirError('AIR_CLOSED', `radio ${this.name} is closed: create a new Radio`);
    const address = (options.address ?? this.nextAddress()).toUpperCase();
    if (!isAddressText(address)) throw new TypeError(`controller address ${JSON.stringify(options.address)} is not of the form AA:BB:CC:DD:EE:FF`);
    if (this.taken(address)) throw new AirError('AIR_ADDRESS_IN_USE', `address ${address} is already used by a controller on radio ${this.name}: pick another`);
    checkInt('aclBufferSize', options.aclBufferSize, ACL_LENGTH.MIN, ACL_LENGTH.MAX);
    checkInt('aclBufferCount', options.aclBufferCount, ACL_COUNT.MIN, ACL_COUNT.MAX);
    if (options.rssi !== undefined) checkInt('rssi', options.rssi, -127, 20);
    const c = new VirtualController(this, address, options);
    this.live.add(c);
    this.emit('controller', c);
    return c;
  }

  /** Power off every controller (their peers see 0x08) and clear every timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of [...this.live]) c.close();
    this.scans.close();
    this.timers.clear();
    this.emit('close');
  }

  /** @internal a controller powered off */
  remove(c: VirtualController): void {
    this.live.delete(c);
    this.scans.reconcile();
  }

  /** @internal advertising started or changed: scanners hear it, waiting initiators may connect */
  airChanged(c: VirtualController): void {
    this.scans.advertisingChanged(c);
    tryConnectAll(this.live);
  }

  /**
   * @internal The live controller using this public address, other than `except`. Controllers are
   * not indexed by address anywhere (this set is searched each time), so a changed address leaves
   * nothing stale behind.
   */
  holderOf(address: string, except?: VirtualController): VirtualController | undefined {
    const wanted = address.toUpperCase();
    for (const c of this.live) if (c !== except && c.address === wanted) return c;
    return undefined;
  }

  private taken(address: string): boolean {
    return this.holderOf(address) !== undefined;
  }

  /** B1:EB:<radio>:<n>: distinct per radio, so captures from different radios are told apart. */
  private nextAddress(): string {
    for (;;) {
      const n = ++this.created;
      const bytes = [0xb1, 0xeb, this.id & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
      const text = formatAddress(Buffer.from(bytes).toString('hex'));
      if (!this.taken(text)) return text;
    }
  }
}

function checkInt(name: string, v: number | undefined, lo: number, hi: number): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name} must be an integer from ${lo} to ${hi}, got ${v}`);
}
