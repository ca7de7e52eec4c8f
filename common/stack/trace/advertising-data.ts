// Advertising and scan response data: a sequence of length/type/data AD structures.
// Core v5.4 Vol 3 Part C 11 (format), Core Specification Supplement Part A 1 (data types).
import { DecodeProblem, uuidString } from './bytes.js';
import { hex } from '../../base/codes/code-table.js';

export interface AdStructure {
  type: number;
  typeName: string;
  data: Buffer;
}

const AD_TYPE_NAMES: Record<number, string> = {
  0x01: 'Flags',
  0x02: 'Incomplete List of 16-bit Service UUIDs',
  0x03: 'Complete List of 16-bit Service UUIDs',
  0x04: 'Incomplete List of 32-bit Service UUIDs',
  0x05: 'Complete List of 32-bit Service UUIDs',
  0x06: 'Incomplete List of 128-bit Service UUIDs',
  0x07: 'Complete List of 128-bit Service UUIDs',
  0x08: 'Shortened Local Name',
  0x09: 'Complete Local Name',
  0x0a: 'Tx Power Level',
  0x12: 'Peripheral Connection Interval Range',
  0x14: 'List of 16-bit Service Solicitation UUIDs',
  0x15: 'List of 128-bit Service Solicitation UUIDs',
  0x16: 'Service Data - 16-bit UUID',
  0x19: 'Appearance',
  0x1a: 'Advertising Interval',
  0x1b: 'LE Bluetooth Device Address',
  0x1c: 'LE Role',
  0x20: 'Service Data - 32-bit UUID',
  0x21: 'Service Data - 128-bit UUID',
  0x24: 'URI',
  0xff: 'Manufacturer Specific Data',
};

export function adTypeName(t: number): string {
  return AD_TYPE_NAMES[t] ?? `AD Type ${hex(t)}`;
}

/**
 * Split `data` into AD structures. A zero length octet ends the significant part (the rest is padding,
 * Vol 3 Part C 11). Throws DecodeProblem when a structure runs past the end.
 */
export function parseAdStructures(data: Buffer): AdStructure[] {
  const out: AdStructure[] = [];
  let i = 0;
  while (i < data.length) {
    const len = data[i]!;
    if (len === 0) break;
    if (i + 1 + len > data.length) throw new DecodeProblem(`AD structure at offset ${i} says ${len} octets, ${data.length - i - 1} left`);
    const type = data[i + 1]!;
    out.push({ type, typeName: adTypeName(type), data: data.subarray(i + 2, i + 1 + len) });
    i += 1 + len;
  }
  return out;
}

/** The local name, service UUIDs and flags the structures carry, for summaries and scanners. */
export function adHighlights(ads: readonly AdStructure[]): { localName?: string; serviceUuids: string[]; flags?: number } {
  const h: { localName?: string; serviceUuids: string[]; flags?: number } = { serviceUuids: [] };
  for (const ad of ads) {
    if (ad.type === 0x08 || ad.type === 0x09) h.localName = ad.data.toString('utf8');
    else if (ad.type === 0x01 && ad.data.length) h.flags = ad.data[0]!;
    else if (ad.type >= 0x02 && ad.type <= 0x07) {
      const size = ad.type <= 0x03 ? 2 : ad.type <= 0x05 ? 4 : 16;
      for (let o = 0; o + size <= ad.data.length; o += size) h.serviceUuids.push(uuidString(ad.data.subarray(o, o + size)));
    }
  }
  return h;
}

export function adSummary(ads: readonly AdStructure[]): string {
  const h = adHighlights(ads);
  const parts: string[] = [];
  if (h.flags !== undefined) parts.push(`flags ${hex(h.flags)}`);
  if (h.localName !== undefined) parts.push(`name "${h.localName}"`);
  if (h.serviceUuids.length) parts.push(`services ${h.serviceUuids.join(' ')}`);
  const others = ads.filter((a) => !(a.type >= 0x02 && a.type <= 0x09) && a.type !== 0x01).map((a) => a.typeName);
  if (others.length) parts.push(others.join(', '));
  return parts.join(', ') || `${ads.length} AD structures`;
}
