// --role peripheral: the peripheral serves the profile here and a real central (a phone app) acts.
// Each central step becomes what the peripheral should see it do, in order: a connection, a request
// on the named characteristic (with its answer), a pairing, notifications sent, a disconnection.
// A step the central never does ends in a timeout when the scenario's time is nearly up.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ATT_ERROR } from '../../../base/codes/att.js';
import type { TimelineEntry } from '../../../stack/trace/timeline.js';
import { linkSecurity } from '../expect/link-security.js';
import { checkOutcome } from '../expect/step-checks.js';
import { entryMatches } from '../expect/timeline.js';
import { protocolCode } from '../protocol-codes.js';
import type { Scenario, Step } from '../scenario.js';
import type { StepRun } from './central-steps.js';
import type { PeripheralEvent, PeripheralPort } from './ports.js';
import type { StepRecord } from './step-record.js';

/** The peripheral's request operations that stand for each central step. */
const OPERATIONS: Partial<Record<Step['kind'], readonly string[]>> = {
  read: ['read'],
  write: ['write', 'prepareWrite', 'executeWrite'],
  subscribe: ['subscribe'],
  unsubscribe: ['subscribe'],
};
const CURED_BY_PAIRING = new Set<number>([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, ATT_ERROR.INSUFFICIENT_ENCRYPTION]);
const isNotification = (e: TimelineEntry) => e.dir === 'tx' && (e.name === 'ATT Handle Value Notification' || e.name === 'ATT Handle Value Indication');

class NotSeen extends Error {}

export async function observeCentral(s: Scenario, p: PeripheralPort, records: StepRecord[], o: { until: number; at: (where: string) => void; signal?: AbortSignal }): Promise<void> {
  const seen: Array<{ e: PeripheralEvent; seq: number }> = [];
  let wake: (() => void) | undefined;
  const unlisten = p.listen((e) => {
    seen.push({ e, seq: p.tap.entries.at(-1)?.seq ?? 0 });
    wake?.();
  });
  let cursor = 0;
  let seqCursor = 0;
  const left = () => (o.signal?.aborted ? 0 : Math.max(0, o.until - performance.now()));
  /** The next event (after those already taken) that matches. */
  const next = async (pred: (e: PeripheralEvent) => boolean): Promise<PeripheralEvent> => {
    for (;;) {
      const i = seen.findIndex((x, k) => k >= cursor && pred(x.e));
      if (i >= 0) {
        cursor = i + 1;
        seqCursor = seen[i]!.seq;
        return seen[i]!.e;
      }
      const ms = left();
      if (ms <= 0) throw new NotSeen();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(t);
          o.signal?.removeEventListener('abort', wake!);
          resolve();
        };
        o.signal?.addEventListener('abort', wake, { once: true });
      });
    }
  };
  const entries = async (pred: (e: TimelineEntry) => boolean, count: number): Promise<TimelineEntry[]> => {
    const from = seqCursor;
    const hits = () => p.tap.entries.filter((e) => e.seq >= from && pred(e));
    while (hits().length < count) {
      if (left() <= 0) throw new NotSeen();
      await p.tap.waitFor((e) => e.seq >= from && pred(e), { timeoutMs: left(), what: 'the central', ...(o.signal ? { signal: o.signal } : {}) }).catch(() => undefined);
    }
    const got = hits().slice(0, count);
    seqCursor = got.at(-1)!.seq + 1;
    return got;
  };

  try {
    for (const step of s.central.steps) {
      o.at(`step ${step.index + 1}: waiting for the central to ${step.label}`);
      const from = { peripheral: (p.tap.entries.at(-1)?.seq ?? -1) + 1 };
      const t = performance.now();
      let run: StepRun;
      try {
        // The factory reset is the peripheral's own step: it runs here, whoever the central is.
        if (step.kind === 'factory-reset') await p.forgetBonds(step.newIdentity ? { newIdentity: step.newIdentity } : {});
        if (step.kind === 'firmware-update') await p.updateFirmware(step.profile, step.serviceChanged);
        run = await observeStep(step, s, { next, entries, ...(o.signal ? { signal: o.signal } : {}) });
      } catch (e) {
        if (!(e instanceof NotSeen)) throw e;
        run = { outcome: { kind: 'timeout', afterMs: Math.round(performance.now() - t) } };
      }
      records.push({ step, central: s.central.name, run, from, all: { peripheral: from.peripheral, centrals: {} }, security: linkSecurity(p.tap.links().filter((l) => l.role === 'peripheral').at(-1)), durationMs: performance.now() - t });
      if (!checkOutcome(step, { outcome: run.outcome, durationMs: 0 }).ok) break;
    }
  } finally {
    unlisten();
  }
}

interface Watch {
  next(pred: (e: PeripheralEvent) => boolean): Promise<PeripheralEvent>;
  entries(pred: (e: TimelineEntry) => boolean, count: number): Promise<TimelineEntry[]>;
  signal?: AbortSignal;
}

async function observeStep(step: Step, s: Scenario, w: Watch): Promise<StepRun> {
  const ok: StepRun = { outcome: { kind: 'ok' } };
  switch (step.kind) {
    case 'connect':
    case 'reconnect':
      await w.next((e) => e.type === 'connect');
      return ok;
    case 'discover':
      await w.entries((e) => e.dir === 'rx' && e.name === 'ATT Read By Group Type Request', 1);
      return ok;
    case 'read':
    case 'write':
    case 'subscribe':
    case 'unsubscribe': {
      const name = step.characteristic.name;
      const ops = OPERATIONS[step.kind]!;
      const mine = (e: PeripheralEvent): e is Extract<PeripheralEvent, { type: 'request' }> => e.type === 'request' && e.characteristic === name && ops.includes(e.operation);
      let r = (await w.next(mine)) as Extract<PeripheralEvent, { type: 'request' }>;
      // A central that pairs on 0x05/0x0F sends the request again: its answer is the step's.
      if (!r.ok && s.central.pairing === 'on-error' && (s.central.cures ? new Set(s.central.cures) : CURED_BY_PAIRING).has(r.attError ?? -1)) r = (await w.next(mine)) as typeof r;
      if (r.ok) return { outcome: { kind: 'ok' }, ...(step.kind === 'read' && r.value ? { value: r.value } : {}) };
      return { outcome: { kind: 'code', code: protocolCode('att', r.attError ?? 0) } };
    }
    case 'pair': {
      const e = await w.next((x) => x.type === 'encryption' || (x.type === 'pairing' && x.step === 'failed') || x.type === 'disconnect');
      if (e.type === 'pairing') return { outcome: { kind: 'code', code: protocolCode('smp', e.failedReason ?? 0) } };
      if (e.type === 'disconnect') return { outcome: { kind: 'code', code: protocolCode('hci', e.reason ?? 0) } };
      if (e.type === 'encryption' && !e.encrypted) return { outcome: { kind: 'code', code: protocolCode('hci', e.status ?? 0) } };
      return ok;
    }
    case 'disconnect':
      await w.next((e) => e.type === 'disconnect');
      return ok;
    case 'wait-notification': {
      const got = await w.entries(isNotification, step.count);
      return { outcome: { kind: 'ok' }, notifications: got.map((e) => Buffer.from((e.fields.value as Buffer | undefined) ?? Buffer.alloc(0))) };
    }
    case 'wait':
      await w.entries((e) => entryMatches(step.for, 'peripheral', e), 1);
      return ok;
    case 'hold-idle':
      await sleep(step.ms, undefined, w.signal ? { signal: w.signal } : {});
      return ok;
    case 'change-stored-key':
    case 'forget-bonds':
      return ok; // the central's own key store: nothing goes over the air
    case 'advance-clock':
      return ok; // the central's radio: nothing goes over the air
    case 'factory-reset':
    case 'firmware-update':
      return ok; // done above, on this peripheral

  }
}
