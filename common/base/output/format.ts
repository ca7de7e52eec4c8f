// One spelling per kind of number, in every text blebench prints (tables, reasons, the console,
// explain, the tap's narration): UUIDs as 0x2A00 (16-bit), 0x0000FEED (32-bit) or dashed uppercase
// (128-bit), as nRF Connect and the Core spec's tables write them; device addresses as
// AA:BB:CC:DD:EE:FF, most significant octet first (Core v5.4 Vol 6 Part B 1.3, Vol 4 Part E 5.2:
// sent little-endian); attribute handles as 0x000E (Vol 3 Part F 3.2.2, 16 bits). JSON keeps the
// machine forms (canonical UUIDs, the address as the stack gave it); a name, where the SIG's Assigned
// Numbers give one, comes first: "Device Name (0x2A00)".
import { assignedName, type AssignedKind } from '../codes/assigned-numbers.js';

/** Digits of the Bluetooth Base UUID after the first 32 bits. Vol 3 Part B 2.5.1. */
const BASE_TAIL = '00001000800000805f9b34fb';
const HEX = /^[0-9a-f]+$/;

/** Plain lowercase digits of a UUID in any spelling (0x2a00, 2A00, dashed), the Base UUID's aliases shortened. */
function digitsOf(uuid: string): string | undefined {
  const d = uuid.trim().replace(/^0x/i, '').replace(/-/g, '').toLowerCase();
  if (!HEX.test(d) || ![4, 8, 32].includes(d.length)) return undefined;
  if (d.length === 32 && d.endsWith(BASE_TAIL)) return d.startsWith('0000') ? d.slice(4, 8) : d.slice(0, 8);
  return d.length === 8 && d.startsWith('0000') ? d.slice(4) : d;
}

/** 0x2A00, 0x0000FEED-style for a 32-bit alias, B1EB1000-7E57-4B3E-9C1D-2F5E0B1C7A90 otherwise; other text as given. */
export function formatUuid(uuid: string): string {
  const d = digitsOf(uuid);
  if (d === undefined) return uuid;
  if (d.length === 4) return `0x${d.toUpperCase()}`;
  if (d.length === 8) return `0x${d.toUpperCase().padStart(8, '0')}`;
  return `${d.slice(0, 8)}-${d.slice(8, 12)}-${d.slice(12, 16)}-${d.slice(16, 20)}-${d.slice(20)}`.toUpperCase();
}

/** The SIG's name for a UUID (a 16-bit alias in its Assigned Numbers), of the kind given or any. */
export function uuidName(uuid: string, kind?: AssignedKind): string | undefined {
  const d = digitsOf(uuid);
  return d !== undefined && d.length === 4 ? assignedName(parseInt(d, 16), kind) : undefined;
}

/** "Device Name (0x2A00)" when the SIG names it, else the UUID alone. */
export function formatNamedUuid(uuid: string, kind?: AssignedKind): string {
  const name = uuidName(uuid, kind);
  return name !== undefined ? `${name} (${formatUuid(uuid)})` : formatUuid(uuid);
}

const ADDRESS = /^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

/** AA:BB:CC:DD:EE:FF from any spelling of the six octets (colons, dashes, none; either case); other text as given. */
export function formatAddress(address: string): string {
  const a = address.trim();
  if (!ADDRESS.test(a)) return address;
  const d = a.replace(/[:-]/g, '').toUpperCase();
  return d.match(/../g)!.join(':');
}

/** An address from its six octets as sent (little-endian), at `offset`. Vol 4 Part E 5.2. */
export function formatAddressOctets(le: Uint8Array, offset = 0): string {
  const octets: string[] = [];
  for (let i = offset + 5; i >= offset; i--) octets.push(le[i]!.toString(16).padStart(2, '0'));
  return formatAddress(octets.join(':'));
}

/** An attribute handle: 0x000E (four digits, uppercase). */
export function formatHandle(handle: number): string {
  return `0x${handle.toString(16).toUpperCase().padStart(4, '0')}`;
}
