// Values of SIG characteristics in words, where the Assigned Numbers define them: Appearance
// (Core v5.4 Vol 3 Part C 12.2, a uint16 LE whose meaning is in Assigned Numbers 2.6), Battery Level
// (uint8, percent: Battery Service 3.1). Other values stay octets.
import { appearanceName } from '../../base/codes/assigned-numbers.js';
import { hex } from '../../base/codes/code-table.js';
import { GATT_CHARACTERISTIC } from '../../base/codes/gatt.js';
import { shortUuid } from './uuid.js';

/** Battery Level. Assigned Numbers 3.8; Battery Service v1.1 3.1. */
const BATTERY_LEVEL = 0x2a19;
const MAX_PERCENT = 100;

/** "Generic Computer (0x0080)", "87 %"; undefined when the characteristic has no known reading or the octets do not fit it. */
export function describeAssignedValue(uuid: string, value: Buffer): string | undefined {
  switch (shortUuid(uuid)) {
    case GATT_CHARACTERISTIC.APPEARANCE: {
      if (value.length !== 2) return undefined;
      const v = value.readUInt16LE(0);
      const name = appearanceName(v);
      return name !== undefined ? `${name} (${hex(v, 4)})` : `appearance ${hex(v, 4)}`;
    }
    case BATTERY_LEVEL:
      return value.length === 1 && value[0]! <= MAX_PERCENT ? `${value[0]} %` : undefined;
    default:
      return undefined;
  }
}
