// Characteristic Presentation Format (descriptor 0x2904). Core v5.4 Vol 3 Part G 3.3.3.5;
// format and namespace numbers: Bluetooth Assigned Numbers 2.4.1 (Formats), 2.4.2 (Namespaces).

/** Format names as the Assigned Numbers write them, with their code. */
export const PRESENTATION_FORMATS = {
  boolean: 0x01,
  uint2: 0x02,
  uint4: 0x03,
  uint8: 0x04,
  uint12: 0x05,
  uint16: 0x06,
  uint24: 0x07,
  uint32: 0x08,
  uint48: 0x09,
  uint64: 0x0a,
  uint128: 0x0b,
  sint8: 0x0c,
  sint12: 0x0d,
  sint16: 0x0e,
  sint24: 0x0f,
  sint32: 0x10,
  sint48: 0x11,
  sint64: 0x12,
  sint128: 0x13,
  float32: 0x14,
  float64: 0x15,
  medfloat16: 0x16,
  medfloat32: 0x17,
  'uint16 [2]': 0x18,
  utf8s: 0x19,
  utf16s: 0x1a,
  struct: 0x1b,
  medASN1: 0x1c,
} as const;
export type PresentationFormatName = keyof typeof PRESENTATION_FORMATS;

/** Older names still found in code and docs (IEEE 11073 SFLOAT/FLOAT, duint16). */
export const PRESENTATION_FORMAT_ALIASES: Readonly<Record<string, PresentationFormatName>> = {
  SFLOAT: 'medfloat16',
  FLOAT: 'medfloat32',
  duint16: 'uint16 [2]',
};

export const FORMAT_NAMES: readonly string[] = [...Object.keys(PRESENTATION_FORMATS), ...Object.keys(PRESENTATION_FORMAT_ALIASES)];

/** Namespace 0x01: Bluetooth SIG Assigned Numbers. */
export const NAMESPACE_BLUETOOTH_SIG = 0x01;

export interface PresentationFormat {
  /** Format code (Assigned Numbers 2.4.1). */
  readonly format: number;
  readonly formatName: PresentationFormatName;
  /** Base-10 exponent applied to the value (signed). */
  readonly exponent: number;
  /** Unit UUID, 16-bit (e.g. 0x27AD percentage). */
  readonly unit: number;
  readonly namespace: number;
  readonly description: number;
}

export function formatCode(name: string): number | undefined {
  const canonical = (PRESENTATION_FORMAT_ALIASES[name] ?? name) as PresentationFormatName;
  return PRESENTATION_FORMATS[canonical];
}

export function formatName(name: string): PresentationFormatName | undefined {
  const canonical = (PRESENTATION_FORMAT_ALIASES[name] ?? name) as PresentationFormatName;
  return canonical in PRESENTATION_FORMATS ? canonical : undefined;
}

/** The 7-octet descriptor value: format, exponent, unit (LE), namespace, description (LE). */
export function encodePresentationFormat(pf: PresentationFormat): Buffer {
  const b = Buffer.alloc(7);
  b.writeUInt8(pf.format, 0);
  b.writeInt8(pf.exponent, 1);
  b.writeUInt16LE(pf.unit, 2);
  b.writeUInt8(pf.namespace, 4);
  b.writeUInt16LE(pf.description, 5);
  return b;
}
