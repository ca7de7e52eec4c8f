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
export const GATT_CHARACTERISTIC = {
  DEVICE_NAME: 0x2a00,
  APPEARANCE: 0x2a01,
  SERVICE_CHANGED: 0x2a05,
  /** Client Supported Features. Vol 3 Part G 7.2. */
  CLIENT_SUPPORTED_FEATURES: 0x2b29,
  /** Database Hash. Vol 3 Part G 7.3. */
  DATABASE_HASH: 0x2b2a,
} as const;
/** Client Supported Features bits (octet 0). Vol 3 Part G 7.2 (table 7.6). */
export const CLIENT_FEATURE = { ROBUST_CACHING: 0x01 } as const;
/** Service Changed's value: the affected range, here the whole database. Vol 3 Part G 7.1 (note: 0x0001-0xFFFF asks for a full rediscovery). */
export const SERVICE_CHANGED_WHOLE_RANGE = { start: 0x0001, end: 0xffff } as const;
/** The descriptor types of Vol 3 Part G 3.3.3 the Database Hash names (7.3.1). */
export const GATT_DESCRIPTOR = {
  EXTENDED_PROPERTIES: 0x2900,
  USER_DESCRIPTION: 0x2901,
  CCCD: 0x2902,
  SERVER_CONFIGURATION: 0x2903,
  PRESENTATION_FORMAT: 0x2904,
  AGGREGATE_FORMAT: 0x2905,
} as const;
/** Client Characteristic Configuration. Vol 3 Part G 3.3.3.3. */
export const GATT_CCCD_UUID = 0x2902;
/** Characteristic Properties bits. Vol 3 Part G 3.3.1.1. */
export const GATT_PROPERTY = { READ: 0x02, WRITE: 0x08, INDICATE: 0x20 } as const;
