// The CCCD's UUID as the central's discovered descriptors spell it (canonical form), made from the one
// number in common/base/codes/gatt.ts (GATT_CCCD_UUID, Core v5.4 Vol 3 Part G 3.3.3.3). CCCD bits:
// common/stack/gatt/descriptor-types.ts.
import { GATT_CCCD_UUID } from '../../common/base/codes/gatt.js';
import { uuid16 } from '../../common/stack/gatt/uuid.js';

/** Client Characteristic Configuration descriptor, canonical UUID ("2902"). */
export const CCCD_UUID = uuid16(GATT_CCCD_UUID);
