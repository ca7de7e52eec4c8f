// Test-only hooks on a host's HCI seam that make its SMP misbehave without touching the stack:
// the packets between bleno and its controller are rewritten. Core v5.4 Vol 4 Part E 5.4.2 (ACL
// header), Vol 3 Part A 3.1 (L2CAP basic header), Vol 3 Part H 3.3 (SMP).
import { H4 } from '../../common/base/codes/hci.js';
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import { SMP_CODE } from '../../common/base/codes/smp.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import type { HciSocketApi } from '../../common/stack/hci/socket-api.js';

/** H4 indicator, handle+flags (2), data length (2), L2CAP length (2), CID (2). */
const L2CAP_PAYLOAD_AT = 9;
const HANDLE_MASK = 0x0fff;

const smpOf = (p: Buffer) => (p[0] === H4.ACL && p.length > L2CAP_PAYLOAD_AT && p.readUInt16LE(7) === L2CAP_CID.SMP ? p.subarray(L2CAP_PAYLOAD_AT) : undefined);

function smpPacket(handle: number, payload: Buffer): Buffer {
  const p = Buffer.alloc(L2CAP_PAYLOAD_AT + payload.length);
  p[0] = H4.ACL;
  p.writeUInt16LE(handle & HANDLE_MASK, 1); // PB 0b00 first non-flushable, BC 0b00
  p.writeUInt16LE(payload.length + 4, 3);
  p.writeUInt16LE(payload.length, 5);
  p.writeUInt16LE(L2CAP_CID.SMP, 7);
  payload.copy(p, L2CAP_PAYLOAD_AT);
  return p;
}

interface Rewrite {
  /** From the controller to the host: return false to keep it from the host. */
  inbound?(packet: Buffer, socket: HciSocketApi): boolean;
  /** From the host to the controller: the packet to send instead (or undefined to drop it). */
  outbound?(packet: Buffer): Buffer | undefined;
}

function rewriteSockets(transport: HciTransport, r: Rewrite): void {
  const create = transport.createSocket.bind(transport);
  transport.createSocket = () => {
    const s = create();
    const emit = s.emit.bind(s) as (ev: string, ...a: unknown[]) => boolean;
    (s as unknown as { emit: typeof emit }).emit = (ev, ...a) => (ev === 'data' && r.inbound && !r.inbound(a[0] as Buffer, s) ? true : emit(ev, ...a));
    const write = s.write.bind(s);
    s.write = (p: Buffer) => {
      const out = r.outbound ? r.outbound(p) : p;
      if (out) write(out);
    };
    return s;
  };
}

/** The host answers every Pairing Request with Pairing Failed `reason` (as a device without pairing does). */
export function refusePairing(transport: HciTransport, reason: number): void {
  rewriteSockets(transport, {
    inbound(p, s) {
      const smp = smpOf(p);
      if (smp?.[0] !== SMP_CODE.PAIRING_REQUEST) return true;
      s.write(smpPacket(p.readUInt16LE(1), Buffer.from([SMP_CODE.PAIRING_FAILED, reason])));
      return false;
    },
  });
}

/**
 * The host's Pairing Confirm is corrupted on its way out, so the central's confirm check fails; the
 * 2-octet "Pairing Random" noble then sends is kept from bleno (whose SMP would throw on it).
 */
export function corruptPairingConfirm(transport: HciTransport): void {
  rewriteSockets(transport, {
    outbound(p) {
      const smp = smpOf(p);
      if (smp?.[0] !== SMP_CODE.PAIRING_CONFIRM) return p;
      const bad = Buffer.from(p);
      bad[bad.length - 1]! ^= 0xff;
      return bad;
    },
    inbound(p) {
      const smp = smpOf(p);
      return !(smp && smp[0] === SMP_CODE.PAIRING_RANDOM && smp.length !== 17);
    },
  });
}
