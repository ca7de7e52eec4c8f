// ACL fragments → whole L2CAP PDUs, per connection handle and direction.
// Core v5.4 Vol 4 Part E 5.4.2 (Packet_Boundary_Flag: 0b00/0b10 start, 0b01 continuing),
// Vol 3 Part A 3.1 (basic header: Length(2) CID(2); Length counts the payload only), 7.2 (fragmentation).
import { L2CAP_HEADER_LENGTH } from '../../base/codes/l2cap.js';
import type { AclPacket } from './hci-decode.js';
import { isAclStart } from './hci-decode.js';
import { malformed, type Decoded, type Direction, type MalformedFields } from './timeline.js';
import { hex } from '../../base/codes/code-table.js';

/** A whole L2CAP PDU: the basic header read, the payload as one buffer. */
export interface L2capPdu {
  handle: number;
  cid: number;
  /** The information payload, without the basic header. */
  payload: Buffer;
  /** How many ACL packets carried it. */
  fragments: number;
}

interface Pending {
  chunks: Buffer[];
  have: number;
  /** Total octets including the basic header; -1 while the header itself is incomplete. */
  need: number;
  fragments: number;
}

export type ReassemblyOutput = L2capPdu | Decoded<MalformedFields>;

export class L2capReassembler {
  private readonly pending = new Map<number, Pending>();

  /** Feed one ACL packet; whole PDUs and problems go to `out`. Never throws. */
  push(dir: Direction, acl: AclPacket, out: ReassemblyOutput[]): void {
    const key = acl.handle * 2 + (dir === 'tx' ? 0 : 1);
    const { handle, data } = acl;
    if (acl.packetBoundary === 0b11) {
      out.push(malformed('l2cap', 'HCI ACL Data', 'Packet_Boundary_Flag 0b11 is not allowed on LE-U', data, { handle }));
      return;
    }
    if (isAclStart(acl.packetBoundary)) {
      const stale = this.pending.get(key);
      if (stale) {
        this.pending.delete(key);
        out.push(this.incomplete(handle, stale, 'a new start fragment arrived'));
      }
      if (data.length >= L2CAP_HEADER_LENGTH) {
        const need = L2CAP_HEADER_LENGTH + data.readUInt16LE(0);
        if (data.length === need) {
          out.push(pdu(handle, data, 1));
          return;
        }
        if (data.length > need) {
          out.push(malformed('l2cap', 'L2CAP PDU', `ACL start carries ${data.length - L2CAP_HEADER_LENGTH} payload octets, the L2CAP Length says ${need - L2CAP_HEADER_LENGTH}`, data, { handle, cid: data.readUInt16LE(2) }));
          return;
        }
        this.pending.set(key, { chunks: [data], have: data.length, need, fragments: 1 });
      } else {
        this.pending.set(key, { chunks: [data], have: data.length, need: -1, fragments: 1 });
      }
      return;
    }
    // Continuing fragment.
    const p = this.pending.get(key);
    if (!p) {
      out.push(malformed('l2cap', 'L2CAP PDU', `ACL continuation without a start (${data.length} octets on handle ${hex(handle, 4)})`, data, { handle }));
      return;
    }
    p.chunks.push(data);
    p.have += data.length;
    p.fragments++;
    if (p.need < 0 && p.have >= L2CAP_HEADER_LENGTH) {
      const head = Buffer.concat(p.chunks);
      p.chunks = [head];
      p.need = L2CAP_HEADER_LENGTH + head.readUInt16LE(0);
    }
    if (p.need < 0 || p.have < p.need) return;
    this.pending.delete(key);
    const whole = p.chunks.length === 1 ? p.chunks[0]! : Buffer.concat(p.chunks, p.have);
    if (p.have > p.need) {
      out.push(malformed('l2cap', 'L2CAP PDU', `continuation overruns the L2CAP Length: ${p.have - L2CAP_HEADER_LENGTH} payload octets for ${p.need - L2CAP_HEADER_LENGTH}`, whole, { handle, cid: whole.readUInt16LE(2) }));
      return;
    }
    out.push(pdu(handle, whole, p.fragments));
  }

  /** The link is gone: report and drop any half-built PDUs on it. */
  drop(handle: number, why: string, out: ReassemblyOutput[]): void {
    for (const key of [handle * 2, handle * 2 + 1]) {
      const p = this.pending.get(key);
      if (p) {
        this.pending.delete(key);
        out.push(this.incomplete(handle, p, why));
      }
    }
  }

  private incomplete(handle: number, p: Pending, why: string): Decoded<MalformedFields> {
    const got = Buffer.concat(p.chunks, p.have);
    const of = p.need < 0 ? 'an incomplete header' : `${p.need - L2CAP_HEADER_LENGTH} payload octets`;
    return malformed('l2cap', 'L2CAP PDU', `incomplete PDU dropped (${why}): ${Math.max(0, p.have - L2CAP_HEADER_LENGTH)} octets of ${of}`, got, {
      handle,
      ...(got.length >= L2CAP_HEADER_LENGTH ? { cid: got.readUInt16LE(2) } : {}),
    });
  }
}

function pdu(handle: number, whole: Buffer, fragments: number): L2capPdu {
  return { handle, cid: whole.readUInt16LE(2), payload: whole.subarray(L2CAP_HEADER_LENGTH), fragments };
}
