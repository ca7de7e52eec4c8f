// The descriptor types blebench adds or manages itself. Core v5.4 Vol 3 Part G 3.3.3.
import { uuid16, type CanonicalUuid } from './uuid.js';

export const DESCRIPTOR_UUID = {
  /** Characteristic Extended Properties. Vol 3 Part G 3.3.3.1. */
  EXTENDED_PROPERTIES: uuid16(0x2900),
  /** Characteristic User Description. Vol 3 Part G 3.3.3.2. */
  USER_DESCRIPTION: uuid16(0x2901),
  /** Client Characteristic Configuration (CCCD). Vol 3 Part G 3.3.3.3. */
  CCCD: uuid16(0x2902),
  /** Server Characteristic Configuration. Vol 3 Part G 3.3.3.4. */
  SCCD: uuid16(0x2903),
  /** Characteristic Presentation Format. Vol 3 Part G 3.3.3.5. */
  PRESENTATION_FORMAT: uuid16(0x2904),
  /** Characteristic Aggregate Format. Vol 3 Part G 3.3.3.6. */
  AGGREGATE_FORMAT: uuid16(0x2905),
} as const satisfies Record<string, CanonicalUuid>;

/** CCCD value bits. Vol 3 Part G 3.3.3.3 (table 3.11). */
export const CCCD_BITS = { none: 0x0000, notification: 0x0001, indication: 0x0002 } as const;

export type DescriptorKind = 'extendedProperties' | 'userDescription' | 'cccd' | 'presentationFormat' | 'custom';

/** The order blebench serves descriptors in: the managed ones by UUID, custom ones last, as written. */
export const DESCRIPTOR_ORDER: readonly DescriptorKind[] = ['extendedProperties', 'userDescription', 'cccd', 'presentationFormat', 'custom'];
