// The sequence model: a timeline (one tap's, or both a scenario's taps) as a message sequence chart with four
// lanes, central host and controller, peripheral controller and host (the view of Wireshark's flow graph and
// of Ellisys/Frontline): ATT and SMP PDUs between the hosts, the HCI LE events and commands that carry a link's
// security between a host and its controller, and the link's security over each stretch of arrows.
import type { ScenarioRole } from '../scenario/scenario.js';

export type Side = ScenarioRole;

export const LANES = ['central-host', 'central-controller', 'peripheral-controller', 'peripheral-host'] as const;
export type LaneId = (typeof LANES)[number];

export const LANE_TITLES: Record<LaneId, string> = {
  'central-host': 'Central host',
  'central-controller': 'Central controller',
  'peripheral-controller': 'Peripheral controller',
  'peripheral-host': 'Peripheral host',
};

/** What an arrow carries, for its style: requests solid, responses dashed, errors and failures marked. */
export type ArrowKind = 'att-request' | 'att-response' | 'att-error' | 'att-notify' | 'smp' | 'smp-failed' | 'hci-event' | 'hci-command';

/** One timeline entry an arrow stands for: which tap, and its seq there. */
export interface EntryRef {
  readonly side: Side;
  readonly seq: number;
}

/** The link's security after an arrow, as the tap of the arrow's side tells it. */
export type LinkSecurityLevel = 'no link' | 'unencrypted' | 'encrypted' | 'authenticated';

export interface SecurityState {
  readonly level: LinkSecurityLevel;
  /** Encryption key size in octets, when the link is encrypted and the tap knows it. */
  readonly keySize?: number;
}

export interface SequenceArrow {
  /** 0-based position in the chart. */
  readonly index: number;
  readonly from: LaneId;
  readonly to: LaneId;
  readonly kind: ArrowKind;
  /** The entry's one-line summary (its name and key fields). */
  readonly label: string;
  /** Milliseconds on the central's tap when it saw the entry, else on the tap that did (each tap counts from its own start). */
  readonly ms: number;
  readonly handle?: number;
  /** The entries drawn by this arrow: a PDU seen by both taps is one arrow with both entries (sender's first). */
  readonly entries: readonly EntryRef[];
}

/** Arrows [from, to) share one security state: one shaded band. */
export interface SecuritySpan {
  readonly from: number;
  readonly to: number;
  readonly state: SecurityState;
}

export interface SequenceModel {
  readonly arrows: readonly SequenceArrow[];
  readonly spans: readonly SecuritySpan[];
  /** The taps the chart was drawn from. */
  readonly sides: readonly Side[];
}

/** "encrypted, key size 16" */
export function securityWords(s: SecurityState): string {
  return s.keySize !== undefined && s.level !== 'no link' && s.level !== 'unencrypted' ? `${s.level}, key size ${s.keySize}` : s.level;
}
