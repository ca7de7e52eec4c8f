// GATT attribute types and the services every GATT server has. Core v5.4 Vol 3 Part G 3.1-3.3
// (declarations), 7 (GATT service), Vol 3 Part C 12 (GAP service); numbers from Assigned Numbers 3.4-3.8.

/** Declaration attribute types. Vol 3 Part G 3.1 (services), 3.2 (include), 3.3 (characteristic). */
export const GATT_DECLARATION = {
  PRIMARY_SERVICE: 0x2800,
  SECONDARY_SERVICE: 0x2801,
  INCLUDE: 0x2802,
  CHARACTERISTIC: 0x2803,
} as const;

/** The GAP and GATT services and their characteristics. Vol 3 Part C 12.1-12.2, Vol 3 Part G 7.1. */
export const GATT_SERVICE = { GENERIC_ACCESS: 0x1800, GENERIC_ATTRIBUTE: 0x1801 } as const;
export const GATT_CHARACTERISTIC = { DEVICE_NAME: 0x2a00, APPEARANCE: 0x2a01, SERVICE_CHANGED: 0x2a05 } as const;
/** Client Characteristic Configuration. Vol 3 Part G 3.3.3.3. */
export const GATT_CCCD_UUID = 0x2902;
/** Characteristic Properties bits. Vol 3 Part G 3.3.1.1. */
export const GATT_PROPERTY = { READ: 0x02, INDICATE: 0x20 } as const;
