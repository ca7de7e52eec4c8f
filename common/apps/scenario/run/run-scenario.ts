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
import { scenarioCentrals, type Scenario, type ScenarioRole } from '../scenario.js';
import { applyBehaviours } from './behaviours.js';
import { runCentralStep } from './central-steps.js';
import { NotificationQueue } from './notifications.js';
import { observeCentral } from './observe-central.js';
import { CannotRun, type NamedCentralPort, type Rig, type RigFactory } from './ports.js';
import { centralPorts, connectionsIn, inTurns, nextSeq, tapMarks, type ConnectionOwner, type TapMarks } from './turns.js';
import type { TimelineEntry } from '../../../stack/trace/timeline.js';
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
  let ports: readonly NamedCentralPort[] = [];
  const owners: ConnectionOwner[] = [];
  const limit = stopper(s.timeLimitMs, o.catchCrashes ?? true);
  const ended = new AbortController();
  const operationTimeoutMs = Math.min(s.central.timeoutMs ?? o.operationTimeoutMs ?? 5000, s.timeLimitMs);
  const opening = o.openRig({ scenario: s, ...(o.btsnoopDir ? { btsnoopDir: o.btsnoopDir } : {}), operationTimeoutMs });
  opening.catch(() => undefined);
  try {
    rig = await limit.race(opening);
    ports = centralPorts(rig, s.central.name);
    // A transport that goes away ends the scenario at once, naming it (its links can no longer report anything).
    const gone = rig.lost ?? new Promise<never>(() => undefined);
    const p = rig.peripheral;
    if (p) {
      for (const v of s.peripheral.values) p.setValue(v.characteristic.name, v.value);
      stopBehaviours = applyBehaviours(p, s.peripheral.behaviours, (e) => background.push(e.message));
    }
    // With only the central here, the peripheral's values and behaviours are the other side's to apply
    // (`blebench run --role peripheral` with the same file does); expectations judge what it did.
    if (ports.length) {
      // One notification queue per central: a wait-notification step takes only its own central's.
      const queues = new Map(ports.map((c) => [c.name, new NotificationQueue()] as const));
      for (const c of ports) c.port.onNotification((uuid, value) => queues.get(c.name)!.push(uuid, value));
      for (const { central, step } of inTurns(scenarioCentrals(s))) {
        const port = ports.find((c) => c.name === central)?.port;
        if (!port) throw new CannotRun(`the rig has no central named "${central}"`);
        where = `step ${step.index + 1} (${step.label})`;
        await settle(rig, ports, gone);
        const all = tapMarks(rig, ports);
        const from = ownMarks(all, central);
        const prev = records.at(-1);
        const t = performance.now();
        const run = await limit.race(Promise.race([runCentralStep(step, { central: port, ...(p ? { peripheral: p } : {}), notifications: queues.get(central)!, waitFrom: prev ? ownMarks(prev.all, central) : from, signal: ended.signal, ...(rig.advanceClock ? { advanceClock: rig.advanceClock } : {}) }), gone]));
        await settle(rig, ports, gone);
        records.push({ step, central, run, from, all, security: linkSecurity(lastLink(port.tap, 'central')), durationMs: performance.now() - t });
        // With several centrals, the peripheral's connections that came up in this step are this central's.
        if (p && ports.length > 1 && all.peripheral !== undefined) owners.push(...connectionsIn(p.tap.entries, all.peripheral, nextSeq(p.tap), central));
        // Later steps build on this one: when it did not end as expected, they would only add noise.
        if (!checkOutcome(step, { outcome: run.outcome, durationMs: 0 }).ok) break;
      }
    } else if (p) {
      where = 'watching the central';
      // Leave a little of the time limit for judging and closing: a central that never does a step fails it.
      await limit.race(Promise.race([observeCentral(s, p, records, { until: started + s.timeLimitMs * 0.9, at: (w) => (where = w), signal: ended.signal }), gone]));
    }
    await settle(rig, ports, gone);
  } catch (e) {
    error = e instanceof TimeLimit ? `did not finish within its time limit of ${s.timeLimitMs} ms: stopped at ${where}` : e instanceof Crash ? `${e.message} (at ${where})` : e instanceof CannotRun ? `cannot run here: ${e.message}` : `could not run (at ${where}): ${(e as Error)?.message ?? String(e)}`;
  } finally {
    ended.abort();
    stopBehaviours();
  }
  const end: TapMarks = rig ? tapMarks(rig, ports) : { centrals: {} };
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

  const byCentral: Record<string, readonly TimelineEntry[]> = Object.fromEntries(ports.map((c) => [c.name, [...c.port.tap.entries]]));
  const peripheralEntries = rig?.peripheral ? [...rig.peripheral.tap.entries] : undefined;
  const several = ports.length > 1;
  // Each central's own view: `at: central` is that central's tap.
  const viewOf = (name: string): Timelines => ({ ...(byCentral[name] ? { central: byCentral[name] } : {}), ...(peripheralEntries ? { peripheral: peripheralEntries } : {}) });
  const timelines: Timelines = viewOf(ports[0]?.name ?? s.central.name);
  const steps: StepReport[] = records.map((r, i) => {
    const next = records[i + 1]?.all ?? end;
    const windowOf = (name: string) => {
      const window: Partial<Record<ScenarioRole, { from: number; to: number }>> = {};
      const c = r.all.centrals[name];
      if (c !== undefined) window.central = { from: c, to: next.centrals[name] ?? Number.MAX_SAFE_INTEGER };
      if (r.all.peripheral !== undefined) window.peripheral = { from: r.all.peripheral, to: next.peripheral ?? Number.MAX_SAFE_INTEGER };
      return window;
    };
    const result = { outcome: r.run.outcome, ...(r.run.value ? { value: r.run.value } : {}), ...(r.run.notifications ? { notifications: r.run.notifications } : {}), ...(r.security ? { security: r.security } : {}), window: windowOf(r.central), durationMs: r.durationMs };
    const verdicts = evaluate(r.step, result, viewOf(r.central), (name) => ({ timelines: viewOf(name), window: windowOf(name) }));
    return { index: r.step.index, kind: r.step.kind, label: r.step.label, ...(several ? { central: r.central } : {}), outcome: r.run.outcome, durationMs: r.durationMs, verdicts, window: windowOf(r.central) };
  });
  // Watching a real central (role peripheral), the records are the one central's steps seen.
  const total = scenarioCentrals(s).reduce((n, c) => n + c.steps.length, 0);
  const ranAll = records.length === total;
  const verdicts: Verdict[] = error ? [] : evaluateRun(s, timelines, (name) => ({ timelines: viewOf(name) }));
  if (!error && !ranAll) {
    const stoppedAt = records.at(-1);
    const left = total - records.length;
    verdicts.push({ ok: false, message: `${left} step${left === 1 ? '' : 's'} did not run: ${stoppedAt ? `step ${stoppedAt.step.index + 1} (${stoppedAt.step.label}) did not end as expected` : 'no step ran'}` });
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
    ...(several ? { centralTimelines: byCentral, connections: owners } : {}),
    ...(rig?.btsnoop && Object.keys(rig.btsnoop).length ? { btsnoop: rig.btsnoop } : {}),
    seed: o.seed,
  };
}

/** The latest link of this role on a tap (connected or not). */
export function lastLink(tap: Tap, role: 'central' | 'peripheral') {
  return tap.links().filter((l) => l.role === role).at(-1);
}

/** A step's own marks: its central's tap as `central`, and the peripheral's. */
function ownMarks(all: TapMarks, central: string): Partial<Record<ScenarioRole, number>> {
  const c = all.centrals[central];
  return { ...(c !== undefined ? { central: c } : {}), ...(all.peripheral !== undefined ? { peripheral: all.peripheral } : {}) };
}

/**
 * Let what is already on its way land on both taps (the virtual radio delivers on later turns of the
 * event loop), so a step's entries are all inside its window: done when a whole turn adds nothing.
 */
async function settle(rig: Rig, ports: readonly NamedCentralPort[], gone: Promise<never>): Promise<void> {
  if (rig.acrossProcesses && rig.central && rig.peripheral) await aclDelivered(rig.central.tap, rig.peripheral.tap, gone);
  const count = () => ports.reduce((n, c) => n + c.port.tap.packets, 0) + (rig.peripheral?.tap.packets ?? 0);
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
 * Waits, on the taps' packet and disconnect events, until every ACL packet each host sent on a link still
 * up has reached the other (the controllers keep fragment boundaries, so the counts match; a link that
 * went down leaves the counts with its Disconnection Complete), or IN_FLIGHT_MAX_MS passes. A transport
 * `gone` delivers nothing more (nor the Disconnection Complete that would clear the counts): no wait then.
 */
function aclDelivered(central: Tap, peripheral: Tap, gone: Promise<never>): Promise<void> {
  const done = () => central.aclPackets.tx === peripheral.aclPackets.rx && peripheral.aclPackets.tx === central.aclPackets.rx;
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!done()) return;
      finish();
    };
    const finish = () => {
      clearTimeout(timer);
      for (const tap of [central, peripheral]) {
        tap.off('packet', check);
        tap.off('disconnect', check);
      }
      resolve();
    };
    const timer = setTimeout(finish, IN_FLIGHT_MAX_MS);
    gone.catch(finish);
    for (const tap of [central, peripheral]) {
      tap.on('packet', check);
      tap.on('disconnect', check);
    }
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
