// The peripheral server's public vocabulary: options, events, delivery results, and what bleno cannot do.
import { ATT_TRANSACTION_TIMEOUT_MS } from '../common/base/codes/att.js';
import type { ResolvedProfile } from '../common/stack/gatt/index.js';
import type { HciTransport } from '../common/stack/hci/transport.js';
import type { Logger } from '../common/base/log/logger.js';
import type { RequestRecord } from './answers/request-record.js';
import type { SmpSetup } from '../common/stack/smp/link-session.js';

export interface ServePeripheralOptions {
  transport: HciTransport;
  profile: ResolvedProfile;
  /** Advertised local name and Device Name (0x2A00); default: the profile's advertising.localName. */
  name?: string;
  logger?: Logger;
  /** Whether the application authorizes centrals for `authorized` operations at start (default false: 0x08). */
  authorized?: boolean;
  /** How long an indication waits for its confirmation (default: the ATT transaction timeout, 30 s). */
  indicationTimeoutMs?: number;
  /** How long bleno may take to power on, set services and start advertising. */
  timeoutMs?: number;
  /** Run blebench's Security Manager instead of bleno's (LE legacy Just Works only). Default: bleno's. */
  smp?: SmpSetup;
  /** How many centrals are served at once (default 4): advertising stays off while this many are connected. */
  maxCentrals?: number;
}

export interface ServedHandlesInfo {
  declaration: number;
  value: number;
  cccd?: number;
  descriptors: { name: string; kind: string; uuid: string; handle: number }[];
}

export interface CentralInfo {
  central: string;
  addressType: string;
  handle: number;
}

export interface DisconnectInfo {
  central: string;
  handle: number;
  /** HCI reason from Disconnection Complete (the tap's). Vol 4 Part E 7.7.5. */
  reason: number | undefined;
  reasonName: string | undefined;
  by: 'local' | 'remote' | undefined;
}

export interface SubscriptionInfo {
  central: string | undefined;
  /** The connection the CCCD was written on. */
  handle: number;
  characteristic: string;
  /** The CCCD value written: bit 0 notifications, bit 1 indications. */
  bits: number;
  notifications: boolean;
  indications: boolean;
}

export interface PairingInfo {
  central: string;
  /** What just happened: the request, the response, a failure, or a Security Request. */
  step: 'request' | 'response' | 'failed' | 'security-request';
  initiator: 'local' | 'remote';
  method?: string;
  keySize?: number;
  failed?: { reason: number; reasonName: string; sentBy: 'local' | 'remote' };
}

export interface PeripheralEvents {
  request: [RequestRecord];
  subscribe: [SubscriptionInfo];
  unsubscribe: [SubscriptionInfo];
  connect: [CentralInfo];
  disconnect: [DisconnectInfo];
  pairing: [PairingInfo];
  encryption: [{ central: string; encrypted: boolean; status: number | undefined; keySize: number | undefined }];
  /** The controller refused to advertise again after a connection (e.g. 0x07: no room for another connection). */
  'advertising-refused': [{ status: number; statusName: string; centrals: number }];
}

/**
 * The operations a runtime answer or delay is chosen for (PeripheralServer.answerWith, delayAnswers):
 * `read` (Read, Read Blob, Read By Type, Read Multiple of the value), `write` (Write Request, Prepare
 * Write Request), `writeWithoutResponse` (Write Command), `subscribe` (any write of the CCCD).
 */
export type AnswerOperation = 'read' | 'write' | 'writeWithoutResponse' | 'subscribe';
/** A Write Command gets no answer, so there is nothing to delay. */
export type DelayOperation = Exclude<AnswerOperation, 'writeWithoutResponse'>;

/** Which requests a chosen answer is for: from the nth (1-based, counted from answerWith) on, or only the nth. */
export interface AnswerOptions {
  /** Default 1: the next request. */
  nth?: number;
  /** Default true: the nth and every later one; false: the nth only. */
  repeat?: boolean;
}

/** How many Pairing Requests a refusal answers: a count, or every one until acceptPairing(). */
export interface RefusalOptions {
  times?: number | 'always';
}

/** The longest a delayed answer is held: the ATT transaction timeout (Vol 3 Part F 3.3.3); a longer hold could only time out. */
export const MAX_ANSWER_DELAY_MS = ATT_TRANSACTION_TIMEOUT_MS;

/** A central a notification or indication did not go to, and why (not subscribed, link not secure enough). */
export interface NotDelivered {
  readonly central: string;
  readonly handle: number;
  readonly reason: string;
}

/**
 * What happened to one notification or indication: sent to `centrals` (`central`: the first of them),
 * `confirmed` when every one of them confirmed an indication; `notTo`: the connected centrals left out.
 */
export type Delivery =
  | { readonly sent: true; readonly central: string; readonly centrals: readonly string[]; readonly notTo: readonly NotDelivered[]; readonly confirmed?: boolean; readonly reason?: string }
  | { readonly sent: false; readonly reason: string; readonly notTo: readonly NotDelivered[] };

/**
 * What the peripheral cannot do because bleno 0.6.2 cannot, said once for the API, the logs and the
 * README. bleno keeps HCI, advertising, connections, L2CAP and (without the `smp` option) its SMP;
 * every ATT request is answered by the peripheral's own server (peripheral/att/).
 */
export const BLENO_LIMITS = {
  legacyJustWorks:
    "bleno's SMP does LE legacy pairing, Just Works only (no MITM, no Secure Connections): an `authenticated` operation can never be satisfied, its answer stays 0x05 (unless blebench's Security Manager pairs: the `smp` option)",
  signedWrites:
    "bleno's SMP never distributes a CSRK: without blebench's Security Manager (the `smp` option) Signed Write Commands cannot be verified and are dropped (and logged)",
} as const;

export type BlenoLimit = keyof typeof BLENO_LIMITS;

/** The limits a profile runs into. */
export function limitsFor(profile: ResolvedProfile): BlenoLimit[] {
  const chars = profile.services.flatMap((s) => s.characteristics);
  const out: BlenoLimit[] = [];
  if (chars.some((c) => Object.values(c.security).some((r) => r.level === 'authenticated') || c.descriptors.some((d) => d.security.read.level === 'authenticated' || d.security.write.level === 'authenticated')))
    out.push('legacyJustWorks');
  if (chars.some((c) => c.properties.authenticatedSignedWrites)) out.push('signedWrites');
  return out;
}
