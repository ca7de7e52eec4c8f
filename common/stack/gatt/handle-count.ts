// How many attribute handles a profile takes when served, checked against the 16-bit handle space:
// handles run 0x0001..0xFFFF (Core v5.4 Vol 3 Part F 3.2.2), so a server holds at most 65535 attributes.
// A service is its declaration; a characteristic its declaration and value (Vol 3 Part G 3.3), then one
// per descriptor (the CCCD included). The stack adds Generic Access (declaration, Device Name,
// Appearance) and Generic Attribute (declaration, Service Changed and its CCCD, Client Supported Features,
// Database Hash: Vol 3 Part G 7) in front: 13 handles.
import type { ResolvedService } from './resolved-profile.js';

export const MAX_ATTRIBUTE_HANDLES = 0xffff;
/** Generic Access 1 + 2 × 2, Generic Attribute 1 + (2 + 1) + 2 + 2 (Service Changed and its CCCD, Client Supported Features, Database Hash). */
export const BASE_SERVICE_HANDLES = 13;

export function attributeHandleCount(services: readonly Pick<ResolvedService, 'characteristics'>[]): number {
  let n = BASE_SERVICE_HANDLES;
  for (const s of services) {
    n += 1;
    for (const c of s.characteristics) n += 2 + c.descriptors.length;
  }
  return n;
}
