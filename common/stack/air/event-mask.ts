// Which events the host let through: Set Event Mask, Set Event Mask Page 2, LE Set Event Mask.
// Core v5.4 Vol 4 Part E 7.3.1, 7.3.69, 7.8.1. Command Complete, Command Status and Number Of
// Completed Packets cannot be masked.
import { EVT, LE_EVT } from '../../base/codes/hci.js';

/** 7.3.1: default 0x00001FFFFFFFFFFF (LE Meta, bit 61, is off until the host turns it on). */
export const DEFAULT_EVENT_MASK = 0x00001fffffffffffn;
/** 7.3.69: default all off. */
export const DEFAULT_EVENT_MASK_PAGE_2 = 0n;
/** 7.8.1: default 0x000000000000001F. */
export const DEFAULT_LE_EVENT_MASK = 0x1fn;

/** Event code -> bit in the Set Event Mask page 1. */
const PAGE_1_BIT: Record<number, bigint> = {
  [EVT.DISCONNECTION_COMPLETE]: 4n,
  [EVT.ENCRYPTION_CHANGE]: 7n,
  [EVT.READ_REMOTE_VERSION_INFORMATION_COMPLETE]: 11n,
  [EVT.HARDWARE_ERROR]: 15n,
  [EVT.DATA_BUFFER_OVERFLOW]: 25n,
  [EVT.ENCRYPTION_KEY_REFRESH_COMPLETE]: 47n,
  [EVT.LE_META]: 61n,
};

/** Event code -> bit in page 2. */
const PAGE_2_BIT: Record<number, bigint> = {
  [EVT.AUTHENTICATED_PAYLOAD_TIMEOUT_EXPIRED]: 23n,
  [EVT.ENCRYPTION_CHANGE_V2]: 25n,
};

/** LE subevent -> bit in the LE event mask. */
const LE_BIT: Record<number, bigint> = {
  [LE_EVT.CONNECTION_COMPLETE]: 0n,
  [LE_EVT.ADVERTISING_REPORT]: 1n,
  [LE_EVT.CONNECTION_UPDATE_COMPLETE]: 2n,
  [LE_EVT.READ_REMOTE_FEATURES_COMPLETE]: 3n,
  [LE_EVT.LONG_TERM_KEY_REQUEST]: 4n,
  [LE_EVT.REMOTE_CONNECTION_PARAMETER_REQUEST]: 5n,
  [LE_EVT.DATA_LENGTH_CHANGE]: 6n,
  [LE_EVT.READ_LOCAL_P256_PUBLIC_KEY_COMPLETE]: 7n,
  [LE_EVT.GENERATE_DHKEY_COMPLETE]: 8n,
  [LE_EVT.ENHANCED_CONNECTION_COMPLETE]: 9n,
  [LE_EVT.DIRECTED_ADVERTISING_REPORT]: 10n,
  [LE_EVT.PHY_UPDATE_COMPLETE]: 11n,
  [LE_EVT.EXTENDED_ADVERTISING_REPORT]: 12n,
  [LE_EVT.SCAN_TIMEOUT]: 16n,
  [LE_EVT.CHANNEL_SELECTION_ALGORITHM]: 19n,
};

export class EventMasks {
  page1 = DEFAULT_EVENT_MASK;
  page2 = DEFAULT_EVENT_MASK_PAGE_2;
  le = DEFAULT_LE_EVENT_MASK;

  /** Is this event (and, for LE Meta, this subevent) unmasked? */
  allows(code: number, subevent?: number): boolean {
    const b1 = PAGE_1_BIT[code];
    if (b1 !== undefined && !((this.page1 >> b1) & 1n)) return false;
    const b2 = PAGE_2_BIT[code];
    if (b2 !== undefined && !((this.page2 >> b2) & 1n)) return false;
    if (code === EVT.LE_META && subevent !== undefined) {
      const bl = LE_BIT[subevent];
      if (bl !== undefined && !((this.le >> bl) & 1n)) return false;
    }
    return true;
  }

  /** Would an LE subevent reach the host? (LE Meta bit and the LE mask bit.) */
  allowsLe(subevent: number): boolean {
    return this.allows(EVT.LE_META, subevent);
  }
}
