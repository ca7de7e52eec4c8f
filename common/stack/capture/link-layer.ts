// Link-layer (air) packets from pcap link types 251, 256 and 272 (nRF Sniffer): advertising, CONNECT_IND,
// LL control PDUs, and L2CAP (SMP, ATT) while the link is not encrypted. After LL_START_ENC the payload is
// ciphertext with a MIC: it cannot be read without the key, and the record says so.
// Core v5.4 Vol 6 Part B 2.3 (advertising PDUs), 2.4 (data PDUs), 2.4.2 (LL control PDUs), 5.1.3 (encryption start);
// tcpdump LINKTYPE_BLUETOOTH_LE_LL(_WITH_PHDR), LINKTYPE_NORDIC_BLE; Wireshark packet-nordic_ble.c.
import { LE_LL_PHDR_FLAG_DECRYPTED, LE_LL_PHDR_LENGTH, LINKTYPE, NORDIC_BLE_HEADER_LENGTH, NORDIC_FLAG_CENTRAL_TO_PERIPHERAL, NORDIC_FLAG_ENCRYPTED, NORDIC_FLAG_MIC_OK, NORDIC_HEADER_LENGTH } from '../../base/codes/capture.js';
import { ADV_PDU_CONNECT_IND, LLID, LL_ADVERTISING_ACCESS_ADDRESS, LL_CONTROL, advPduTypeName, llControlName } from '../../base/codes/ll.js';
import { hciStatus } from '../../base/codes/hci.js';
import { addressString } from '../trace/bytes.js';
import { decodePdu } from '../trace/packet-decoder.js';
import type { Decoded } from '../trace/timeline.js';
import { hex } from '../../base/codes/code-table.js';

export type LinkLayerPdu =
  | { kind: 'advertising'; pduType: number; name: string; advA?: string; initA?: string; txRandom: boolean; rxRandom: boolean; connectionAccessAddress?: number }
  | { kind: 'control'; opcode: number; name: string; detail: string; errorCode?: number; rejectedOpcode?: number; ediv?: number; rand?: string }
  | { kind: 'l2cap'; cid: number; decoded?: Decoded<object>; fragment: boolean }
  | { kind: 'empty' }
  | { kind: 'encrypted'; length: number }
  | { kind: 'unreadable'; problem: string };

export interface LinkLayerPacket {
  accessAddress: number;
  channel?: number;
  /** nRF Sniffer only: the sender. */
  sender?: 'central' | 'peripheral';
  pdu: LinkLayerPdu;
  /** One line for humans. */
  summary: string;
}

/** Per access address: has encryption started? */
export class LinkLayerSession {
  private readonly encrypting = new Map<number, boolean>();

  /** Decode one record's data for a link-layer link type. */
  decode(linkType: number, data: Buffer): LinkLayerPacket {
    let o = 0;
    let channel: number | undefined;
    let sender: LinkLayerPacket['sender'];
    let decrypted = false;
    if (linkType === LINKTYPE.BLUETOOTH_LE_LL_WITH_PHDR) {
      // rf_channel, signal, noise, AA offenses, reference AA (4), flags (2 LE). 0x0008: decrypted.
      if (data.length < LE_LL_PHDR_LENGTH) return unreadable(0, `the LE_LL_WITH_PHDR header needs ${LE_LL_PHDR_LENGTH} octets`);
      channel = data[0]!;
      decrypted = (data.readUInt16LE(8) & LE_LL_PHDR_FLAG_DECRYPTED) !== 0;
      o = LE_LL_PHDR_LENGTH;
    } else if (linkType === LINKTYPE.NORDIC_BLE) {
      // board (1), Nordic header (6), BLE header: length (1, normally 10), flags, channel, RSSI, event counter (2), time (4).
      if (data.length < NORDIC_HEADER_LENGTH + 1) return unreadable(0, 'the nRF Sniffer header is cut short');
      const bleHeaderLength = data[NORDIC_HEADER_LENGTH]! || NORDIC_BLE_HEADER_LENGTH;
      const flags = data[NORDIC_HEADER_LENGTH + 1] ?? 0;
      channel = data[NORDIC_HEADER_LENGTH + 2];
      sender = flags & NORDIC_FLAG_CENTRAL_TO_PERIPHERAL ? 'central' : 'peripheral';
      decrypted = (flags & NORDIC_FLAG_ENCRYPTED) !== 0 && (flags & NORDIC_FLAG_MIC_OK) !== 0;
      o = NORDIC_HEADER_LENGTH + bleHeaderLength;
    }
    if (data.length - o < 4 + 2) return unreadable(0, 'the packet is shorter than an access address and a PDU header');
    const aa = data.readUInt32LE(o);
    const header = data[o + 4]!;
    const length = data[o + 5]!;
    const payload = data.subarray(o + 6, Math.min(o + 6 + length, data.length)); // the CRC (3 octets) follows, when captured
    const base = { accessAddress: aa, ...(channel !== undefined ? { channel } : {}), ...(sender ? { sender } : {}) };
    if (payload.length < length) return { ...base, pdu: { kind: 'unreadable', problem: `PDU says ${length} octets, ${payload.length} present` }, summary: 'LL PDU cut short' };
    if (aa === LL_ADVERTISING_ACCESS_ADDRESS) return { ...base, ...advertising(header, payload) };
    return { ...base, ...this.data(aa, header, payload, decrypted) };
  }

  private data(aa: number, header: number, payload: Buffer, decrypted: boolean): Pick<LinkLayerPacket, 'pdu' | 'summary'> {
    const llid = header & 0x03;
    if (payload.length === 0) return { pdu: { kind: 'empty' }, summary: 'LL empty PDU' };
    if (this.encrypting.get(aa) && !decrypted) {
      return { pdu: { kind: 'encrypted', length: payload.length }, summary: `encrypted LL PDU (${payload.length} octets with MIC): cannot be read without the key` };
    }
    if (llid === LLID.CONTROL) {
      const c = control(payload);
      if (c.opcode === LL_CONTROL.START_ENC_REQ) this.encrypting.set(aa, true); // Vol 6 Part B 5.1.3.1: what follows is encrypted
      if (c.opcode === LL_CONTROL.PAUSE_ENC_RSP || c.opcode === LL_CONTROL.TERMINATE_IND) this.encrypting.set(aa, false);
      return { pdu: c, summary: c.detail ? `${c.name}: ${c.detail}` : c.name };
    }
    if (llid === LLID.START && payload.length >= 4) {
      const l2len = payload.readUInt16LE(0);
      const cid = payload.readUInt16LE(2);
      const body = payload.subarray(4);
      if (body.length < l2len) return { pdu: { kind: 'l2cap', cid, fragment: true }, summary: `L2CAP start fragment, CID ${hex(cid, 4)}` };
      const d = decodePdu(0, cid, body.subarray(0, l2len));
      return { pdu: { kind: 'l2cap', cid, decoded: d, fragment: false }, summary: d.name };
    }
    return { pdu: { kind: 'l2cap', cid: 0, fragment: true }, summary: 'L2CAP continuation fragment' };
  }
}

function unreadable(aa: number, problem: string): LinkLayerPacket {
  return { accessAddress: aa, pdu: { kind: 'unreadable', problem }, summary: `unreadable LL packet: ${problem}` };
}

function advertising(header: number, p: Buffer): Pick<LinkLayerPacket, 'pdu' | 'summary'> {
  const pduType = header & 0x0f;
  const txRandom = (header & 0x40) !== 0;
  const rxRandom = (header & 0x80) !== 0;
  const name = advPduTypeName(pduType);
  if (pduType === ADV_PDU_CONNECT_IND && p.length >= 16) {
    const initA = addressString(p.subarray(0, 6));
    const advA = addressString(p.subarray(6, 12));
    const aa = p.readUInt32LE(12);
    return {
      pdu: { kind: 'advertising', pduType, name, initA, advA, txRandom, rxRandom, connectionAccessAddress: aa },
      summary: `${name}: ${initA} connects to ${advA}, access address ${hex(aa, 8)}`,
    };
  }
  const advA = p.length >= 6 ? addressString(p.subarray(0, 6)) : undefined;
  return { pdu: { kind: 'advertising', pduType, name, ...(advA ? { advA } : {}), txRandom, rxRandom }, summary: advA ? `${name} from ${advA}` : name };
}

function control(p: Buffer): Extract<LinkLayerPdu, { kind: 'control' }> {
  const opcode = p[0]!;
  const name = llControlName(opcode);
  const err = (code: number | undefined) => (code === undefined ? '' : `${hex(code)} ${hciStatus(code).name}`);
  switch (opcode) {
    case LL_CONTROL.TERMINATE_IND:
      return { kind: 'control', opcode, name, detail: `reason ${err(p[1])}`, ...(p[1] !== undefined ? { errorCode: p[1] } : {}) };
    case LL_CONTROL.REJECT_IND:
      return { kind: 'control', opcode, name, detail: err(p[1]), ...(p[1] !== undefined ? { errorCode: p[1] } : {}) };
    case LL_CONTROL.REJECT_EXT_IND:
      return {
        kind: 'control',
        opcode,
        name,
        detail: `${p[1] !== undefined ? llControlName(p[1]) : '?'} rejected with ${err(p[2])}`,
        ...(p[1] !== undefined ? { rejectedOpcode: p[1] } : {}),
        ...(p[2] !== undefined ? { errorCode: p[2] } : {}),
      };
    case LL_CONTROL.ENC_REQ: {
      if (p.length < 11) return { kind: 'control', opcode, name, detail: 'cut short' };
      const rand = p.subarray(1, 9).toString('hex');
      const ediv = p.readUInt16LE(9);
      const sc = ediv === 0 && /^0+$/.test(rand);
      return { kind: 'control', opcode, name, detail: `EDIV ${hex(ediv, 4)}, Rand ${rand}${sc ? ' (zero: an LE Secure Connections key, or a zeroed one)' : ''}`, ediv, rand };
    }
    default:
      return { kind: 'control', opcode, name, detail: '' };
  }
}
