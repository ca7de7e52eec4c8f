// A small declarative layout for fixed HCI parameter lists: each entry names a field and how to read it.
// One layout gives both the parser and a generic one-line summary. Core v5.4 Vol 4 Part E 5.2 (little-endian
// parameters), 5.3.1 (Connection_Handle: 12 bits), 7 (parameter tables).
import { hex } from '../../base/codes/code-table.js';
import { hciStatus } from '../../base/codes/hci.js';
import { ByteReader } from './bytes.js';
import type { Summarizer } from './timeline.js';

/**
 * How a field is read:
 * - u8/i8/u16/u24/u32: integers; 'handle': a 12-bit connection handle
 * - 'status': an HCI status/error code, plus `<name>Name` (e.g. status → statusName, reason → reasonName)
 * - 'addrType': an address type, plus `<name>Name`; 'role': central/peripheral, plus `roleName`
 * - 'addr': a device address string; 'bool': 0x00 false, anything else true
 * - 'hex:N': N octets as hex (wire order); 'rest': the remaining octets as a Buffer
 */
export type FieldKind = 'u8' | 'i8' | 'u16' | 'u24' | 'u32' | 'handle' | 'status' | 'addrType' | 'role' | 'addr' | 'bool' | `hex:${number}` | 'rest';
export type Layout = ReadonlyArray<readonly [string, FieldKind]>;

const ADDRESS_TYPE_NAMES = ['public', 'random', 'public identity', 'random identity'];
export function addressTypeName(t: number): string {
  return ADDRESS_TYPE_NAMES[t] ?? (t === 0xff ? 'anonymous' : `reserved (${hex(t)})`);
}
export function roleName(r: number): 'central' | 'peripheral' | 'reserved' {
  return r === 0 ? 'central' : r === 1 ? 'peripheral' : 'reserved';
}

/** Read `layout` from `r` into `into`. Throws DecodeProblem when octets run out. */
export function readLayout(r: ByteReader, layout: Layout, into: Record<string, unknown>): void {
  for (const [name, kind] of layout) {
    switch (kind) {
      case 'u8':
        into[name] = r.u8(name);
        break;
      case 'i8':
        into[name] = r.i8(name);
        break;
      case 'u16':
        into[name] = r.u16(name);
        break;
      case 'u24':
        into[name] = r.u24(name);
        break;
      case 'u32':
        into[name] = r.u32(name);
        break;
      case 'handle':
        into[name] = r.u16(name) & 0x0fff;
        break;
      case 'status': {
        const v = r.u8(name);
        into[name] = v;
        into[name + 'Name'] = hciStatus(v).name;
        break;
      }
      case 'addrType': {
        const v = r.u8(name);
        into[name] = v;
        into[name + 'Name'] = addressTypeName(v);
        break;
      }
      case 'role': {
        const v = r.u8(name);
        into[name] = v;
        into[name + 'Name'] = roleName(v);
        break;
      }
      case 'addr':
        into[name] = r.address(name);
        break;
      case 'bool':
        into[name] = r.u8(name) !== 0;
        break;
      case 'rest':
        into[name] = r.rest();
        break;
      default:
        into[name] = r.hex(Number(kind.slice(4)), name);
    }
  }
}

/** 'connectionInterval' → 'connection interval'. */
export function label(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** One field as text for a summary. */
export function fieldText(f: Record<string, unknown>, name: string, kind: FieldKind): string {
  const v = f[name];
  switch (kind) {
    case 'handle':
      return `${label(name)} ${hex(v as number, 4)}`;
    case 'status':
      return `${label(name)} ${hex(v as number)} ${String(f[name + 'Name'])}`;
    case 'addrType':
      return `${label(name)} ${String(f[name + 'Name'])}`;
    case 'role':
      return `role ${String(f[name + 'Name'])}`;
    case 'bool':
      return `${label(name)} ${v ? 'on' : 'off'}`;
    case 'rest':
      return `${label(name)} ${(v as Buffer).length ? (v as Buffer).toString('hex') : '(empty)'}`;
    default:
      return `${label(name)} ${String(v)}`;
  }
}

/** A summarizer listing every field of the layout, in order. */
export function layoutSummary(layout: Layout): Summarizer<Record<string, unknown>> {
  return (f) => layout.map(([name, kind]) => fieldText(f, name, kind)).join(', ');
}
