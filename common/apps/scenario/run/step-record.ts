// What the runner keeps of one step as it ran (run-scenario.ts writes it, observe-central.ts reads it).
import type { LinkSecurity } from '../expect/types.js';
import type { ScenarioRole, Step } from '../scenario.js';
import type { StepRun } from './central-steps.js';
import type { TapMarks } from './turns.js';

/** One step as it ran: its result, where each tap stood when it started, the link after it. */
export interface StepRecord {
  readonly step: Step;
  /** The central whose step it is (its name; "central" for a lone central). */
  readonly central: string;
  readonly run: StepRun;
  /** Its own central's tap as `central`, and the peripheral's. */
  readonly from: Partial<Record<ScenarioRole, number>>;
  /** Every tap, each central's by name. */
  readonly all: TapMarks;
  readonly security: LinkSecurity | undefined;
  readonly durationMs: number;
}
