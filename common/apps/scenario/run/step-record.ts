// What the runner keeps of one step as it ran (run-scenario.ts writes it, observe-central.ts reads it).
import type { LinkSecurity } from '../expect/types.js';
import type { ScenarioRole, Step } from '../scenario.js';
import type { StepRun } from './central-steps.js';

/** One step as it ran: its result, where each tap stood when it started, the link after it. */
export interface StepRecord {
  readonly step: Step;
  readonly run: StepRun;
  readonly from: Partial<Record<ScenarioRole, number>>;
  readonly security: LinkSecurity | undefined;
  readonly durationMs: number;
}
