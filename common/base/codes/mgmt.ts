// Linux Bluetooth management protocol numbers that bleno relies on (BlueZ doc/mgmt-api.txt).
// bleno hands its keys to the kernel here; where no kernel stands in between, our transport answers.

/** Management packet header: opcode(2) controller index(2) parameter length(2), little-endian. */
export const MGMT_HEADER_SIZE = 6;

export const MGMT_OP = {
  READ_MANAGEMENT_VERSION_INFORMATION: 0x0001,
  READ_MANAGEMENT_SUPPORTED_COMMANDS: 0x0002,
  READ_CONTROLLER_INDEX_LIST: 0x0003,
  LOAD_LONG_TERM_KEYS: 0x0013,
  LOAD_IDENTITY_RESOLVING_KEYS: 0x0030,
} as const;

export const MGMT_EV = {
  COMMAND_COMPLETE: 0x0001,
  COMMAND_STATUS: 0x0002,
} as const;

export const MGMT_STATUS = {
  SUCCESS: 0x00,
  UNKNOWN_COMMAND: 0x01,
  INVALID_PARAMETERS: 0x0d,
  INVALID_INDEX: 0x11,
} as const;

/** Address types in management commands: 0 BR/EDR, 1 LE public, 2 LE random. */
export const MGMT_ADDRESS_TYPE = { BREDR: 0x00, LE_PUBLIC: 0x01, LE_RANDOM: 0x02 } as const;

/** Key types in Load Long Term Keys. */
export const MGMT_LTK_TYPE = {
  UNAUTHENTICATED: 0x00,
  AUTHENTICATED: 0x01,
  UNAUTHENTICATED_P256: 0x02,
  AUTHENTICATED_P256: 0x03,
  DEBUG_P256: 0x04,
} as const;

/** One Long Term Key entry: address(6) type(1) key type(1) central(1) enc size(1) EDIV(2) Rand(8) value(16). */
export const MGMT_LTK_INFO_SIZE = 36;

/** One Identity Resolving Key entry: address(6) type(1) value(16, least significant octet first). */
export const MGMT_IRK_INFO_SIZE = 23;

/** The version this emulation reports for Read Management Version Information. */
export const MGMT_EMULATED_VERSION = { version: 1, revision: 22 } as const;
