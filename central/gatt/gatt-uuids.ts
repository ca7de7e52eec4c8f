// The GATT attribute types discovery asks for, and the CCCD. Core v5.4 Vol 3 Part G 3.1, 3.3, 3.3.3.3
// (Assigned Numbers 3.5, 3.7).
export const GATT_DECLARATION = {
  PRIMARY_SERVICE: 0x2800,
  CHARACTERISTIC: 0x2803,
} as const;

/** Client Characteristic Configuration descriptor, canonical UUID. */
export const CCCD_UUID = '2902';

/** CCCD value bits. Vol 3 Part G 3.3.3.3 (table 3.11). */
export const CCCD_BITS = { NONE: 0x0000, NOTIFY: 0x0001, INDICATE: 0x0002 } as const;
