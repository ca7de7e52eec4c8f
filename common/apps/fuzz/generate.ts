// The case generator: case N of a run with seed S is a pure function of (S, N, role), so the same
// seed gives the same cases and a finding can be replayed alone.
import { L2CAP_CID } from '../../base/codes/l2cap.js';
import { attPdu } from './att-cases.js';
import { hciEventCase } from './hci-cases.js';
import { l2capCase } from './l2cap-cases.js';
import { smpSequence } from './smp-cases.js';
import { Prng } from './prng.js';
import type { FuzzCase, FuzzProtocol, FuzzRole } from './fuzz-case.js';

/** Share of each protocol in a run, by weight. */
export const PROTOCOL_WEIGHTS: ReadonlyArray<readonly [number, FuzzProtocol]> = [
  [50, 'att'],
  [30, 'smp'],
  [10, 'l2cap'],
  [10, 'hci'],
];

export interface GenerateOptions {
  /** Leave out HCI events (a target with no controller of ours below it). */
  protocols?: readonly FuzzProtocol[];
}

export function generateCase(seed: number, index: number, target: FuzzRole, options: GenerateOptions = {}): FuzzCase {
  const rng = Prng.forCase(seed, index);
  const weights = options.protocols ? PROTOCOL_WEIGHTS.filter(([, p]) => options.protocols!.includes(p)) : PROTOCOL_WEIGHTS;
  const protocol = rng.weighted(weights);
  switch (protocol) {
    case 'att': {
      const a = attPdu(rng, target);
      return { index, protocol, name: a.name, frames: [{ kind: 'l2cap', cid: L2CAP_CID.ATT, payload: a.pdu }] };
    }
    case 'smp': {
      const s = smpSequence(rng, target);
      return { index, protocol, name: s.name, frames: s.pdus.map((payload) => ({ kind: 'l2cap' as const, cid: L2CAP_CID.SMP, payload })) };
    }
    case 'l2cap': {
      const l = l2capCase(rng, target);
      return { index, protocol, name: l.name, frames: l.frames };
    }
    case 'hci': {
      const h = hciEventCase(rng);
      return { index, protocol, name: h.name, frames: [{ kind: 'hci-event', packet: h.packet }] };
    }
  }
}
