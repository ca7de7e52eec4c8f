// The PDU sequence of one procedure as the central's tap saw it (a reference run with no faults), and
// from it one fault rule per PDU: drop the link as that PDU starts (the radio's `disconnect` action,
// matched by L2CAP channel, direction, first payload octet and occurrence).
import type { AclFaultRule } from '../../../common/stack/air/index.js';
import { attOpcodeName } from '../../../common/base/codes/att.js';
import { HCI_STATUS } from '../../../common/base/codes/hci.js';
import { L2CAP_CID } from '../../../common/base/codes/l2cap.js';
import { smpCodeName } from '../../../common/base/codes/smp.js';
import type { Tap } from '../../../common/stack/trace/tap.js';

export type Direction = 'central-to-peripheral' | 'peripheral-to-central';

export interface SequencePdu {
  cid: number;
  code: number;
  direction: Direction;
  /** 1-based count of this (cid, code, direction) so far in the sequence. */
  nth: number;
  /** "SMP Pairing Confirm from the peripheral (2nd)". */
  label: string;
}

/** The link drops as a supervision timeout would look to both hosts. Vol 6 Part B 4.5.2. */
export const LINK_LOSS_REASON = HCI_STATUS.CONNECTION_TIMEOUT;

const ordinal = (n: number) => `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;

/** The ATT or SMP PDUs the central's tap saw after `fromSeq`, both ways, in order. */
export function recordSequence(tap: Tap, fromSeq: number, layer: 'att' | 'smp'): SequencePdu[] {
  const seen = new Map<string, number>();
  const out: SequencePdu[] = [];
  for (const e of tap.entries) {
    if (e.seq <= fromSeq || e.layer !== layer || e.raw.length === 0) continue;
    const code = e.raw[0]!;
    const direction: Direction = e.dir === 'tx' ? 'central-to-peripheral' : 'peripheral-to-central';
    const key = `${code}/${direction}`;
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    const name = layer === 'att' ? `ATT ${attOpcodeName(code)}` : `SMP ${smpCodeName(code)}`;
    out.push({ cid: layer === 'att' ? L2CAP_CID.ATT : L2CAP_CID.SMP, code, direction, nth, label: `${name} from the ${direction === 'central-to-peripheral' ? 'central' : 'peripheral'} (${ordinal(nth)})` });
  }
  return out;
}

/** The fault rule that drops the link as this PDU starts; the PDU itself never arrives. */
export function linkLossAt(p: SequencePdu): AclFaultRule {
  return {
    on: 'acl',
    match: { cid: p.cid, direction: p.direction, prefix: [p.code] },
    nth: p.nth,
    action: { kind: 'disconnect', reason: LINK_LOSS_REASON },
    label: `link lost at ${p.label}`,
  };
}
