// One pcap/pcapng packet's data → a capture record, by link type: 187 H4 (no direction), 201 H4 after a
// 4-octet big-endian direction word, 254 Linux monitor (adapter id u16 BE, opcode u16 BE), 251/256/272 air.
// tcpdump link-type registry; Wireshark pcap-common.c (LIBPCAP_BT_PHDR_SENT/RECV).
import { BT_PHDR_RECEIVED, LINKTYPE } from '../../base/codes/capture.js';
import { impliedDirection, kindOfH4, type CaptureRecord } from './capture-record.js';
import type { LinkLayerSession } from './link-layer.js';
import { monitorRecord } from './monitor.js';
import { hex } from '../../base/codes/code-table.js';

export const LINKTYPE_WORDS: Readonly<Record<number, string>> = {
  [LINKTYPE.BLUETOOTH_HCI_H4]: '187 (H4, no direction)',
  [LINKTYPE.BLUETOOTH_HCI_H4_WITH_PHDR]: '201 (H4 with direction)',
  [LINKTYPE.BLUETOOTH_LINUX_MONITOR]: '254 (Linux monitor)',
  [LINKTYPE.BLUETOOTH_LE_LL]: '251 (LE link layer)',
  [LINKTYPE.BLUETOOTH_LE_LL_WITH_PHDR]: '256 (LE link layer with radio header)',
  [LINKTYPE.NORDIC_BLE]: '272 (nRF Sniffer)',
};

export interface PacketPlace {
  frame: number;
  unixMs: number;
  offset: number;
  /** The packet's original length (before the writer cut it). */
  originalLength: number;
}

export function pcapPacketRecord(linkType: number, data: Buffer, at: PacketPlace, ll: LinkLayerSession): CaptureRecord {
  const base = { frame: at.frame, unixMs: at.unixMs, controller: 0, offset: at.offset };
  switch (linkType) {
    case LINKTYPE.BLUETOOTH_HCI_H4:
    case LINKTYPE.BLUETOOTH_HCI_H4_WITH_PHDR: {
      const phdr = linkType === LINKTYPE.BLUETOOTH_HCI_H4_WITH_PHDR ? 4 : 0;
      if (data.length < phdr + 1) return { ...base, type: 'other', what: 'packet too short for its header' };
      const h4 = data.subarray(phdr);
      const kind = kindOfH4(h4[0]);
      if (!kind) return { ...base, type: 'other', what: `unknown H4 indicator ${hex(h4[0]!)}` };
      const originalLength = at.originalLength - phdr;
      if (phdr) {
        const dir = data.readUInt32BE(0) & BT_PHDR_RECEIVED ? 'rx' : 'tx';
        return { frame: at.frame, unixMs: at.unixMs, controller: 0, offset: at.offset, type: 'hci', kind, dir, dirKnown: true, packet: Buffer.from(h4), originalLength };
      }
      const implied = impliedDirection(kind);
      return { ...base, type: 'hci', kind, dir: implied ?? 'rx', dirKnown: implied !== undefined, packet: Buffer.from(h4), originalLength };
    }
    case LINKTYPE.BLUETOOTH_LINUX_MONITOR: {
      if (data.length < 4) return { ...base, type: 'other', what: 'packet too short for the monitor header' };
      return monitorRecord(data.readUInt16BE(2), data.readUInt16BE(0), data.subarray(4), { ...at, originalLength: at.originalLength - 4 });
    }
    default:
      return { ...base, type: 'll', ll: ll.decode(linkType, data) };
  }
}
