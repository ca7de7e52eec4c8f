// The ACL data path: host -> controller packets checked against the LE buffer size and count,
// routed to the peer controller's host keeping L2CAP fragment boundaries, Number Of Completed
// Packets to the sender as packets leave. The fault plan is asked once per L2CAP PDU start.
// Core v5.4 Vol 4 Part E 4.1 (flow control), 5.4.2 (ACL packet), 7.7.19, 7.7.26.
import { ACL_BC, ACL_PB, ROLE } from '../../base/codes/hci.js';
import { dataBufferOverflow, LINK_TYPE_ACL } from './events.js';
import { dropLink } from './connection.js';
import type { VirtualController } from './controller.js';
import { corruptPayload } from './faults.js';
import type { AclChannel, LinkEnd } from './link.js';

/** Indicator(1) + Handle/flags(2) + Data_Total_Length(2). */
export const ACL_HEADER_LENGTH = 5;
/** L2CAP basic header: Length(2) + Channel ID(2). Vol 3 Part A 3.1. */
const L2CAP_HEADER_LENGTH = 4;
const HANDLE_MASK = 0x0fff;
const PB_SHIFT = 12;
const BC_SHIFT = 14;
const PB_COMPLETE_PDU = 0b11; // not allowed on LE-U host -> controller

/** One ACL packet from a host. Never throws: bad packets are counted and dropped. */
export function hostAcl(c: VirtualController, packet: Buffer): void {
  if (packet.length < ACL_HEADER_LENGTH) return void c.counters.malformed++;
  const hf = packet.readUInt16LE(1);
  const handle = hf & HANDLE_MASK;
  const pb = (hf >> PB_SHIFT) & 0b11;
  const bc = (hf >> BC_SHIFT) & 0b11;
  const length = packet.readUInt16LE(3);
  if (length !== packet.length - ACL_HEADER_LENGTH || bc !== ACL_BC.POINT_TO_POINT || pb === PB_COMPLETE_PDU) {
    return void c.counters.malformed++;
  }
  // Longer than LE Read Buffer Size allows: the host broke the rules; drop it (Vol 4 Part E 4.1.1)
  if (length > c.options.aclBufferSize) return void c.counters.aclTooLong++;
  // More packets than buffers: Data Buffer Overflow (7.7.26)
  if (c.aclInFlight >= c.options.aclBufferCount) {
    c.counters.aclOverflow++;
    c.send(dataBufferOverflow(LINK_TYPE_ACL));
    return;
  }
  const end = c.links.get(handle);
  if (!end) return void c.counters.aclUnknownHandle++;
  end.inFlight++;
  c.aclInFlight++;

  const channel = end.outbound;
  const start = pb !== ACL_PB.CONTINUING;
  let delayMs: number | undefined;
  if (start) {
    channel.droppingPdu = false;
    channel.corrupting = undefined; // a new PDU before the last one was complete: that one is lost
    if (!c.radio.faults.empty && length >= L2CAP_HEADER_LENGTH) {
      const action = c.radio.faults.onAcl({
        from: c.address,
        direction: end.role === ROLE.CENTRAL ? 'central-to-peripheral' : 'peripheral-to-central',
        cid: packet.readUInt16LE(ACL_HEADER_LENGTH + 2),
        payload: packet.subarray(ACL_HEADER_LENGTH + L2CAP_HEADER_LENGTH),
      });
      if (action?.kind === 'disconnect') return dropLink(end.link, action.reason);
      if (action?.kind === 'drop') channel.droppingPdu = true;
      if (action?.kind === 'delay') delayMs = action.ms;
      if (action?.kind === 'corrupt') {
        const data = packet.subarray(ACL_HEADER_LENGTH);
        channel.corrupting = {
          action,
          indicator: packet[0]!,
          parts: [],
          have: 0,
          total: L2CAP_HEADER_LENGTH + packet.readUInt16LE(ACL_HEADER_LENGTH),
          fragmentSize: Math.max(data.length, L2CAP_HEADER_LENGTH + 1),
        };
      }
    }
  }
  if (channel.corrupting) return absorbCorrupted(c, end, channel, packet);
  if (channel.droppingPdu) {
    c.counters.aclFaultDropped++;
    c.markCompleted(end); // it left this controller; it was lost on air
    return;
  }
  // Towards the receiving host: first fragments are "first automatically flushable" (0b10)
  const out = Buffer.from(packet);
  out.writeUInt16LE((end.peer.handle & HANDLE_MASK) | ((start ? ACL_PB.FIRST_FLUSHABLE : ACL_PB.CONTINUING) << PB_SHIFT), 1);
  if (delayMs !== undefined || channel.held.length > 0) {
    channel.held.push({ from: end, packet: out, ...(delayMs !== undefined ? { delayMs } : {}) });
    pump(channel);
    return;
  }
  deliver(end, out);
}

function deliver(from: LinkEnd, packet: Buffer, counted = false): void {
  if (!from.link.open) return;
  from.peer.controller.send(packet);
  if (!counted) from.controller.markCompleted(from);
}

/** One fragment of a PDU a corrupt fault fired on: gather it; once whole, alter it and send it on. */
function absorbCorrupted(c: VirtualController, end: LinkEnd, channel: AclChannel, packet: Buffer): void {
  const pdu = channel.corrupting!;
  const data = packet.subarray(ACL_HEADER_LENGTH);
  pdu.parts.push(Buffer.from(data));
  pdu.have += data.length;
  c.markCompleted(end); // it left this controller; what arrives is built below
  if (pdu.have < pdu.total) return;
  channel.corrupting = undefined;
  const whole = Buffer.concat(pdu.parts).subarray(0, pdu.total);
  const payload = corruptPayload(whole.subarray(L2CAP_HEADER_LENGTH), pdu.action);
  const l2cap = Buffer.concat([Buffer.alloc(L2CAP_HEADER_LENGTH), payload]);
  l2cap.writeUInt16LE(payload.length, 0);
  l2cap.writeUInt16LE(whole.readUInt16LE(2), 2);
  for (let off = 0; off < l2cap.length; off += pdu.fragmentSize) {
    const chunk = l2cap.subarray(off, off + pdu.fragmentSize);
    const out = Buffer.alloc(ACL_HEADER_LENGTH + chunk.length);
    out[0] = pdu.indicator;
    out.writeUInt16LE((end.peer.handle & HANDLE_MASK) | ((off === 0 ? ACL_PB.FIRST_FLUSHABLE : ACL_PB.CONTINUING) << PB_SHIFT), 1);
    out.writeUInt16LE(chunk.length, 3);
    chunk.copy(out, ACL_HEADER_LENGTH);
    if (channel.held.length > 0) {
      channel.held.push({ from: end, packet: out, counted: true });
      pump(channel);
    } else deliver(end, out, true);
  }
}

/** Deliver held packets in order, pausing at each packet a delay fault fired on. */
function pump(channel: AclChannel): void {
  if (channel.waiting) return;
  while (channel.held.length > 0) {
    const next = channel.held[0]!;
    if (next.delayMs !== undefined) {
      const ms = next.delayMs;
      delete next.delayMs;
      channel.waiting = true;
      channel.cancelWait = next.from.controller.radio.timers.after(ms, () => {
        channel.waiting = false;
        channel.cancelWait = undefined;
        pump(channel);
      });
      return;
    }
    channel.held.shift();
    deliver(next.from, next.packet, next.counted);
  }
}
