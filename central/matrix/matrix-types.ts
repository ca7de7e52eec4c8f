// The security matrix's vocabulary: one cell per characteristic × operation × phase, each with its
// outcome and, in words, why. Phases: first an unencrypted link (policy never), then after pairing.
import type { ExpectedOutcome } from '../../common/gatt/expected-outcome.js';
import type { LinkSecurityState } from '../../common/gatt/security-rule.js';
import type { GattOperation } from '../../common/gatt/security-levels.js';
import type { CentralError } from '../errors.js';
import type { PairingPolicy } from '../pairing/pairing-policy.js';
import type { PairingReport } from '../pairing/pairing-report.js';
import type { Advertisement } from '../scan.js';
import type { MatrixMethod } from './pairing-methods.js';

export type MatrixOperation = GattOperation;
export const MATRIX_OPERATIONS: readonly MatrixOperation[] = ['read', 'write', 'writeWithoutResponse', 'notify', 'indicate'];

/** `paired:METHOD` when the matrix runs a phase per pairing method (--methods). */
export type PhaseName = 'unencrypted' | 'paired' | `paired:${MatrixMethod}`;

export type CellOutcome =
  | { kind: 'value'; hex: string; text?: string }
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

export interface Cell {
  phase: PhaseName;
  characteristic: CellCharacteristic;
  operation: MatrixOperation;
  outcome: CellOutcome;
  /** In words, why this outcome. */
  why: string;
  /** The link's security when the last attempt was made. */
  security: LinkSecurityState;
  /** Under on-error: the first attempt's error, before pairing and the re-send. */
  firstError?: CentralError;
  /** Under on-error: the pairing this cell triggered. */
  pairing?: PairingReport;
  /** With a profile: what it says the cell must be, and the difference if any. */
  expected?: ExpectedOutcome;
  difference?: string;
}

export interface Phase {
  name: PhaseName;
  policy: PairingPolicy;
  /** The pairing method this phase's Security Manager was configured for (--methods). */
  method?: MatrixMethod;
  cells: Cell[];
  /** Pairings in this phase (upfront, or the one an error triggered). */
  pairings: PairingReport[];
  /** Why the phase did not run, or ended early. */
  note?: string;
}

export interface MatrixResult {
  target: Advertisement;
  policy: PairingPolicy;
  /** The pairing methods given a phase each (--methods), in order. */
  methods?: MatrixMethod[];
  phases: Phase[];
  /** Profile name and file, when comparing. */
  profile?: { name: string; source: string };
  /** Every difference from the profile, named. Empty: the target behaves as the profile says. */
  differences: string[];
}
