// What the runner needs from each role, as ports: common/ imports neither central/ nor peripheral/
// (design.md, Layout), so bin/ adapts the noble-backed central and the bleno-backed peripheral to
// these. A rig is one scenario's world: fresh radio, transports, stacks; closed after the scenario.
import type { Tap } from '../../../stack/trace/tap.js';
import type { CanonicalUuid } from '../../../stack/gatt/uuid.js';
import type { ResolvedProfile } from '../../../stack/gatt/resolved-profile.js';
import type { CharacteristicRef, Scenario } from '../scenario.js';

/**
 * The central's operations. Each resolves, or rejects with an error carrying what ended it: a typed
 * error with `kind` 'att' | 'smp' | 'hci' and a numeric `code`, or `kind` 'timeout' with `timeoutMs`
 * (central/errors.ts has that shape); anything else is reported in words.
 */
export interface CentralPort {
  readonly tap: Tap;
  connect(timeoutMs: number): Promise<void>;
  discover(): Promise<void>;
  /** The characteristic's value, or (cccd) this central's Client Characteristic Configuration of it. */
  read(c: CharacteristicRef, descriptor?: 'cccd'): Promise<Buffer>;
  write(c: CharacteristicRef, value: Buffer, withResponse: boolean): Promise<void>;
  subscribe(c: CharacteristicRef, mode: 'notify' | 'indicate'): Promise<void>;
  unsubscribe(c: CharacteristicRef): Promise<void>;
  pair(): Promise<void>;
  disconnect(reason: number): Promise<void>;
  reconnect(timeoutMs: number): Promise<void>;
  /**
   * Make the key the central kept from a bonded pairing differ from the peer's: its LTK value (`key`)
   * or its EDIV and Rand (`ediv-rand`). Takes effect from the next connection; rejects when no key is kept.
   */
  changeStoredKey(part: 'key' | 'ediv-rand'): Promise<void>;
  /** Forget every bond the central keeps (a phone's "Forget This Device"); resolves with how many. newIrk: and make a new IRK. */
  forgetBonds(options?: { newIrk?: boolean }): Promise<number>;
  /** Every notification or indication received from now on, on any connection of the scenario. */
  onNotification(listener: (uuid: CanonicalUuid, value: Buffer) => void): void;
}

/** What the peripheral tells the runner, flattened from its events. */
export type PeripheralEvent =
  | { readonly type: 'connect'; readonly central: string }
  | { readonly type: 'disconnect'; readonly central: string; readonly reason: number | undefined }
  | { readonly type: 'subscribe'; readonly characteristic: string; readonly notifications: boolean; readonly indications: boolean }
  | { readonly type: 'unsubscribe'; readonly characteristic: string }
  | { readonly type: 'pairing'; readonly step: string; readonly failedReason?: number }
  | { readonly type: 'encryption'; readonly encrypted: boolean; readonly status: number | undefined }
  | {
      readonly type: 'request';
      readonly characteristic: string;
      /** read, write, writeWithoutResponse, subscribe (the CCCD write), prepareWrite, … */
      readonly operation: string;
      readonly ok: boolean;
      readonly attError?: number;
      readonly value?: Buffer;
    };

/** The operations a chosen answer or a delay is for (subscribe: the CCCD write), as peripheral/ names them. */
export type PortOperation = 'read' | 'write' | 'writeWithoutResponse' | 'subscribe';

/** The peripheral's runtime actions the scenario behaviours use. */
export interface PeripheralPort {
  readonly tap: Tap;
  setValue(characteristic: string, value: Buffer): void;
  notify(characteristic: string, value: Buffer): { readonly sent: boolean; readonly reason?: string };
  indicate(characteristic: string, value: Buffer): Promise<{ readonly sent: boolean; readonly confirmed?: boolean; readonly reason?: string }>;
  /** The next `times` Pairing Requests (or every one) get Pairing Failed with this reason. */
  refusePairing(reason: number, times: number | 'always'): void;
  /**
   * Answer this operation on this characteristic with this ATT error (null: the profile answers
   * again), from the nth request on (repeat) or the nth only; after the property checks, instead of
   * the security decision.
   */
  answerWith(characteristic: string, operation: PortOperation, code: number | null, which: { readonly nth: number; readonly repeat: boolean }): void;
  /** Hold the answers to this operation on this characteristic ('*': all) for `ms` (0: no longer). */
  delayAnswers(characteristic: string | '*', operation: Exclude<PortOperation, 'writeWithoutResponse'> | '*', ms: number): void;
  /** HCI Disconnect with this reason on the link with this connection handle (default every link); resolves when it is down. */
  disconnect(reason: number, connection?: number): Promise<void>;
  /** The Security Manager sends a Security Request on this link (default the latest); throws when there is no such session (no security-manager, no link). */
  requestSecurity(connection?: number): void;
  /** Forget every bond the peripheral keeps, in its key store and its controller's key list (a factory reset). */
  forgetBonds(options?: { newIdentity?: 'fresh' | 'same-irk' }): Promise<void>;
  /** Restart serving another profile, bonds kept (a firmware update); serviceChanged false: a firmware without Service Changed. */
  updateFirmware(profile: ResolvedProfile, serviceChanged: boolean): Promise<void>;
  /** Listen to the peripheral's events; returns the function that stops listening. */
  listen(listener: (e: PeripheralEvent) => void): () => void;
}

/** One of a scenario's centrals, by its name in `centrals:` ("central" for a lone `central:`). */
export interface NamedCentralPort {
  readonly name: string;
  readonly port: CentralPort;
}

export interface Rig {
  /** Present when the central runs here (roles both and central); with several centrals, the first. */
  readonly central?: CentralPort;
  /** Every central of a `centrals:` scenario, in the file's order (the first is `central`); absent with one. */
  readonly centrals?: readonly NamedCentralPort[];
  /** Present when the peripheral runs here (roles both and peripheral). */
  readonly peripheral?: PeripheralPort;
  /** The btsnoop files written for this scenario, by side (and by central name, with several). */
  readonly btsnoop?: Readonly<Record<string, string>>;
  /**
   * Both roles here, but their packets cross another process (an h4:/serial: controller such as
   * `blebench air`): a step's effects are settled only once each side's ACL has reached the other.
   */
  readonly acrossProcesses?: boolean;
  /** Rejects with the transport's error when a controller goes away under the scenario (the air stopped, the socket cut). */
  readonly lost?: Promise<never>;
  /** Moves the virtual radio's clock on (RPA timeouts run on it); only on the in-process radio. */
  readonly advanceClock?: (seconds: number) => void;
  /** Everything down: stacks, transports, radio. Must not hang. */
  close(): Promise<void>;
}

export interface RigRequest {
  readonly scenario: Scenario;
  /** Write one btsnoop capture per side here (files named after the scenario). */
  readonly btsnoopDir?: string;
  /** The central's time limit per operation (the scenario's `central.timeout-ms`, else the runner's). */
  readonly operationTimeoutMs: number;
}

/** Builds a fresh rig per scenario: nothing (bond, CCCD, cache) survives from one scenario into the next. */
export type RigFactory = (request: RigRequest) => Promise<Rig>;

/** A scenario cannot run on this rig (a fault on real hardware, a behaviour the peripheral refuses): status error, with these words. */
export class CannotRun extends Error {
  override readonly name = 'CannotRun';
}
