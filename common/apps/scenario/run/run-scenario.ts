// One scenario, start to end, on a fresh rig: open it, set the peripheral up (values, behaviours), run
// the central's steps (or, with only the peripheral here, watch what a real central does), judge every
// expectation, close. It always ends within the scenario's time limit, in passed, failed or error, and
// never throws: a crash in a stack becomes this scenario's error, not the run's.
import { performance } from 'node:perf_hooks';
import { setImmediate as turn } from 'node:timers/promises';
import type { Tap } from '../../../stack/trace/tap.js';
import { evaluate, evaluateRun } from '../expect/evaluate.js';
import { linkSecurity } from '../expect/link-security.js';
import { checkOutcome } from '../expect/step-checks.js';
import type { StepOutcome, Timelines, Verdict } from '../expect/types.js';
import type { ScenarioResult, StepReport } from '../report/result.js';
import type { Scenario, ScenarioRole } from '../scenario.js';
import { applyBehaviours } from './behaviours.js';
import { runCentralStep } from './central-steps.js';
import { NotificationQueue } from './notifications.js';
import { observeCentral } from './observe-central.js';
import { CannotRun, type Rig, type RigFactory } from './ports.js';
import type { StepRecord } from './step-record.js';

export type RunRole = 'both' | 'central' | 'peripheral';

export interface RunScenarioOptions {
  readonly openRig: RigFactory;
  /** The suite's shuffle seed, recorded in the result. */
  readonly seed: number;
  readonly btsnoopDir?: string;
  /** Turn uncaught exceptions and unhandled rejections while the scenario runs into its error (default true). */
  readonly catchCrashes?: boolean;
  /** The longest the central waits for one operation (default 5000 ms, never more than the time limit); a scenario's `central.timeout-ms` wins. */
  readonly operationTimeoutMs?: number;
}

const CLOSE_LIMIT_MS = 5000;
/** Turns of the event loop the taps may stay busy before a step's entries are taken as settled. */
const SETTLE_TURNS_MAX = 200;

class TimeLimit extends Error {}
class Crash extends Error {}

export async function runScenario(s: Scenario, o: RunScenarioOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const records: StepRecord[] = [];
  const background: string[] = [];
  let where = 'setting up the roles';
  let error: string | undefined;
  let rig: Rig | undefined;
  let stopBehaviours = () => {};
  const limit = stopper(s.timeLimitMs, o.catchCrashes ?? true);
  const ended = new AbortController();
  const operationTimeoutMs = Math.min(s.central.timeoutMs ?? o.operationTimeoutMs ?? 5000, s.timeLimitMs);
  const opening = o.openRig({ scenario: s, ...(o.btsnoopDir ? { btsnoopDir: o.btsnoopDir } : {}), operationTimeoutMs });
  opening.catch(() => undefined);
  try {
    rig = await limit.race(opening);
    // A transport that goes away ends the scenario at once, naming it (its links can no longer report anything).
    const gone = rig.lost ?? new Promise<never>(() => undefined);
    const p = rig.peripheral;
    if (p) {
      for (const v of s.peripheral.values) p.setValue(v.characteristic.name, v.value);
      stopBehaviours = applyBehaviours(p, s.peripheral.behaviours, (e) => background.push(e.message));
    }
    // With only the central here, the peripheral's values and behaviours are the other side's to apply
    // (`blebench run --role peripheral` with the same file does); expectations judge what it did.
    if (rig.central) {
      const queue = new NotificationQueue();
      rig.central.onNotification((uuid, value) => queue.push(uuid, value));
      for (const step of s.central.steps) {
        where = `step ${step.index + 1} (${step.label})`;
        await settle(rig);
        const from = marks(rig);
        const t = performance.now();
        const run = await limit.race(Promise.race([runCentralStep(step, { central: rig.central, ...(rig.peripheral ? { peripheral: rig.peripheral } : {}), notifications: queue, waitFrom: records.at(-1)?.from ?? from, signal: ended.signal, ...(rig.advanceClock ? { advanceClock: rig.advanceClock } : {}) }), gone]));
        await settle(rig);
        records.push({ step, run, from, security: linkSecurity(lastLink(rig.central.tap, 'central')), durationMs: performance.now() - t });
        // Later steps build on this one: when it did not end as expected, they would only add noise.
        if (!checkOutcome(step, { outcome: run.outcome, durationMs: 0 }).ok) break;
      }
    } else if (p) {
      where = 'watching the central';
      // Leave a little of the time limit for judging and closing: a central that never does a step fails it.
      await limit.race(Promise.race([observeCentral(s, p, records, { until: started + s.timeLimitMs * 0.9, at: (w) => (where = w), signal: ended.signal }), gone]));
    }
    await settle(rig);
  } catch (e) {
    error = e instanceof TimeLimit ? `did not finish within its time limit of ${s.timeLimitMs} ms: stopped at ${where}` : e instanceof Crash ? `${e.message} (at ${where})` : e instanceof CannotRun ? `cannot run here: ${e.message}` : `could not run (at ${where}): ${(e as Error)?.message ?? String(e)}`;
  } finally {
    ended.abort();
    stopBehaviours();
  }
  const end = rig ? marks(rig) : {};
  rig ??= await within(opening, CLOSE_LIMIT_MS).catch(() => undefined);
  if (rig) {
    const closed = await within(rig.close(), CLOSE_LIMIT_MS).then(
      () => undefined,
      (e: Error) => e.message,
    );
    if (closed && !error) error = `the roles did not close cleanly: ${closed}`;
  }
  limit.stop();
  if (background.length && !error) error = `a peripheral behaviour failed: ${background.join('; ')}`;

  const timelines: Timelines = {
    ...(rig?.central ? { central: [...rig.central.tap.entries] } : {}),
    ...(rig?.peripheral ? { peripheral: [...rig.peripheral.tap.entries] } : {}),
  };
  const steps: StepReport[] = records.map((r, i) => {
    const next = records[i + 1]?.from ?? end;
    const window: Partial<Record<ScenarioRole, { from: number; to: number }>> = {};
    for (const side of ['central', 'peripheral'] as const) {
      const from = r.from[side];
      if (from !== undefined) window[side] = { from, to: next[side] ?? Number.MAX_SAFE_INTEGER };
    }
    const verdicts = evaluate(r.step, { outcome: r.run.outcome, ...(r.run.value ? { value: r.run.value } : {}), ...(r.run.notifications ? { notifications: r.run.notifications } : {}), ...(r.security ? { security: r.security } : {}), window, durationMs: r.durationMs }, timelines);
    return { index: r.step.index, kind: r.step.kind, label: r.step.label, outcome: r.run.outcome, durationMs: r.durationMs, verdicts, window };
  });
  const ranAll = records.length === s.central.steps.length;
  const verdicts: Verdict[] = error ? [] : evaluateRun(s, timelines);
  if (!error && !ranAll) {
    const stoppedAt = records.at(-1);
    verdicts.push({ ok: false, message: `steps ${records.length + 1} to ${s.central.steps.length} did not run: ${stoppedAt ? `step ${stoppedAt.step.index + 1} (${stoppedAt.step.label}) did not end as expected` : 'no step ran'}` });
  }
  const failed = steps.some((st) => st.verdicts.some((v) => !v.ok)) || verdicts.some((v) => !v.ok);
  return {
    name: s.name,
    file: s.file,
    qualification: s.qualification,
    tags: s.tags,
    status: error ? 'error' : failed ? 'failed' : 'passed',
    durationMs: performance.now() - started,
    steps,
    verdicts,
    ...(error ? { error } : {}),
    timelines,
    ...(rig?.btsnoop && Object.keys(rig.btsnoop).length ? { btsnoop: rig.btsnoop } : {}),
    seed: o.seed,
  };
}

/** The latest link of this role on a tap (connected or not). */
export function lastLink(tap: Tap, role: 'central' | 'peripheral') {
  return tap.links().filter((l) => l.role === role).at(-1);
}

function nextSeq(tap: Tap): number {
  return (tap.entries.at(-1)?.seq ?? -1) + 1;
}

function marks(rig: Rig): Partial<Record<ScenarioRole, number>> {
  return { ...(rig.central ? { central: nextSeq(rig.central.tap) } : {}), ...(rig.peripheral ? { peripheral: nextSeq(rig.peripheral.tap) } : {}) };
}

/**
 * Let what is already on its way land on both taps (the virtual radio delivers on later turns of the
 * event loop), so a step's entries are all inside its window: done when a whole turn adds nothing.
 */
async function settle(rig: Rig): Promise<void> {
  if (rig.acrossProcesses && rig.central && rig.peripheral) await aclDelivered(rig.central.tap, rig.peripheral.tap);
  const count = () => (rig.central?.tap.packets ?? 0) + (rig.peripheral?.tap.packets ?? 0);
  let before = count();
  for (let i = 0; i < SETTLE_TURNS_MAX; i++) {
    await turn();
    await turn();
    const now = count();
    if (now === before) return;
    before = now;
  }
}

/** Longest wait for packets in flight through another process to arrive. */
const IN_FLIGHT_MAX_MS = 2000;

/**
 * Waits, on the taps' packet events, until every ACL packet each host sent has reached the other
 * (the controllers keep fragment boundaries, so the counts match), or IN_FLIGHT_MAX_MS passes.
 */
function aclDelivered(central: Tap, peripheral: Tap): Promise<void> {
  const done = () => central.aclPackets.tx === peripheral.aclPackets.rx && peripheral.aclPackets.tx === central.aclPackets.rx;
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!done()) return;
      finish();
    };
    const finish = () => {
      clearTimeout(timer);
      central.off('packet', check);
      peripheral.off('packet', check);
      resolve();
    };
    const timer = setTimeout(finish, IN_FLIGHT_MAX_MS);
    central.on('packet', check);
    peripheral.on('packet', check);
  });
}

/** The scenario's time limit and crash catcher, raced against each piece of work. */
function stopper(limitMs: number, catchCrashes: boolean) {
  let fail: (e: Error) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (fail = reject));
  stopped.catch(() => undefined);
  const timer = setTimeout(() => fail(new TimeLimit()), limitMs);
  const onCrash = (e: unknown) => fail(new Crash(`a stack crashed: ${e instanceof Error ? e.message : String(e)}`));
  if (catchCrashes) {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
  }
  return {
    race: <T>(p: Promise<T>): Promise<T> => Promise.race([p, stopped]),
    stop: () => {
      clearTimeout(timer);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    },
  };
}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not done after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

export type { StepOutcome };
