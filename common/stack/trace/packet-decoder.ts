// One road from H4 packet to timeline entries: HCI → ACL reassembly → L2CAP channel → ATT / SMP / LE signaling.
// Stateful only for reassembly. Never throws: whatever does not parse becomes a malformed entry.
import { hex } from '../../base/codes/code-table.js';
import { EVT, H4 } from '../../base/codes/hci.js';
import { L2CAP_CID, cidName } from '../../base/codes/l2cap.js';
import { preview } from './bytes.js';
import { decodeAttForTimeline } from './att-decode.js';
import { aclEntry, decodeCommandOrEvent, decodeScoOrIso, parseAcl } from './hci-decode.js';
import { L2capReassembler, type ReassemblyOutput } from './l2cap-reassembly.js';
import { decodeLeSignaling } from './signaling-decode.js';
import { decodeSmp } from './smp-decode.js';
import { decoded, emptyScratch, malformed, type Decoded, type Direction, type Summarizer } from './timeline.js';

export interface DecoderOptions {
  /**
   * Also put one 'hci-acl' entry per ACL packet on the timeline, before the upper-layer entries its data
   * completes. Default false: the timeline shows each L2CAP PDU once, decoded (att, smp, l2cap-sig, l2cap),
   * however many ACL fragments carried it; malformed fragments always show.
   */
  aclEntries?: boolean;
}

/** Data on a channel this decoder does not interpret (dynamic credit based channels, BR/EDR channels). Vol 3 Part A 3.1. */
export interface L2capDataFields {
  cid: number;
  cidName: string;
  length: number;
  fragments: number;
  payload: Buffer;
}

const l2capSummary: Summarizer<L2capDataFields> = (f) => `CID ${hex(f.cid, 4)} (${f.cidName}), ${preview(f.payload)}`;

export class PacketDecoder {
  private readonly reassembler = new L2capReassembler();
  private readonly l2out: ReassemblyOutput[] = [];

  constructor(private readonly options: DecoderOptions = {}) {}

  /** Decode one H4 packet; entries go to `out` in timeline order. */
  decode(dir: Direction, packet: Buffer, out: Decoded<object>[]): void {
    try {
      this.decodeUnsafe(dir, packet, out);
    } catch (e) {
      // A decoder bug must not take the seam down; it shows up on the timeline instead.
      out.push(malformed(layerOf(packet), 'HCI Packet', `decoder error: ${e instanceof Error ? e.message : String(e)}`, packet));
    }
  }

  private decodeUnsafe(dir: Direction, packet: Buffer, out: Decoded<object>[]): void {
    if (packet.length === 0) {
      out.push(malformed('hci-cmd', 'HCI Packet', 'empty packet: no H4 indicator', packet));
      return;
    }
    switch (packet[0]) {
      case H4.COMMAND:
      case H4.EVENT: {
        const d = decodeCommandOrEvent(packet);
        out.push(d);
        // A disconnected handle may be reused: drop half-built PDUs. Vol 4 Part E 7.7.5.
        if (d.layer === 'hci-evt' && packet[1] === EVT.DISCONNECTION_COMPLETE && (d.fields as { status?: number }).status === 0 && d.handle !== undefined) {
          this.reassembler.drop(d.handle, 'the link disconnected', this.l2out);
          this.flushL2(out);
        }
        return;
      }
      case H4.ACL: {
        const acl = parseAcl(packet);
        if (!('data' in acl)) {
          out.push(acl);
          return;
        }
        if (this.options.aclEntries) out.push(aclEntry(acl, packet));
        this.reassembler.push(dir, acl, this.l2out);
        this.flushL2(out);
        return;
      }
      case H4.SCO:
      case H4.ISO:
        out.push(decodeScoOrIso(packet));
        return;
      default:
        out.push(malformed('hci-cmd', 'HCI Packet', `unknown H4 packet indicator ${hex(packet[0]!)}`, packet, { code: packet[0]! }));
    }
  }

  private flushL2(out: Decoded<object>[]): void {
    const l2 = this.l2out;
    for (let i = 0; i < l2.length; i++) {
      const item = l2[i]!;
      out.push('cid' in item && 'payload' in item ? decodePdu(item.handle, item.cid, item.payload, item.fragments) : item);
    }
    emptyScratch(l2);
  }
}

/** Route a whole L2CAP PDU by channel. Vol 3 Part A 2.1. */
export function decodePdu(handle: number, cid: number, payload: Buffer, fragments = 1): Decoded<object> {
  switch (cid) {
    case L2CAP_CID.ATT:
      return decodeAttForTimeline(payload, handle);
    case L2CAP_CID.SMP:
      return decodeSmp(payload, handle);
    case L2CAP_CID.LE_SIGNALING:
      return decodeLeSignaling(payload, handle);
    case L2CAP_CID.NULL:
      return malformed('l2cap', 'L2CAP PDU', 'CID 0x0000 is never used', payload, { handle, cid });
    default: {
      const fields: L2capDataFields = { cid, cidName: cidName(cid), length: payload.length, fragments, payload };
      return decoded('l2cap', 'L2CAP Data', fields, payload, l2capSummary, handle);
    }
  }
}

function layerOf(packet: Buffer): 'hci-cmd' | 'hci-evt' | 'hci-acl' | 'hci-sco' | 'hci-iso' {
  switch (packet[0]) {
    case H4.EVENT:
      return 'hci-evt';
    case H4.ACL:
      return 'hci-acl';
    case H4.SCO:
      return 'hci-sco';
    case H4.ISO:
      return 'hci-iso';
    default:
      return 'hci-cmd';
  }
}
