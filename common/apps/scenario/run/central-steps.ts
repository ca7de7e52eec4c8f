// One central step on the central port: what it returned and how it ended (StepOutcome). Never
// throws: every error becomes the step's outcome. Waits are event-driven with the step's time limit;
// hold-idle is the one step that waits on a clock, as the scenario says.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StepOutcome } from '../expect/types.js';
import { entryMatches } from '../expect/timeline.js';
import { DEFAULT_STEP_TIMEOUT_MS, type ScenarioRole, type Step } from '../scenario.js';
import type { NotificationQueue } from './notifications.js';
import { stepOutcomeOf, StepTimeout } from './outcome.js';
import type { CentralPort, PeripheralPort } from './ports.js';

export interface StepRun {
  readonly outcome: StepOutcome;
  readonly value?: Buffer;
  readonly notifications?: readonly Buffer[];
}

export interface StepContext {
  readonly central: CentralPort;
  readonly peripheral?: PeripheralPort;
  readonly notifications: NotificationQueue;
  /** Where each tap was when the previous step started (the next entry's seq): a wait step also takes what that step produced. */
  readonly waitFrom: Partial<Record<ScenarioRole, number>>;
  /** Aborted when the scenario ends (its time limit, a crash): waits stop holding the process. */
  readonly signal?: AbortSignal;
  /** Moves the virtual radio's clock on (absent off the virtual radio). */
  readonly advanceClock?: (seconds: number) => void;
}

export async function runCentralStep(step: Step, ctx: StepContext): Promise<StepRun> {
  const c = ctx.central;
  try {
    switch (step.kind) {
      case 'connect':
        await c.connect(step.timeoutMs);
        return ok();
      case 'discover':
        await c.discover();
        return ok();
      case 'read':
        return { outcome: { kind: 'ok' }, value: await c.read(step.characteristic, step.descriptor) };
      case 'write':
        await c.write(step.characteristic, step.value, step.withResponse);
        return ok();
      case 'subscribe':
        await c.subscribe(step.characteristic, step.mode);
        return ok();
      case 'unsubscribe':
        await c.unsubscribe(step.characteristic);
        return ok();
      case 'wait-notification':
        try {
          return { outcome: { kind: 'ok' }, notifications: await ctx.notifications.take(step.characteristic.uuid, step.count, step.timeoutMs, step.characteristic.name, ctx.signal) };
        } catch (e) {
          return { outcome: stepOutcomeOf(e), notifications: (e as { received?: Buffer[] }).received ?? [] };
        }
      case 'pair':
        await c.pair();
        return ok();
      case 'disconnect':
        await c.disconnect(step.reason.code);
        return ok();
      case 'reconnect':
        await c.reconnect(DEFAULT_STEP_TIMEOUT_MS);
        return ok();
      case 'wait': {
        const side: ScenarioRole = step.for.at ?? 'central';
        const tap = side === 'central' ? c.tap : ctx.peripheral?.tap;
        if (!tap) return { outcome: { kind: 'error', message: `the wait looks at the ${side}'s timeline, but this run has no tap on the ${side}` } };
        const from = ctx.waitFrom[side] ?? 0;
        try {
          await tap.waitFor((e) => e.seq >= from && entryMatches(step.for, side, e), { timeoutMs: step.timeoutMs, includePast: true, what: step.for.pdu.name, ...(ctx.signal ? { signal: ctx.signal } : {}) });
        } catch (e) {
          if ((e as { reason?: string }).reason === 'timeout') throw new StepTimeout(`${step.for.pdu.name} on the ${side}'s timeline`, step.timeoutMs);
          throw e;
        }
        return ok();
      }
      case 'hold-idle':
        await sleep(step.ms, undefined, ctx.signal ? { signal: ctx.signal } : {});
        return ok();
      case 'change-stored-key':
        await c.changeStoredKey(step.part);
        return ok();
      case 'advance-clock':
        if (!ctx.advanceClock) return { outcome: { kind: 'error', message: "advance-clock moves the virtual radio's clock: run the scenario with --transport mock" } };
        ctx.advanceClock(step.seconds);
        return ok();
      case 'forget-bonds':
        await c.forgetBonds({ newIrk: step.newIrk });
        return ok();
      case 'factory-reset':
        if (!ctx.peripheral) return { outcome: { kind: 'error', message: 'factory-reset acts on the peripheral, which does not run here (--role central): reset the real one by hand' } };
        await ctx.peripheral.forgetBonds(step.newIdentity ? { newIdentity: step.newIdentity } : {});
        return ok();
      case 'firmware-update':
        if (!ctx.peripheral) return { outcome: { kind: 'error', message: 'firmware-update acts on the peripheral, which does not run here (--role central): update the real one by hand' } };
        await ctx.peripheral.updateFirmware(step.profile, step.serviceChanged);
        return ok();
    }
  } catch (e) {
    return { outcome: stepOutcomeOf(e) };
  }
}

const ok = (): StepRun => ({ outcome: { kind: 'ok' } });
