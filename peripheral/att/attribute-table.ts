// The one attribute table the peripheral serves: GAP (0x1800: Device Name, Appearance), GATT
// (0x1801: Service Changed and its CCCD, Client Supported Features, Database Hash), then the profile's
// services. Core v5.4 Vol 3 Part G 3 (service, include and characteristic declarations), 7 (the GATT
// service), Vol 3 Part F 3.2 (attributes). A table built with `serviceChanged: false` is a firmware
// without Service Changed: 0x1801 holds nothing, so no Database Hash and no robust caching either
// (both need Service Changed, Vol 3 Part G 2.5.2.1), and a client may take its handles as fixed.
import { GATT_CCCD_UUID, GATT_CHARACTERISTIC, GATT_DECLARATION, GATT_PROPERTY, GATT_SERVICE } from '../../common/base/codes/gatt.js';
import { attUuid16, attUuidToWire, sameAttUuid, ATT_UUID16_LENGTH } from '../../common/stack/att/index.js';
import { databaseHashValue, type HashedAttribute, type ResolvedProfile } from '../../common/stack/gatt/index.js';
import { AttributeMap, type ServedAttribute } from '../gatt/served-profile.js';

/** Appearance 0x0080 (Generic Computer), as bleno served it. Assigned Numbers 2.6. */
const APPEARANCE = Buffer.from([0x80, 0x00]);
/** Service Changed: start and end of the affected range, 0 until the table changes. Vol 3 Part G 7.1. */
const SERVICE_CHANGED_VALUE = Buffer.alloc(4);

/** One attribute: its handle and type, and what its value and permissions come from. */
export type Attribute =
  /** A service declaration; its group ends at endGroupHandle. Vol 3 Part G 3.1. */
  | { readonly kind: 'service'; readonly handle: number; readonly type: Buffer; readonly value: Buffer; readonly endGroupHandle: number }
  /** Include or characteristic declaration: read-only, open. Vol 3 Part G 3.2, 3.3.1. */
  | { readonly kind: 'declaration'; readonly handle: number; readonly type: Buffer; readonly value: Buffer }
  /** A GAP/GATT value the table holds itself (Device Name, Appearance: readable; Service Changed: not). */
  | { readonly kind: 'fixed'; readonly handle: number; readonly type: Buffer; readonly value: Buffer; readonly readable: boolean; readonly fixedLength: boolean }
  /** Service Changed's CCCD: one value per link (kept for bonded centrals), indications only. Vol 3 Part G 7.1. */
  | { readonly kind: 'serviceChangedCccd'; readonly handle: number; readonly type: Buffer }
  /** Client Supported Features: one value per link (kept for bonded centrals). Vol 3 Part G 7.2. */
  | { readonly kind: 'clientFeatures'; readonly handle: number; readonly type: Buffer }
  /** Database Hash: the table's own hash, read-only. Vol 3 Part G 7.3. */
  | { readonly kind: 'databaseHash'; readonly handle: number; readonly type: Buffer; readonly value: Buffer }
  /** A characteristic value or descriptor of the profile: the access policy decides. */
  | { readonly kind: 'profile'; readonly handle: number; readonly type: Buffer; readonly served: ServedAttribute };

/** A 16-bit type's wire octets. */
const type16 = (v: number) => attUuid16(v);
/** A handle's 2 octets, little-endian. Vol 3 Part F 3.3. */
function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
}

/** How the table is built. */
export interface AttributeTableOptions {
  /** Serve Service Changed, Client Supported Features and Database Hash in 0x1801 (default true). */
  readonly serviceChanged?: boolean;
}

export class AttributeTable {
  /** Indexed by handle; handles run from 1 without gaps. */
  private readonly byHandle: Attribute[] = [];
  readonly map: AttributeMap;
  /** The Database Hash of this table, as the characteristic serves it (least significant octet first). Vol 3 Part G 7.3. */
  readonly databaseHash: Buffer;
  /** Service Changed's value handle, when served. */
  readonly serviceChangedHandle: number | undefined;

  constructor(profile: ResolvedProfile, deviceName: string, options: AttributeTableOptions = {}) {
    const add = (a: Attribute) => void (this.byHandle[a.handle] = a);
    let h = 0;
    // GAP service. Vol 3 Part C 12.
    const gap = ++h;
    add({ kind: 'declaration', handle: ++h, type: type16(GATT_DECLARATION.CHARACTERISTIC), value: declaration(GATT_PROPERTY.READ, h + 1, type16(GATT_CHARACTERISTIC.DEVICE_NAME)) });
    add({ kind: 'fixed', handle: ++h, type: type16(GATT_CHARACTERISTIC.DEVICE_NAME), value: Buffer.from(deviceName, 'utf8'), readable: true, fixedLength: false });
    add({ kind: 'declaration', handle: ++h, type: type16(GATT_DECLARATION.CHARACTERISTIC), value: declaration(GATT_PROPERTY.READ, h + 1, type16(GATT_CHARACTERISTIC.APPEARANCE)) });
    add({ kind: 'fixed', handle: ++h, type: type16(GATT_CHARACTERISTIC.APPEARANCE), value: APPEARANCE, readable: true, fixedLength: true });
    add({ kind: 'service', handle: gap, type: type16(GATT_DECLARATION.PRIMARY_SERVICE), value: type16(GATT_SERVICE.GENERIC_ACCESS), endGroupHandle: h });
    // GATT service. Vol 3 Part G 7.
    const gatt = ++h;
    let hashHandle: number | undefined;
    if (options.serviceChanged ?? true) {
      add({ kind: 'declaration', handle: ++h, type: type16(GATT_DECLARATION.CHARACTERISTIC), value: declaration(GATT_PROPERTY.INDICATE, h + 1, type16(GATT_CHARACTERISTIC.SERVICE_CHANGED)) });
      add({ kind: 'fixed', handle: ++h, type: type16(GATT_CHARACTERISTIC.SERVICE_CHANGED), value: SERVICE_CHANGED_VALUE, readable: false, fixedLength: true });
      this.serviceChangedHandle = h;
      add({ kind: 'serviceChangedCccd', handle: ++h, type: type16(GATT_CCCD_UUID) });
      add({ kind: 'declaration', handle: ++h, type: type16(GATT_DECLARATION.CHARACTERISTIC), value: declaration(GATT_PROPERTY.READ | GATT_PROPERTY.WRITE, h + 1, type16(GATT_CHARACTERISTIC.CLIENT_SUPPORTED_FEATURES)) });
      add({ kind: 'clientFeatures', handle: ++h, type: type16(GATT_CHARACTERISTIC.CLIENT_SUPPORTED_FEATURES) });
      add({ kind: 'declaration', handle: ++h, type: type16(GATT_DECLARATION.CHARACTERISTIC), value: declaration(GATT_PROPERTY.READ, h + 1, type16(GATT_CHARACTERISTIC.DATABASE_HASH)) });
      hashHandle = ++h;
    }
    const gattEnd = h;

    // The profile's services: first where each one's group lies (includes name them), then the attributes.
    const ranges = new Map<string, { start: number; end: number; uuid: Buffer }>();
    let next = h + 1;
    for (const s of profile.services) {
      const size = 1 + s.includes.length + s.characteristics.reduce((n, c) => n + 2 + c.descriptors.length, 0);
      ranges.set(s.name, { start: next, end: next + size - 1, uuid: attUuidToWire(s.uuid) });
      next += size;
    }
    const handles: { declarationHandle: number; valueHandle: number; descriptors: number[] }[] = [];
    for (const s of profile.services) {
      const range = ranges.get(s.name)!;
      const service = ++h;
      const type = type16(s.primary ? GATT_DECLARATION.PRIMARY_SERVICE : GATT_DECLARATION.SECONDARY_SERVICE);
      add({ kind: 'service', handle: service, type, value: range.uuid, endGroupHandle: range.end });
      for (const name of s.includes) {
        const inc = ranges.get(name);
        if (!inc) continue;
        // The UUID is in the declaration only when it is 16-bit. Vol 3 Part G 3.2.
        const uuid = inc.uuid.length === ATT_UUID16_LENGTH ? [inc.uuid] : [];
        add({ kind: 'declaration', handle: ++h, type: type16(GATT_DECLARATION.INCLUDE), value: Buffer.concat([u16(inc.start), u16(inc.end), ...uuid]) });
      }
      for (const c of s.characteristics) {
        const declarationHandle = ++h;
        const valueHandle = ++h;
        add({ kind: 'declaration', handle: declarationHandle, type: type16(GATT_DECLARATION.CHARACTERISTIC), value: declaration(c.propertiesByte, valueHandle, attUuidToWire(c.uuid)) });
        const descriptors = c.descriptors.map(() => ++h);
        handles.push({ declarationHandle, valueHandle, descriptors });
      }
    }
    this.map = new AttributeMap(profile, handles);
    for (const c of this.map.characteristics()) {
      add({ kind: 'profile', handle: c.valueHandle, type: attUuidToWire(c.def.uuid), served: { kind: 'value', characteristic: c } });
      for (const d of c.descriptors) add({ kind: 'profile', handle: d.handle, type: attUuidToWire(d.def.uuid), served: { kind: 'descriptor', descriptor: d } });
    }
    // The service's declaration last: the services after it are where its group's end shows.
    add({ kind: 'service', handle: gatt, type: type16(GATT_DECLARATION.PRIMARY_SERVICE), value: type16(GATT_SERVICE.GENERIC_ATTRIBUTE), endGroupHandle: gattEnd });
    // The hash covers the structure only (declarations, descriptor types), so it is fixed for the table's life.
    this.databaseHash = databaseHashValue(this.byHandle.filter((a): a is Attribute => a !== undefined).map(hashed));
    if (hashHandle !== undefined) add({ kind: 'databaseHash', handle: hashHandle, type: type16(GATT_CHARACTERISTIC.DATABASE_HASH), value: this.databaseHash });
  }

  /** The attribute at a handle (undefined for 0x0000 and past the last). */
  at(handle: number): Attribute | undefined {
    return this.byHandle[handle];
  }

  /** The last handle in use. */
  get lastHandle(): number {
    return this.byHandle.length - 1;
  }

  /** The attributes from start to end (inclusive), in handle order. */
  *range(start: number, end: number): Generator<Attribute> {
    const last = Math.min(end, this.lastHandle);
    for (let h = Math.max(start, 1); h <= last; h++) yield this.byHandle[h]!;
  }

  /** The attributes of a type in a range (16-bit and 128-bit forms of a type are the same type). */
  *ofType(start: number, end: number, type: Buffer): Generator<Attribute> {
    for (const a of this.range(start, end)) if (sameAttUuid(a.type, type)) yield a;
  }
}

/** What the Database Hash reads of an attribute: handle, type and the value of declarations and descriptors (Vol 3 Part G 7.3.1). */
function hashed(a: Attribute): HashedAttribute {
  const value = 'value' in a ? a.value : a.kind === 'profile' && a.served.kind === 'descriptor' ? a.served.descriptor.value : Buffer.alloc(0);
  return { handle: a.handle, type: a.type, value };
}

/** Characteristic declaration value: properties, value handle, UUID. Vol 3 Part G 3.3.1. */
function declaration(properties: number, valueHandle: number, uuid: Buffer): Buffer {
  return Buffer.concat([Buffer.from([properties]), u16(valueHandle), uuid]);
}
