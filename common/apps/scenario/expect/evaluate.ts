// The evaluator: pure functions from a step's result and the taps' timelines to verdicts, one per
// expectation, each in plain words whether it held or not.
import type { Scenario, Step } from '../scenario.js';
import { checkNotifications, checkOutcome, checkSecurityExpectation, checkValueExpectation } from './step-checks.js';
import { evaluateTimeline } from './timeline.js';
import type { StepResult, Timelines, TimelineWindow, Verdict } from './types.js';
import type { ScenarioRole } from '../scenario.js';

/**
 * With several centrals, another central's view (an expectation with `central: NAME`): its tap as
 * `central` beside the peripheral's, and this step's window on them.
 */
export type CentralView = (name: string) => { readonly timelines: Timelines; readonly window?: Partial<Record<ScenarioRole, TimelineWindow>> };

/** Every expectation of one step: its outcome (ok unless the file says otherwise), value, security, timeline. */
export function evaluate(step: Step, result: StepResult, timelines: Timelines, viewOf?: CentralView): Verdict[] {
  const out: Verdict[] = [checkOutcome(step, result)];
  if (step.kind === 'wait-notification' && result.outcome.kind === 'ok') out.push(...checkNotifications(step, result.notifications));
  const v = step.expect.value;
  if (v) out.push(checkValueExpectation(step, v, result.value ?? result.notifications?.at(-1), step.path + '/expect/value'));
  if (step.expect.security) out.push(...checkSecurityExpectation(step, step.expect.security, result.security));
  for (const t of step.expect.timeline) {
    const view = t.central !== undefined ? viewOf?.(t.central) : undefined;
    out.push(view ? evaluateTimeline(t, view.timelines, view.window) : evaluateTimeline(t, timelines, result.window));
  }
  return out;
}

/** The scenario's own `expect.timeline`, over the whole run (`at: central` is the first central's, or the one `central:` names). */
export function evaluateRun(scenario: Scenario, timelines: Timelines, viewOf?: CentralView): Verdict[] {
  return scenario.expect.timeline.map((t) => evaluateTimeline(t, (t.central !== undefined ? viewOf?.(t.central).timelines : undefined) ?? timelines));
}

export const allHeld = (verdicts: readonly Verdict[]): boolean => verdicts.every((v) => v.ok);
