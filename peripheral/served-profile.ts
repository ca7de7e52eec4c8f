// The profile as served: bleno's services built from a ResolvedProfile, and the map from ATT handles
// back to the profile's characteristics and descriptors, each with its own copy of the value and
// security (the runtime API may change both). Core v5.4 Vol 3 Part G 3 (service definition).
import { ATT_ERROR } from '../common/codes/att.js';
import {
  allCharacteristics,
  stricter,
  toUuid128,
  type GattOperation,
  type ResolvedCharacteristic,
  type ResolvedDescriptor,
  type ResolvedProfile,
  type SecurityRequirement,
} from '../common/gatt/index.js';
import type { Bleno, ServedHandles, TableFixes } from './bleno-loader.js';

/** 32-bit UUIDs do not exist on ATT (Vol 3 Part F 3.2.1): bleno gets the 128-bit form. */
const ATT_UUID_LENGTHS = new Set([4, 32]);
const attUuid = (uuid: string): string => (ATT_UUID_LENGTHS.has(uuid.length) ? uuid : toUuid128(uuid).replace(/-/g, ''));

export interface ServedDescriptor {
  readonly def: ResolvedDescriptor;
  readonly handle: number;
  readonly characteristic: ServedCharacteristic;
  value: Buffer;
  security: { read: SecurityRequirement; write: SecurityRequirement };
}

export interface ServedCharacteristic {
  readonly def: ResolvedCharacteristic;
  readonly declarationHandle: number;
  readonly valueHandle: number;
  readonly descriptors: ServedDescriptor[];
  readonly cccd: ServedDescriptor | undefined;
  value: Buffer;
  security: Record<GattOperation, SecurityRequirement>;
}

export type ServedAttribute = { readonly kind: 'value'; readonly characteristic: ServedCharacteristic } | { readonly kind: 'descriptor'; readonly descriptor: ServedDescriptor };

/** What a characteristic's value handle does when bleno reads or writes it (after the gate let the request through). */
export interface ValueCallbacks {
  /** Read, Read Blob, Read By Type: the value from an offset. */
  read(c: ServedCharacteristic, offset: number): { code: number; data?: Buffer };
  /** Write Request/Command (offset 0) or Execute Write (the first prepared offset). */
  write(c: ServedCharacteristic, data: Buffer, offset: number, withoutResponse: boolean): number;
}

/** bleno's RESULT_SUCCESS: the callbacks' "no error". */
export const ATT_SUCCESS = 0;

const BLENO_PROPERTIES = ['read', 'writeWithoutResponse', 'write', 'notify', 'indicate'] as const;

/** bleno objects for setServices, and the fixes its table needs afterwards (same characteristic order). */
export function blenoServices(bleno: Bleno, profile: ResolvedProfile, callbacks: ValueCallbacks, lookup: (name: string) => ServedCharacteristic | undefined) {
  const fixes: TableFixes['characteristics'][number][] = [];
  const services = profile.services.map(
    (s) =>
      new bleno.PrimaryService({
        uuid: attUuid(s.uuid),
        characteristics: s.characteristics.map((c) => {
          fixes.push({ propertiesByte: c.propertiesByte, descriptorUuids: c.descriptors.map((d) => attUuid(d.uuid)) });
          const served = () => lookup(c.name)!;
          return new bleno.Characteristic({
            uuid: attUuid(c.uuid),
            properties: BLENO_PROPERTIES.filter((p) => c.properties[p]),
            // bleno adds the CCCD itself; every other descriptor is passed (0x2900 included, which bleno never adds).
            descriptors: c.descriptors.filter((d) => d.kind !== 'cccd').map((d) => new bleno.Descriptor({ uuid: attUuid(d.uuid), value: Buffer.from(d.value) })),
            onReadRequest: (offset: number, cb: (code: number, data?: Buffer) => void) => {
              const r = callbacks.read(served(), offset);
              cb(r.code, r.data);
            },
            onWriteRequest: (data: Buffer, offset: number, withoutResponse: boolean, cb: (code: number) => void) => {
              cb(callbacks.write(served(), Buffer.from(data), offset, withoutResponse));
            },
          });
        }),
      }),
  );
  return { services, fixes };
}

/** Handles → attributes, names → characteristics, with copies of every value and requirement. */
export class AttributeMap {
  private readonly byHandle = new Map<number, ServedAttribute>();
  private readonly byName = new Map<string, ServedCharacteristic>();

  constructor(profile: ResolvedProfile, handles: readonly ServedHandles[]) {
    allCharacteristics(profile).forEach((def, i) => {
      const h = handles[i]!;
      const c: ServedCharacteristic = {
        def,
        declarationHandle: h.declarationHandle,
        valueHandle: h.valueHandle,
        descriptors: [],
        cccd: undefined,
        value: Buffer.from(def.value),
        security: { ...def.security },
      };
      def.descriptors.forEach((d, j) => {
        const sd: ServedDescriptor = { def: d, handle: h.descriptors[j]!.handle, characteristic: c, value: Buffer.from(d.value), security: { ...d.security } };
        c.descriptors.push(sd);
        if (d.kind === 'cccd') (c as { cccd: ServedDescriptor | undefined }).cccd = sd;
        this.byHandle.set(sd.handle, { kind: 'descriptor', descriptor: sd });
      });
      this.byHandle.set(c.valueHandle, { kind: 'value', characteristic: c });
      this.byName.set(def.name, c);
    });
  }

  at(handle: number): ServedAttribute | undefined {
    return this.byHandle.get(handle);
  }

  characteristic(name: string): ServedCharacteristic | undefined {
    return this.byName.get(name);
  }

  characteristics(): ServedCharacteristic[] {
    return [...this.byName.values()];
  }
}

/** A characteristic's security changes at run time; the CCCD's write follows notify/indicate as common/gatt resolves it. */
export function changeSecurity(c: ServedCharacteristic, operation: GattOperation, requirement: SecurityRequirement): void {
  c.security[operation] = requirement;
  if (c.cccd && (operation === 'notify' || operation === 'indicate')) {
    const { notify, indicate } = c.def.properties;
    const both = notify && indicate ? stricter(c.security.notify, c.security.indicate) : undefined;
    c.cccd.security.write = both ?? (notify ? c.security.notify : c.security.indicate);
  }
}

/** Value from an offset: past the end is Invalid Offset (Vol 3 Part F 3.4.4.4); at the end, empty. */
export function valueFrom(value: Buffer, offset: number): { code: number; data?: Buffer } {
  if (offset > value.length) return { code: ATT_ERROR.INVALID_OFFSET };
  return { code: ATT_SUCCESS, data: value.subarray(offset) };
}
