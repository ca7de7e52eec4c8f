// A blebench profile as a ble-host GATT database (the plan of test/interop/peers/ble-host-peripheral.mjs).
// ble-host's permission words (docs/api/gatt-server.md): not-permitted, open, encrypted,
// encrypted-mitm, custom. It has one write permission for Write, Write Command and Prepare Write, no
// key-size permission and no authorization level; those become a `custom` permission with a rule the
// peer checks. It adds the CCCD (open) and the Extended Properties descriptor itself; a CCCD whose
// write needs security is declared with that permission.
import type { ResolvedCharacteristic, ResolvedDescriptor, ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import { MIN_KEY_SIZE, stricter, type SecurityRequirement } from '../../common/stack/gatt/security-levels.js';
import { toUuid128 } from '../../common/stack/gatt/uuid.js';

export type BleHostPerm = 'not-permitted' | 'open' | 'encrypted' | 'encrypted-mitm' | 'custom';

export interface BleHostRule {
  level: SecurityRequirement['level'];
  minKeySize: number;
  errorOverride?: number;
}

export interface BleHostAttribute {
  uuid: string;
  properties?: string[];
  value?: string;
  maxLength?: number;
  readPerm?: BleHostPerm;
  writePerm?: BleHostPerm;
  readRule?: BleHostRule;
  writeRule?: BleHostRule;
}

export interface BleHostCharacteristic extends BleHostAttribute {
  name: string;
  descriptors: BleHostAttribute[];
}

export interface BleHostGattPlan {
  deviceName: string;
  advertising: { localName: string; serviceUuid: string };
  services: Array<{ uuid: string; characteristics: BleHostCharacteristic[] }>;
}

/** ble-host's property words. */
function properties(c: ResolvedCharacteristic): string[] {
  const p = c.properties;
  const out: string[] = [];
  if (p.broadcast) out.push('broadcast');
  if (p.read) out.push('read');
  if (p.writeWithoutResponse) out.push('write-without-response');
  if (p.write) out.push('write');
  if (p.notify) out.push('notify');
  if (p.indicate) out.push('indicate');
  if (c.extendedProperties.reliableWrite) out.push('reliable-write');
  if (c.extendedProperties.writableAuxiliaries) out.push('writable-auxiliaries');
  return out;
}

/** The permission word for one requirement, or `custom` with a rule when no word says it. */
function permission(req: SecurityRequirement): { perm: BleHostPerm; rule?: BleHostRule } {
  const plain = req.errorOverride === undefined && req.minKeySize <= MIN_KEY_SIZE;
  if (req.level === 'none') return { perm: 'open' };
  if (plain && req.level === 'encrypted') return { perm: 'encrypted' };
  if (plain && req.level === 'authenticated') return { perm: 'encrypted-mitm' };
  const rule: BleHostRule = { level: req.level, minKeySize: req.minKeySize };
  if (req.errorOverride !== undefined) rule.errorOverride = req.errorOverride;
  return { perm: 'custom', rule };
}

function withPerms(a: BleHostAttribute, read: SecurityRequirement | undefined, write: SecurityRequirement | undefined): BleHostAttribute {
  if (read) {
    const r = permission(read);
    a.readPerm = r.perm;
    if (r.rule) a.readRule = r.rule;
  }
  if (write) {
    const w = permission(write);
    a.writePerm = w.perm;
    if (w.rule) a.writeRule = w.rule;
  }
  return a;
}

function descriptor(d: ResolvedDescriptor): BleHostAttribute {
  const a: BleHostAttribute = { uuid: toUuid128(d.uuid).toUpperCase(), value: d.value.toString('hex') };
  return withPerms(a, d.readable ? d.security.read : undefined, d.writable ? d.security.write : undefined);
}

function characteristic(c: ResolvedCharacteristic): BleHostCharacteristic {
  const writes = [c.properties.write && c.security.write, c.properties.writeWithoutResponse && c.security.writeWithoutResponse].filter((r): r is SecurityRequirement => !!r);
  // One write permission for every kind of write: the stricter of the two.
  const write = writes.reduce<SecurityRequirement | undefined>((a, b) => (a ? (stricter(a, b) ?? b) : b), undefined);
  const ch: BleHostCharacteristic = {
    name: c.name,
    uuid: toUuid128(c.uuid).toUpperCase(),
    properties: properties(c),
    value: c.value.toString('hex'),
    maxLength: c.constraints.maxLength,
    descriptors: [],
  };
  withPerms(ch, c.properties.read ? c.security.read : undefined, write);
  for (const d of c.descriptors) {
    if (d.kind === 'extendedProperties') continue; // ble-host adds it from the properties
    if (d.kind === 'cccd') {
      // ble-host adds an open CCCD itself; declare it only when its write needs security.
      if (d.security.write.level !== 'none') ch.descriptors.push(withPerms({ uuid: toUuid128(d.uuid).toUpperCase() }, undefined, d.security.write));
      continue;
    }
    ch.descriptors.push(descriptor(d));
  }
  return ch;
}

export function bleHostGattPlan(profile: ResolvedProfile): BleHostGattPlan {
  return {
    deviceName: profile.advertising.localName,
    advertising: { localName: profile.advertising.localName, serviceUuid: toUuid128(profile.advertising.serviceUuids[0]!) },
    services: profile.services.map((s) => ({ uuid: toUuid128(s.uuid).toUpperCase(), characteristics: s.characteristics.map(characteristic) })),
  };
}
