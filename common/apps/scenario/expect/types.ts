// What the runner hands the evaluator after each step, and what the evaluator hands back.
import type { TimelineEntry } from '../../../stack/trace/timeline.js';
import type { ProtocolCode } from '../protocol-codes.js';
import type { ScenarioRole } from '../scenario.js';

/** How a step ended, as the runner learned it (from the tap, since noble hides ATT errors). */
export type StepOutcome =
  | { readonly kind: 'ok' }
  /** An ATT Error Response, SMP Pairing Failed or HCI status ended the step. */
  | { readonly kind: 'code'; readonly code: ProtocolCode }
  /** The step did not finish within its time. */
  | { readonly kind: 'timeout'; readonly afterMs: number }
  /** Anything else that stopped it (the runner's words). */
  | { readonly kind: 'error'; readonly message: string };

/** The central's link after a step. */
export interface LinkSecurity {
  readonly encrypted: boolean;
  /** Encrypted with a key from a pairing with MITM protection. */
  readonly authenticated: boolean;
  readonly keySize?: number;
  /** Keys were kept for the next connection. */
  readonly bonded: boolean;
}

/** Entries with seq in [from, to) belong to the step. */
export interface TimelineWindow {
  readonly from: number;
  readonly to: number;
}

export interface StepResult {
  readonly outcome: StepOutcome;
  /** What a read returned. */
  readonly value?: Buffer;
  /** What wait-notification received, in order. */
  readonly notifications?: readonly Buffer[];
  readonly security?: LinkSecurity;
  /** Which entries of each tap the step produced; without it, step-scoped expectations see the whole timeline. */
  readonly window?: Partial<Record<ScenarioRole, TimelineWindow>>;
  readonly durationMs: number;
}

/** The two taps' timelines, labelled by side; a run against real hardware may have only one. */
export type Timelines = Partial<Record<ScenarioRole, readonly TimelineEntry[]>>;

export interface Verdict {
  readonly ok: boolean;
  /** Plain words, whether it held or not: what was expected and what happened. */
  readonly message: string;
  /** JSON Pointer of the expectation in the scenario file, when it has one. */
  readonly path?: string;
  /** The timeline entries a failed expectation is about (one tap's, by seq): the HTML report links to them. */
  readonly evidence?: VerdictEvidence;
}

export interface VerdictEvidence {
  readonly side: ScenarioRole;
  readonly seqs: readonly number[];
}
