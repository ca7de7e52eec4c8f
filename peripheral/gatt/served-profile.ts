// The profile's characteristics and descriptors as served: their handles in the attribute table
// (peripheral/att/attribute-table.ts), each with its own copy of the value and security (the runtime
// API may change both). Core v5.4 Vol 3 Part G 3 (service definition).
import {
  allCharacteristics,
  stricter,
  type GattOperation,
  type ResolvedCharacteristic,
  type ResolvedDescriptor,
  type ResolvedProfile,
  type SecurityRequirement,
} from '../../common/stack/gatt/index.js';

/** Where one characteristic lies in the table. */
export interface ServedHandles {
  readonly declarationHandle: number;
  readonly valueHandle: number;
  /** One per descriptor, in the profile's order. */
  readonly descriptors: readonly number[];
}

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
        const sd: ServedDescriptor = { def: d, handle: h.descriptors[j]!, characteristic: c, value: Buffer.from(d.value), security: { ...d.security } };
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

/** A characteristic's security changes at run time; the CCCD's write follows notify/indicate as common/stack/gatt resolves it. */
export function changeSecurity(c: ServedCharacteristic, operation: GattOperation, requirement: SecurityRequirement): void {
  c.security[operation] = requirement;
  if (c.cccd && (operation === 'notify' || operation === 'indicate')) {
    const { notify, indicate } = c.def.properties;
    const both = notify && indicate ? stricter(c.security.notify, c.security.indicate) : undefined;
    c.cccd.security.write = both ?? (notify ? c.security.notify : c.security.indicate);
  }
}
