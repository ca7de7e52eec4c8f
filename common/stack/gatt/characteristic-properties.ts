// The Characteristic Properties field of a characteristic declaration. Core v5.4 Vol 3 Part G 3.3.1.1.

/** Property names as blebench profiles write them, with their bit. Vol 3 Part G 3.3.1.1 (table 3.5). */
export const PROPERTY_BITS = {
  broadcast: 0x01,
  read: 0x02,
  writeWithoutResponse: 0x04,
  write: 0x08,
  notify: 0x10,
  indicate: 0x20,
  authenticatedSignedWrites: 0x40,
  extendedProperties: 0x80,
} as const;
export type PropertyName = keyof typeof PROPERTY_BITS;
export const PROPERTY_NAMES = Object.keys(PROPERTY_BITS) as PropertyName[];

export type CharacteristicProperties = Readonly<Record<PropertyName, boolean>>;

/** The 8-bit Characteristic Properties field. */
export function propertiesByte(props: CharacteristicProperties): number {
  let byte = 0;
  for (const name of PROPERTY_NAMES) if (props[name]) byte |= PROPERTY_BITS[name];
  return byte;
}

/** The set properties, by name, in bit order. */
export function propertyList(byte: number): PropertyName[] {
  return PROPERTY_NAMES.filter((name) => (byte & PROPERTY_BITS[name]) !== 0);
}

/** Characteristic Extended Properties bits (descriptor 0x2900). Vol 3 Part G 3.3.3.1 (table 3.9). */
export const EXTENDED_PROPERTY_BITS = {
  reliableWrite: 0x0001,
  writableAuxiliaries: 0x0002,
} as const;

export interface ExtendedProperties {
  readonly reliableWrite: boolean;
  readonly writableAuxiliaries: boolean;
}

export function extendedPropertiesValue(ext: ExtendedProperties): number {
  return (ext.reliableWrite ? EXTENDED_PROPERTY_BITS.reliableWrite : 0) | (ext.writableAuxiliaries ? EXTENDED_PROPERTY_BITS.writableAuxiliaries : 0);
}
