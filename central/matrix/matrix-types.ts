// The security matrix's vocabulary: one cell per characteristic × operation × phase, each with its
// outcome and, in words, why. Phases: first an unencrypted link (policy never), then after pairing.
import type { ProfileExpectedOutcome } from '../../common/stack/gatt/expected-outcome.js';
import type { LinkSecurityState } from '../../common/stack/gatt/security-rule.js';
import type { PeerKeyKnowledge } from '../pairing/key-missing-policy.js';
import type { GattOperation } from '../../common/stack/gatt/security-levels.js';
import type { CentralError } from '../errors.js';
import type { PairingPolicy } from '../pairing/pairing-policy.js';
import type { PairingReport } from '../pairing/pairing-report.js';
import type { Advertisement } from '../scan.js';
import type { MatrixMethod } from './pairing-methods.js';
import type { DiscoveredCharacteristic } from '../gatt/discovered.js';

export type MatrixOperation = GattOperation;
export const MATRIX_OPERATIONS: readonly MatrixOperation[] = ['read', 'write', 'writeWithoutResponse', 'notify', 'indicate'];

/**
 * `paired:METHOD` when the matrix runs a phase per pairing method (--methods); `os` is the one phase
 * over the OS stack, where the OS decides when to pair; `as:PERSONA` a phase run as that platform would
 * (--as, central/persona/).
 */
export type PhaseName = 'unencrypted' | 'paired' | `paired:${MatrixMethod}` | `as:${string}` | 'os';

/**
 * Where a cell's facts come from: `air`, the PDUs on the tap; `api`, only what the OS stack's API
 * reported (transport `os`: no HCI tap, so no ATT code unless the OS's words carry it).
 */
export type FactSource = 'air' | 'api';

/** The header line of every matrix whose facts come from the API. */
export const API_FACTS_HEADER = 'facts from the OS API, not the air: no HCI tap';

export type CellOutcome =
  /** `meaning`: what the SIG says the value of this characteristic means (an Appearance's name). */
  | { kind: 'value'; hex: string; text?: string; meaning?: string }
  | { kind: 'written'; hex: string }
  /** A Write Command went out; none is ever answered (Vol 3 Part F 3.4.5.3). */
  | { kind: 'sent'; hex: string }
  | { kind: 'subscribed' }
  | { kind: 'error'; error: CentralError };

export interface CellCharacteristic {
  uuid: string;
  serviceUuid: string;
  /** The profile's name for it, when a profile was given and knows it. */
  name?: string;
}

/** What every cell has, whatever its facts come from. */
export interface CellBase {
  phase: PhaseName;
  /** Absent in matrices made before the marker: the air. */
  source?: FactSource;
  characteristic: CellCharacteristic;
  operation: MatrixOperation;
  outcome: CellOutcome;
  /** In words, why this outcome. */
  why: string;
  /** Under on-error: the first attempt's error, before pairing and the re-send. */
  firstError?: CentralError;
  /** Under on-error: the pairing this cell triggered. */
  pairing?: PairingReport;
  /** A second pairing asking for MITM after the request failed again (a persona's `then: pair-with-mitm`). */
  mitmPairing?: PairingReport;
  /** With a profile: what it says the cell must be, and the difference if any. */
  expected?: ProfileExpectedOutcome;
  difference?: string;
  /** Under a persona (--as): what that platform's app and user would see, from the persona's rules. */
  seen?: string;
}

/** A cell judged from the air (the tap): the link's security is known. */
export interface Cell extends CellBase {
  /** The link's security when the last attempt was made. */
  security: LinkSecurityState;
  /**
   * Before the first attempt the central kept a key for the peer but nothing on the air had shown
   * whether the peer still holds its own (a bond from an earlier run, --keys): `security.keyExists`
   * assumed it does. The comparison judges the cell by what the run learnt (MatrixResult.peerKey).
   */
  peerKeyAssumed?: boolean;
  /** The central tap's entries this cell made, seq in [from, to): the HTML report links the cell to them. */
  entries?: { from: number; to: number };
}

/** A cell judged from the OS API: the OS keeps the link's security to itself. */
export interface ApiCell extends CellBase {
  source: 'api';
  /** What the API cannot show about this outcome (e.g. the binding drops read errors). */
  caveat?: string;
}

export interface Phase<C extends CellBase = Cell> {
  name: PhaseName;
  /** `os`: the OS decides when to pair (it pairs when a peer answers 0x05/0x0F). */
  policy: PairingPolicy | 'os';
  /** The pairing method this phase's Security Manager was configured for (--methods). */
  method?: MatrixMethod;
  /** The persona this phase ran as (--as). */
  persona?: string;
  /** The persona's rules this phase did not act out (said, never silently dropped). */
  limits?: string[];
  cells: C[];
  /** Pairings in this phase (upfront, or the one an error triggered). */
  pairings: PairingReport[];
  /** Why the phase did not run, or ended early. */
  note?: string;
  /** With `readDescriptors` (--save-profile): each descriptor but the CCCD, read after the cells. */
  descriptors?: DescriptorRead[];
}

/** One descriptor read: the value, or the error that answered it. */
export interface DescriptorRead {
  characteristic: CellCharacteristic;
  uuid: string;
  handle: number;
  outcome: { kind: 'value'; hex: string } | { kind: 'error'; error: CentralError };
}

export interface MatrixResult<C extends CellBase = Cell> {
  target: Advertisement;
  policy: PairingPolicy | 'os';
  /** `api` when the facts come from the OS API (transport `os`), with the header line to show. */
  facts?: { source: FactSource; header: string; limits: string[] };
  /** The pairing methods given a phase each (--methods), in order. */
  methods?: MatrixMethod[];
  /** The personas given a phase each (--as), in order. */
  personas?: string[];
  phases: Phase<C>[];
  /** With no profile given: the built-in profile whose names the cells carry (the one naming the most of what was found). */
  namedBy?: string;
  /** Profile name and file, when comparing. */
  profile?: { name: string; source: string };
  /** Every difference from the profile, named. Empty: the target behaves as the profile says. */
  differences: string[];
  /** With `readDescriptors` (--save-profile): the GATT table discovery found (the first phase that discovered it). */
  discovered?: DiscoveredCharacteristic[];
  /** Whether the central kept a key for the target when the run began (a bond, e.g. from --keys). */
  centralKey?: boolean;
  /** What encryption with that key showed of the target's own: held, missing (0x06: it was reset), different (0x3D). */
  peerKey?: PeerKeyKnowledge;
}
