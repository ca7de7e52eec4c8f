// The scenario's peripheral behaviours, applied through the peripheral's runtime actions: refuse
// pairing (every Pairing Request, re-armed after each refusal), disconnect after a named PDU, notify or
// indicate on a schedule once the central subscribes. Returns the function that stops them all.
import { entryMatches } from '../expect/timeline.js';
import { showCode } from '../protocol-codes.js';
import type { Behaviour } from '../scenario.js';
import type { TimelineEntry } from '../../trace/timeline.js';
import { CannotRun, type PeripheralPort } from './ports.js';

/** Behaviours the peripheral role cannot do yet: checked before the scenario starts. */
export function unsupportedBehaviour(behaviours: readonly Behaviour[]): string | undefined {
  const b = behaviours.find((x) => x.kind === 'answer' || x.kind === 'delay');
  if (!b) return undefined;
  return `the behaviour at ${b.path} (${b.kind}) needs a runtime action the peripheral (peripheral/) does not offer yet: ${b.kind === 'answer' ? 'answering one operation with a chosen ATT error' : 'answering requests later'}`;
}

export function applyBehaviours(p: PeripheralPort, behaviours: readonly Behaviour[], onError: (e: Error) => void): () => void {
  const why = unsupportedBehaviour(behaviours);
  if (why) throw new CannotRun(why);
  const stops: Array<() => void> = [];
  for (const b of behaviours) {
    switch (b.kind) {
      case 'refuse-pairing': {
        p.refuseNextPairing(b.reason.code);
        stops.push(p.listen((e) => e.type === 'pairing' && e.step === 'failed' && p.refuseNextPairing(b.reason.code)));
        break;
      }
      case 'disconnect-after': {
        let seen = 0;
        let fired = false;
        const onEntry = (e: TimelineEntry) => {
          if (fired || !entryMatches({ pdu: b.pdu, ...(b.sentBy ? { sentBy: b.sentBy } : {}) }, 'peripheral', e)) return;
          if (++seen < b.nth) return;
          fired = true;
          p.disconnect(b.reason.code).catch((err: Error) => onError(new Error(`disconnect-after ${b.pdu.name} (${showCode(b.reason)}): ${err.message}`)));
        };
        p.tap.on('entry', onEntry);
        stops.push(() => p.tap.off('entry', onEntry));
        break;
      }
      case 'notify':
      case 'indicate':
        stops.push(schedule(p, b, onError));
        break;
      case 'answer':
      case 'delay':
        break; // refused above
    }
  }
  return () => stops.forEach((s) => s());
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
