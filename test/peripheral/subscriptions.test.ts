// Subscriptions: CCCD values per central; a bonded central's are kept across connections (Core v5.4 Vol 3
// Part G 3.3.3.3), and only when something is configured, so that thousands of bonds cost nothing here.
import { describe, expect, it } from 'vitest';
import { CCCD_BITS } from '../../common/stack/gatt/index.js';
import { Subscriptions } from '../../peripheral/gatt/subscriptions.js';

const central = (i: number) => `c0:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;

describe('Subscriptions', () => {
  it('keeps nothing for bonded centrals that never subscribed (2,000 connect/disconnect cycles)', () => {
    const subs = new Subscriptions();
    for (let i = 0; i < 2000; i++) {
      subs.connect(0x40, central(i));
      expect(subs.disconnect(0x40, true)).toEqual([]);
    }
    expect(subs.keptCentrals).toBe(0);
  });

  it("restores a bonded central's subscriptions on its next connection, and not an unbonded one's", () => {
    const subs = new Subscriptions();
    subs.connect(0x40, central(1));
    subs.set(0x40, 'level', CCCD_BITS.notification);
    expect(subs.disconnect(0x40, true)).toEqual(['level']);
    subs.connect(0x40, central(2));
    subs.set(0x40, 'level', CCCD_BITS.indication);
    expect(subs.disconnect(0x40, false)).toEqual(['level']);
    expect(subs.keptCentrals).toBe(1);
    subs.connect(0x40, central(1));
    expect(subs.notifying(0x40, 'level')).toBe(true);
    subs.disconnect(0x40, true);
    subs.connect(0x40, central(2));
    expect(subs.indicating(0x40, 'level')).toBe(false);
    subs.disconnect(0x40, false);
  });

  it('drops a bonded central once it has unsubscribed from everything', () => {
    const subs = new Subscriptions();
    subs.connect(0x40, central(1));
    subs.set(0x40, 'level', CCCD_BITS.notification);
    subs.disconnect(0x40, true);
    subs.connect(0x40, central(1));
    subs.set(0x40, 'level', 0);
    expect(subs.disconnect(0x40, true)).toEqual([]);
    expect(subs.keptCentrals).toBe(0);
    subs.connect(0x40, central(1));
    expect(subs.value(0x40, 'level')).toBe(0);
  });

  it('two centrals connected at once each have their own CCCD values; one leaving leaves the other subscribed', () => {
    const subs = new Subscriptions();
    subs.connect(0x40, central(1));
    subs.connect(0x41, central(2));
    subs.set(0x40, 'level', CCCD_BITS.notification);
    expect(subs.value(0x40, 'level')).toBe(CCCD_BITS.notification);
    expect(subs.value(0x41, 'level')).toBe(0);
    subs.set(0x41, 'level', CCCD_BITS.indication);
    expect(subs.notifying(0x41, 'level')).toBe(false);
    expect(subs.indicating(0x41, 'level')).toBe(true);
    expect(subs.disconnect(0x40, false)).toEqual(['level']);
    expect(subs.indicating(0x41, 'level')).toBe(true);
    expect(subs.value(0x40, 'level'), 'a gone link has no CCCD').toBe(0);
  });
});
