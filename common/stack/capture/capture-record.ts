// What every capture reader yields, whatever the file's format: one record per record in the file, numbered
// as Wireshark numbers frames (1-based over all records, notes included), HCI packets always as H4 packets
// (indicator first), the same bytes the tap decodes.
import { H4 } from '../../base/codes/hci.js';
import type { Direction } from '../trace/timeline.js';
import type { LinkLayerPacket } from './link-layer.js';

export type HciKind = 'command' | 'event' | 'acl' | 'sco' | 'iso';

export const H4_OF_KIND: Readonly<Record<HciKind, number>> = { command: H4.COMMAND, event: H4.EVENT, acl: H4.ACL, sco: H4.SCO, iso: H4.ISO };

export function kindOfH4(indicator: number | undefined): HciKind | undefined {
  switch (indicator) {
    case H4.COMMAND:
      return 'command';
    case H4.EVENT:
      return 'event';
    case H4.ACL:
      return 'acl';
    case H4.SCO:
      return 'sco';
    case H4.ISO:
      return 'iso';
    default:
      return undefined;
  }
}

interface RecordBase {
  /** Wireshark's frame number: 1-based over every record of the file. */
  frame: number;
  /** ms since the Unix epoch (float, µs resolution). */
  unixMs: number;
  /** Controller index (btsnoop 2001, pcap 254); 0 elsewhere. */
  controller: number;
  /** Offset of the record in the (decompressed) file. */
  offset: number;
}

export interface HciRecord extends RecordBase {
  type: 'hci';
  kind: HciKind;
  /** tx host → controller, rx controller → host. */
  dir: Direction;
  /** False where the format does not say (pcap 187 ACL): dir is then a guess ('rx'). */
  dirKnown: boolean;
  /** The H4 packet: indicator, then the HCI packet. Owned by the record (a copy, not a view into the file). */
  packet: Buffer;
  /** The packet's length before the writer cut it (btsnoop orig_len, pcap orig_len), H4 indicator included. */
  originalLength: number;
}

/** Text the writer put in the capture: btmon notes and user logging, PacketLogger notes and syslog, index changes. */
export interface NoteRecord extends RecordBase {
  type: 'note';
  /** 'system note', 'user logging', 'new index', 'index info', 'syslog', 'note', 'kernel', … */
  source: string;
  /** As in the file; escape before showing it on a terminal. */
  text: string;
}

/** A link-layer (air) packet: nRF Sniffer, Ubertooth. */
export interface LinkLayerRecord extends RecordBase {
  type: 'll';
  ll: LinkLayerPacket;
}

/** A record this reader counts but does not interpret (LMP, vendor diagnostics, management socket). */
export interface OtherRecord extends RecordBase {
  type: 'other';
  what: string;
}

export type CaptureRecord = HciRecord | NoteRecord | LinkLayerRecord | OtherRecord;

export type CaptureFormat = 'btsnoop' | 'pklg' | 'pcap' | 'pcapng';

export interface CaptureInfo {
  format: CaptureFormat;
  /** In words: "btsnoop datalink 1002 (H4)", "PacketLogger, little-endian", "pcapng link type 201 (H4 with direction)". */
  variant: string;
  /** btsnoop datalink, or pcap/pcapng link type of the first interface. */
  linkType: number;
  gzip: boolean;
  /** PacketLogger: the byte order found from the length field; pcap/pcapng: the file's byte order. */
  byteOrder?: 'big' | 'little';
}

/** Where reading stopped because the file is damaged; records before it were read. */
export interface CaptureDamage {
  /** 1-based number of the record that could not be read. */
  record: number;
  /** Its offset in the (decompressed) file. */
  offset: number;
  problem: string;
}

/** Copy an HCI packet (without indicator) into a new H4 packet. */
export function h4Packet(kind: HciKind, hci: Buffer): Buffer {
  const p = Buffer.allocUnsafe(hci.length + 1);
  p[0] = H4_OF_KIND[kind];
  hci.copy(p, 1);
  return p;
}

/** The direction a packet kind implies (commands go down, events come up); ACL, SCO and ISO say nothing. */
export function impliedDirection(kind: HciKind): Direction | undefined {
  return kind === 'command' ? 'tx' : kind === 'event' ? 'rx' : undefined;
}
