// The scenario's peripheral behaviours, applied through the peripheral's runtime actions: refuse
// pairing (every Pairing Request), answer an operation with a chosen ATT code, hold answers for a
// while, disconnect or send a Security Request after a named PDU, notify or indicate on a schedule once the central subscribes.
// Returns the function that stops them all. A behaviour the peripheral refuses (its port throws)
// makes the scenario unable to run here (CannotRun, status error), naming the behaviour.
import { entryMatches } from '../expect/timeline.js';
import { showCode } from '../protocol-codes.js';
import type { Behaviour, BehaviourOperation } from '../scenario.js';
import type { TimelineEntry } from '../../../stack/trace/timeline.js';
import { CannotRun, type PeripheralPort, type PortOperation } from './ports.js';

const PORT_OPERATION: Record<BehaviourOperation, PortOperation> = { read: 'read', write: 'write', 'write-without-response': 'writeWithoutResponse', subscribe: 'subscribe' };

export function applyBehaviours(p: PeripheralPort, behaviours: readonly Behaviour[], onError: (e: Error) => void): () => void {
  const stops: Array<() => void> = [];
  const stopAll = () => {
    for (const s of stops.splice(0)) {
      try {
        s();
      } catch (e) {
        onError(e as Error);
      }
    }
  };
  /** A runtime action the peripheral refuses: the scenario cannot run (with the behaviour's path). */
  const act = (b: Behaviour, action: () => void) => {
    try {
      action();
    } catch (e) {
      stopAll();
      throw new CannotRun(`the behaviour at ${b.path} (${b.kind}): ${(e as Error).message}`);
    }
  };
  for (const b of behaviours) {
    switch (b.kind) {
      case 'refuse-pairing':
        act(b, () => p.refusePairing(b.reason.code, 'always'));
        break;
      case 'answer': {
        const op = PORT_OPERATION[b.operation];
        act(b, () => p.answerWith(b.characteristic.name, op, b.error.code, { nth: b.nth, repeat: b.repeat }));
        stops.push(() => p.answerWith(b.characteristic.name, op, null, { nth: 1, repeat: true }));
        break;
      }
      case 'delay': {
        const name = b.characteristic?.name ?? '*';
        const op = b.operation ? (PORT_OPERATION[b.operation] as Exclude<PortOperation, 'writeWithoutResponse'>) : '*';
        act(b, () => p.delayAnswers(name, op, b.ms));
        stops.push(() => p.delayAnswers(name, op, 0));
        break;
      }
      case 'disconnect-after': {
        let seen = 0;
        let fired = false;
        const onEntry = (e: TimelineEntry) => {
          if (fired || !entryMatches({ pdu: b.pdu, ...(b.sentBy ? { sentBy: b.sentBy } : {}) }, 'peripheral', e)) return;
          if (++seen < b.nth) return;
          fired = true;
          // On the link the PDU passed on (several centrals may be connected).
          p.disconnect(b.reason.code, e.handle).catch((err: Error) => onError(new Error(`disconnect-after ${b.pdu.name} (${showCode(b.reason)}): ${err.message}`)));
        };
        p.tap.on('entry', onEntry);
        stops.push(() => p.tap.off('entry', onEntry));
        break;
      }
      case 'security-request-after': {
        let seen = 0;
        let fired = false;
        const onEntry = (e: TimelineEntry) => {
          if (fired || !entryMatches({ pdu: b.pdu, ...(b.sentBy ? { sentBy: b.sentBy } : {}) }, 'peripheral', e)) return;
          if (++seen < b.nth) return;
          fired = true;
          try {
            p.requestSecurity(e.handle);
          } catch (err) {
            onError(new Error(`security-request-after ${b.pdu.name}: ${(err as Error).message}`));
          }
        };
        p.tap.on('entry', onEntry);
        stops.push(() => p.tap.off('entry', onEntry));
        break;
      }
      case 'notify':
      case 'indicate':
        stops.push(schedule(p, b, onError));
        break;
    }
  }
  return stopAll;
}

/** Once subscribed (the CCCD bit for this kind), send `count` values, one every `everyMs`; stop on unsubscribe or disconnection. */
function schedule(p: PeripheralPort, b: Extract<Behaviour, { kind: 'notify' | 'indicate' }>, onError: (e: Error) => void): () => void {
  const name = b.characteristic.name;
  let timer: NodeJS.Timeout | undefined;
  let sent = 0;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const next = () => {
    timer = setTimeout(() => {
      timer = undefined;
      const value = b.values[Math.min(sent, b.values.length - 1)]!;
      sent++;
      const more = () => {
        if (sent < b.count && running) next();
      };
      if (b.kind === 'notify') {
        p.notify(name, value);
        more();
      } else {
        p.indicate(name, value).then(more, (e: Error) => onError(new Error(`indicating ${name}: ${e.message}`)));
      }
    }, b.everyMs);
  };
  let running = false;
  const unlisten = p.listen((e) => {
    if (e.type === 'subscribe' && e.characteristic === name && (b.kind === 'notify' ? e.notifications : e.indications)) {
      if (running) return;
      running = true;
      sent = 0;
      next();
    } else if ((e.type === 'unsubscribe' && e.characteristic === name) || e.type === 'disconnect') {
      running = false;
      stop();
    }
  });
  return () => {
    running = false;
    stop();
    unlisten();
  };
}
