// The CCCD's UUID as the central's discovered descriptors spell it. Core v5.4 Vol 3 Part G 3.3.3.3
// (Assigned Numbers 3.7). Declaration types: common/base/codes/gatt.ts; CCCD bits: common/stack/gatt/descriptor-types.ts.

/** Client Characteristic Configuration descriptor, canonical UUID. */
export const CCCD_UUID = '2902';

