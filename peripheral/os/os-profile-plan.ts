// A profile as bleno's CoreBluetooth binding can serve it (transport `os`), and, per characteristic,
// what macOS will do where that is not what blebench's own peripheral would do.
//
// blebench's peripheral answers every request itself by the spec's rules (Vol 3 Part C 10.3, Part F
// 3.4.1.1: 0x05, 0x0F, 0x0C, 0x08). On macOS, CoreBluetooth answers what its permissions cover and
// pairs on its own: an operation that needs encryption becomes an "EncryptionRequired" permission
// (bleno's `secure` list) and macOS picks the error and the pairing; MITM and key sizes cannot be
// asked of it; CCCD writes are its own. Only what it passes to the app (reads and writes of open or
// authorization-gated characteristics) is answered by blebench: 0x08, the profile's override, 0x07,
// 0x0D, 0x13.
import { hex } from '../../common/base/codes/code-table.js';
import type { ResolvedCharacteristic, ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import { MIN_KEY_SIZE, needsEncryption, type GattOperation, type SecurityRequirement } from '../../common/stack/gatt/security-levels.js';
import { BLENO_MAC_PROPERTIES, COREBLUETOOTH_DESCRIPTOR_UUIDS } from '../bleno/index.js';

export type BlenoMacProperty = (typeof BLENO_MAC_PROPERTIES)[number];

export interface OsCharacteristicPlan {
  readonly characteristic: ResolvedCharacteristic;
  /** bleno's `properties` and `secure` (operations behind CoreBluetooth's EncryptionRequired). */
  readonly properties: BlenoMacProperty[];
  readonly secure: BlenoMacProperty[];
  /** The descriptors CoreBluetooth accepts (0x2901, 0x2904), as bleno wants them (undashed UUID). */
  readonly descriptors: { uuid: string; value: Buffer }[];
  /** What macOS will do differently from blebench's peripheral, one sentence each. */
  readonly warnings: string[];
}

export interface OsProfilePlan {
  readonly characteristics: OsCharacteristicPlan[];
  /** Said once at start: what the os transport cannot honour for any profile. */
  readonly startWarnings: string[];
}

export const OS_PERIPHERAL_START_WARNINGS: readonly string[] = [
  'no HCI tap on os: only the requests CoreBluetooth passes to blebench are logged; those it answers itself (encryption checks, CCCD writes, MTU, pairing) are not seen',
  'pairing and bonds belong to macOS (its dialog, System Settings → Bluetooth): blebench\'s Security Manager, refused pairings and forgotten bonds do not apply',
  'CoreBluetooth advertises the local name and service UUIDs only, and serves the GAP/GATT services itself (the Device Name is the Mac\'s)',
];

const OP_WORDS: Record<BlenoMacProperty, string> = { read: 'read', write: 'write', writeWithoutResponse: 'write without response', notify: 'notification subscription', indicate: 'indication subscription' };
const PERMISSION: Record<BlenoMacProperty, string> = {
  read: 'CBAttributePermissionsReadEncryptionRequired',
  write: 'CBAttributePermissionsWriteEncryptionRequired',
  writeWithoutResponse: 'CBAttributePermissionsWriteEncryptionRequired',
  notify: 'CBCharacteristicPropertyNotifyEncryptionRequired',
  indicate: 'CBCharacteristicPropertyIndicateEncryptionRequired',
};

function securityWarnings(name: string, op: BlenoMacProperty, req: SecurityRequirement): string[] {
  const w: string[] = [];
  const what = `"${name}" ${OP_WORDS[op]}`;
  if (needsEncryption(req.level)) {
    w.push(`${what} needs encryption: served as ${PERMISSION[op]}; macOS answers an unencrypted request itself (0x05 or 0x0F, its choice, not blebench's rule) and pairs with its own dialog`);
    if (req.level === 'authenticated') w.push(`${what} needs MITM protection: CoreBluetooth cannot require it, so a Just Works key is accepted where blebench would answer 0x05 Insufficient Authentication`);
    if (req.minKeySize > MIN_KEY_SIZE) w.push(`${what} needs a key of at least ${req.minKeySize} octets: macOS picks the key size, so 0x0C Encryption Key Size Too Short is never answered`);
    if (req.errorOverride !== undefined) w.push(`${what}: the profile's answer ${hex(req.errorOverride)} cannot be given, CoreBluetooth answers the unencrypted request itself`);
  } else if (req.level === 'authorized' && (op === 'notify' || op === 'indicate')) {
    w.push(`${what} needs authorization: CoreBluetooth writes the CCCD itself, so the subscription cannot be refused with 0x08; blebench sends nothing until authorized`);
  }
  return w;
}

function planCharacteristic(c: ResolvedCharacteristic): OsCharacteristicPlan {
  const properties = BLENO_MAC_PROPERTIES.filter((p) => c.properties[p]);
  const secure = properties.filter((p) => needsEncryption(c.security[p as GattOperation].level));
  const warnings = properties.flatMap((op) => securityWarnings(c.name, op, c.security[op as GattOperation]));
  // bleno's mac binding gives Write Request and Write Command one permission: the stricter wins.
  if (properties.includes('write') && properties.includes('writeWithoutResponse') && secure.includes('write') !== secure.includes('writeWithoutResponse')) {
    const open = secure.includes('write') ? 'writeWithoutResponse' : 'write';
    secure.push(open);
    warnings.push(`"${c.name}" ${OP_WORDS[open]} is open in the profile, but CoreBluetooth has one write permission: it is served as needing encryption too`);
  }
  for (const p of ['broadcast', 'authenticatedSignedWrites'] as const) {
    if (c.properties[p]) warnings.push(`"${c.name}" property ${p} is not served: bleno's CoreBluetooth binding maps read, write, writeWithoutResponse, notify and indicate only`);
  }
  if (c.extendedProperties.reliableWrite || c.extendedProperties.writableAuxiliaries) warnings.push(`"${c.name}" extended properties (0x2900, reliable write) are not served: CoreBluetooth builds the declaration and handles Prepare/Execute Write itself`);
  const descriptors: { uuid: string; value: Buffer }[] = [];
  for (const d of c.descriptors) {
    if (COREBLUETOOTH_DESCRIPTOR_UUIDS.includes(d.uuid)) descriptors.push({ uuid: d.uuid, value: d.value });
    else if (d.kind === 'custom') warnings.push(`"${c.name}" descriptor ${d.name} (${d.uuid}) is not served: CoreBluetooth accepts only 0x2901 and 0x2904 descriptors from an app`);
  }
  return { characteristic: c, properties, secure, descriptors, warnings };
}

export function planOsProfile(profile: ResolvedProfile): OsProfilePlan {
  const characteristics = profile.services.flatMap((s) => s.characteristics.map(planCharacteristic));
  const startWarnings = [...OS_PERIPHERAL_START_WARNINGS];
  if (profile.services.some((s) => !s.primary || s.includes.length)) startWarnings.push('secondary and included services are served as primary services without includes (bleno\'s PrimaryService only)');
  return { characteristics, startWarnings };
}
