// What this virtual controller says about itself: version, features, states, sizes.
// Core v5.4 Vol 4 Part E 7.4 (informational parameters), Vol 2 Part C 3.3 (LMP feature bits),
// Vol 6 Part B 4.6 (LE feature bits), Vol 1 Part F (none), Assigned Numbers (Core version 0x0D = 5.4).

/** HCI_Version and LMP_Version 0x0D: Core 5.4 (Assigned Numbers 2.1). */
export const CORE_VERSION_5_4 = 0x0d;
/** Company identifier 0xFFFF: reserved for tests and internal use (Assigned Numbers). */
export const COMPANY_ID_TESTING = 0xffff;
export const HCI_SUBVERSION = 0x0000;
export const LMP_SUBVERSION = 0x0000;

function bits(...positions: number[]): Buffer {
  const out = Buffer.alloc(8);
  for (const p of positions) out[p >> 3]! |= 1 << (p & 7);
  return out;
}

/** LMP features page 0 (Vol 2 Part C 3.3): bit 37 BR/EDR Not Supported, bit 38 LE Supported (Controller). */
export const LMP_FEATURE_BIT = { BR_EDR_NOT_SUPPORTED: 37, LE_SUPPORTED_CONTROLLER: 38 } as const;
export const LMP_FEATURES_PAGE_0 = bits(LMP_FEATURE_BIT.BR_EDR_NOT_SUPPORTED, LMP_FEATURE_BIT.LE_SUPPORTED_CONTROLLER);
/** Highest LMP features page: only page 0 exists here. */
export const LMP_MAX_PAGE = 0;

/** LE feature bits, Vol 6 Part B 4.6. */
export const LE_FEATURE_BIT = {
  LE_ENCRYPTION: 0,
  CONNECTION_PARAMETERS_REQUEST_PROCEDURE: 1,
  EXTENDED_REJECT_INDICATION: 2,
  PERIPHERAL_INITIATED_FEATURES_EXCHANGE: 3,
  LE_PING: 4,
  LE_DATA_PACKET_LENGTH_EXTENSION: 5,
  LL_PRIVACY: 6,
  LE_2M_PHY: 8,
  LE_CODED_PHY: 11,
} as const;
/**
 * Not claimed: LE Extended Advertising (bit 12). Its commands (Vol 4 Part E 3.1, conditions C17,
 * C19, C20: "otherwise excluded") are not implemented, so Read Local Supported Commands does not
 * list them (supported-commands.ts) and they answer 0x01. LL Privacy (bit 6) is claimed: its
 * commands (C9, C10) are in commands/le-privacy.ts.
 */
export const LE_FEATURES = bits(...Object.values(LE_FEATURE_BIT));

/** LE Read Supported States (7.8.27): every state and combination of bits 0..41 is supported. */
export const LE_SUPPORTED_STATES = (() => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(0x3ffffffffffn);
  return out;
})();

export const FILTER_ACCEPT_LIST_SIZE = 16;
/** Resolving list records (Vol 6 Part B 4.7: at least one). */
export const RESOLVING_LIST_SIZE = 8;

/** dBm figures this radio reports (there is no real transmitter). */
export const TX_POWER = { ADVERTISING_CHANNEL: 0, CURRENT: 0, MAX: 10, MIN_SUPPORTED: -20, MAX_SUPPORTED: 10 } as const;

/** LE data length limits, Vol 6 Part B 4.5.10 and Vol 4 Part E 7.8.33/7.8.46. */
export const DATA_LENGTH = {
  MIN_OCTETS: 27, // 0x001B
  MAX_OCTETS: 251, // 0x00FB
  MIN_TIME: 328, // 0x0148 µs
  MAX_TIME: 17040, // 0x4290 µs
} as const;

/** PHY numbers in events (7.7.65.12) and the PHY preference bit masks in commands (7.8.48/49). */
export const PHY = { LE_1M: 1, LE_2M: 2, LE_CODED: 3 } as const;
export const PHY_MASK = { LE_1M: 0b001, LE_2M: 0b010, LE_CODED: 0b100, ALL: 0b111 } as const;

/** Connection ranges, 7.8.12 / 7.8.18, in their own units. */
export const CONN_RANGE = {
  SCAN_INTERVAL_MIN: 0x0004,
  SCAN_INTERVAL_MAX: 0x4000,
  INTERVAL_MIN: 0x0006,
  INTERVAL_MAX: 0x0c80,
  LATENCY_MAX: 0x01f3,
  TIMEOUT_MIN: 0x000a,
  TIMEOUT_MAX: 0x0c80,
} as const;

/** Central_Clock_Accuracy the peripheral reports (7.7.65.1): 0x05 = 50 ppm; the central reports 0x00. */
export const CENTRAL_CLOCK_ACCURACY = 0x05;

/** Authenticated payload timeout default, 10 ms units (30 s), 7.3.94. */
export const DEFAULT_AUTHENTICATED_PAYLOAD_TIMEOUT = 3000;

/** Local_Name length, 7.3.11. */
export const LOCAL_NAME_LENGTH = 248;

/** Encryption key size on an encrypted link, octets (LE legacy and SC keys are 16 here). */
export const LINK_ENCRYPTION_KEY_SIZE = 16;

/** Connection handle range, Vol 4 Part E 5.4.2. */
export const MAX_CONNECTION_HANDLE = 0x0eff;
