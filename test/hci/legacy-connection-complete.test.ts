// LE Enhanced Connection Complete → LE Connection Complete for noble and bleno, which take only the plain
// event (Core v5.4 Vol 4 Part E 7.7.65.1, 7.7.65.10): the same fields without the RPAs, and a resolved
// identity's Peer_Address_Type 0x02/0x03 as 0x00/0x01, the way a controller reports it when the enhanced
// event is masked. The controller's own two encoders (common/stack/air/events.ts) are the reference.
import { describe, expect, it } from 'vitest';
import { ADDRESS_TYPE, EVT, LE_EVT, ROLE } from '../../common/base/codes/hci.js';
import { leConnectionComplete, leEnhancedConnectionComplete, type ConnectionCompleteFields } from '../../common/stack/air/events.js';
import { toLegacyConnectionComplete } from '../../common/stack/hci/legacy-connection-complete.js';

const fields = (peerAddressType: number): ConnectionCompleteFields => ({
  status: 0,
  handle: 0x0ea1,
  role: ROLE.PERIPHERAL,
  peerAddressType,
  peerAddress: Buffer.from([1, 2, 3, 4, 5, 0xc6]),
  localRpa: Buffer.from([0x11, 0x12, 0x13, 0x14, 0x15, 0x56]),
  peerRpa: Buffer.from([0x21, 0x22, 0x23, 0x24, 0x25, 0x66]),
  interval: 0x0c80,
  latency: 0x01f3,
  supervisionTimeout: 0x0c80,
  centralClockAccuracy: 7,
});

describe('LE Enhanced Connection Complete as the plain event', () => {
  it('every Peer_Address_Type: 0x00/0x01 kept, 0x02/0x03 (resolved identity) as 0x00/0x01; the RPAs dropped; the rest octet for octet', () => {
    const want = [ADDRESS_TYPE.PUBLIC, ADDRESS_TYPE.RANDOM, ADDRESS_TYPE.PUBLIC, ADDRESS_TYPE.RANDOM];
    for (const [type, plain] of [ADDRESS_TYPE.PUBLIC, ADDRESS_TYPE.RANDOM, ADDRESS_TYPE.PUBLIC_IDENTITY, ADDRESS_TYPE.RANDOM_IDENTITY].map((t, i) => [t, want[i]!] as const)) {
      const out = toLegacyConnectionComplete(leEnhancedConnectionComplete(fields(type)));
      expect(out, `type ${type}`).toEqual(leConnectionComplete(fields(plain)));
    }
  });

  it('a failed connection (status 0x02) translates too: the host learns it as it would', () => {
    const f = { ...fields(0), status: 0x02 };
    expect(toLegacyConnectionComplete(leEnhancedConnectionComplete(f))).toEqual(leConnectionComplete(f));
  });

  it('anything else passes untouched: the plain event, another LE subevent, a short or overlong enhanced event, an ACL packet', () => {
    const enhanced = leEnhancedConnectionComplete(fields(2));
    expect(toLegacyConnectionComplete(leConnectionComplete(fields(1)))).toBeUndefined();
    const other = Buffer.from(enhanced);
    other[3] = LE_EVT.LONG_TERM_KEY_REQUEST;
    expect(toLegacyConnectionComplete(other)).toBeUndefined();
    const short = Buffer.from(enhanced.subarray(0, enhanced.length - 1));
    short[2] = short.length - 3;
    expect(toLegacyConnectionComplete(short)).toBeUndefined();
    expect(toLegacyConnectionComplete(Buffer.concat([enhanced, Buffer.from([0])]))).toBeUndefined();
    const acl = Buffer.from(enhanced);
    acl[0] = 0x02;
    expect(toLegacyConnectionComplete(acl)).toBeUndefined();
    expect(enhanced[1]).toBe(EVT.LE_META);
  });
});
