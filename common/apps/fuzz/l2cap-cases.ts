// L2CAP-level abuse around the fixed channels: a Length field that lies (Vol 3 Part A 3.1), PDUs
// cut into tiny ACL fragments, channels nobody opened, and LE signaling commands with hostile
// values or the wrong role (Vol 3 Part A 4).
import { params } from '../../stack/air/bytes.js';
import { L2CAP_CID, L2CAP_SIG } from '../../base/codes/l2cap.js';
import { attPdu } from './att-cases.js';
import { mutate } from './mutate.js';
import type { FuzzRole, L2capFrame } from './fuzz-case.js';
import type { Prng } from './prng.js';
import { hex } from '../../base/codes/code-table.js';

const SIG_CODES = Object.values(L2CAP_SIG);

export interface L2capCase {
  name: string;
  frames: L2capFrame[];
}

function signaling(rng: Prng): Buffer {
  const id = rng.int(0, 0xff);
  const cmd = (code: number, body: Buffer) => params().u8(code).u8(id).u16(body.length).bytesOf(body).build();
  const pdu = rng.weighted<() => Buffer>([
    [2, () => cmd(L2CAP_SIG.CONNECTION_PARAMETER_UPDATE_REQ, params().u16(rng.pick([0, 6, 0xffff])).u16(rng.pick([0, 6, 3200])).u16(rng.int(0, 600)).u16(rng.pick([0, 10, 3200])).build())],
    [1, () => cmd(L2CAP_SIG.CONNECTION_PARAMETER_UPDATE_RSP, params().u16(rng.int(0, 2)).build())],
    [1, () => cmd(L2CAP_SIG.COMMAND_REJECT, params().u16(rng.int(0, 3)).bytesOf(rng.bytes(rng.int(0, 4))).build())],
    [2, () => cmd(L2CAP_SIG.LE_CREDIT_BASED_CONNECTION_REQ, params().u16(rng.int(0, 0xff)).u16(rng.int(0x40, 0x7f)).u16(rng.pick([0, 23, 0xffff])).u16(rng.pick([0, 23, 0xffff])).u16(rng.int(0, 0xffff)).build())],
    [1, () => cmd(L2CAP_SIG.DISCONNECTION_REQ, params().u16(rng.int(0x40, 0x7f)).u16(rng.int(0x40, 0x7f)).build())],
    [1, () => cmd(L2CAP_SIG.FLOW_CONTROL_CREDIT_IND, params().u16(rng.int(0x40, 0x7f)).u16(0xffff).build())],
    [1, () => cmd(rng.int(0, 0xff), rng.bytes(rng.int(0, 12)))],
  ])();
  return rng.chance(0.5) ? pdu : mutate(rng, pdu, SIG_CODES).bytes;
}

/** One L2CAP case: a lying Length field, tiny fragments, an unopened channel or LE signaling. */
export function l2capCase(rng: Prng, target: FuzzRole): L2capCase {
  return rng.weighted<() => L2capCase>([
    [3, () => {
      const att = attPdu(rng, target);
      const lengthField = rng.weighted([[2, rng.int(0, Math.max(0, att.pdu.length - 1))], [2, att.pdu.length + rng.int(1, 40)], [1, 0xffff]]);
      return { name: `L2CAP Length ${lengthField} for ${att.pdu.length} octets of ${att.name}`, frames: [{ kind: 'l2cap', cid: L2CAP_CID.ATT, payload: att.pdu, lengthField }] };
    }],
    [2, () => {
      const att = attPdu(rng, target);
      const fragmentSize = rng.int(1, 8);
      return { name: `${att.name} in ${fragmentSize}-octet ACL fragments`, frames: [{ kind: 'l2cap', cid: L2CAP_CID.ATT, payload: att.pdu, fragmentSize }] };
    }],
    [2, () => {
      const cid = rng.pick([L2CAP_CID.NULL, L2CAP_CID.BR_EDR_SIGNALING, L2CAP_CID.CONNECTIONLESS, 0x0003, L2CAP_CID.BR_EDR_SMP, L2CAP_CID.LE_DYNAMIC_FIRST, 0x007f, 0x0080, 0xffff]);
      return { name: `L2CAP on unopened channel ${hex(cid, 4)}`, frames: [{ kind: 'l2cap', cid, payload: rng.bytes(rng.int(0, 40)) }] };
    }],
    [3, () => ({ name: 'L2CAP LE signaling', frames: [{ kind: 'l2cap', cid: L2CAP_CID.LE_SIGNALING, payload: signaling(rng) }] })],
  ])();
}
