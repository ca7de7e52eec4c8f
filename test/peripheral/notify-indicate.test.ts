// Notifications and indications go only to a central that enabled them with a CCCD write that
// succeeded, on a link secure enough (GATT/SR/GAN/BV-01-C, GAI/BV-01-C); an indication waits for
// its confirmation; the CCCD bit chosen decides which is sent (bleno always notifies).
import { afterEach, describe, expect, it } from 'vitest';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { CCCD_BITS, defineProfile, loadProfile, type ResolvedProfile } from '../../common/stack/gatt/index.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import { att, connect, errorCode, pairJustWorks, startBench, type Bench, type Connected } from '../helpers/peripheral-bench.js';

let bench: Bench;
let link: Connected;
afterEach(async () => bench?.close());

async function start(profile: ResolvedProfile) {
  bench = await startBench(profile);
  link = await connect(bench, profile.advertising.serviceUuids[0]!);
}

const bits = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const valuePdus = (op: number, handle: number) => (e: TimelineEntry) => e.layer === 'att' && e.dir === 'rx' && e.raw[0] === op && e.raw.readUInt16LE(1) === handle;
const seen = (op: number, handle: number) => bench.ct.tap.entries.filter(valuePdus(op, handle));

describe('notifications', () => {
  it('GATT/SR/GAN/BV-01-C, GATT/SR/GAW/BV-08-C: Encrypted Notify: the CCCD write before pairing answers 0x05 and nothing is notified; after pairing both work', async () => {
    await start(loadProfile('default'));
    const h = bench.server.handles('Encrypted Notify');
    expect(errorCode(await link.probe.request(att.write(h.cccd!, bits(CCCD_BITS.notification))))).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(bench.server.subscription('Encrypted Notify')).toBe(0);
    const refused = bench.server.notify('Encrypted Notify', Buffer.from([1, 0]));
    expect(refused.sent).toBe(false);

    await pairJustWorks(bench, link.handle);
    const subscribed = new Promise((resolve) => bench.server.once('subscribe', resolve));
    expect((await link.probe.request(att.write(h.cccd!, bits(CCCD_BITS.notification))))[0]).toBe(ATT_OP.WRITE_RSP);
    expect(await subscribed).toMatchObject({ characteristic: 'Encrypted Notify', notifications: true, indications: false });
    const d = bench.server.notify('Encrypted Notify', Buffer.from([2, 0]));
    expect(d.sent).toBe(true);
    const ntf = await bench.ct.tap.waitFor(valuePdus(ATT_OP.HANDLE_VALUE_NTF, h.value), { timeoutMs: 5000, includePast: true, what: 'the notification' });
    expect(ntf.raw.subarray(3)).toEqual(Buffer.from([2, 0]));
    expect(seen(ATT_OP.HANDLE_VALUE_NTF, h.value)).toHaveLength(1);
  });

  it('a subscribed link whose security no longer suffices gets no notification', async () => {
    await start(loadProfile('default'));
    const h = bench.server.handles('Temperature');
    expect((await link.probe.request(att.write(h.cccd!, bits(CCCD_BITS.notification))))[0]).toBe(ATT_OP.WRITE_RSP);
    expect(bench.server.notify('Temperature').sent).toBe(true);
    bench.server.setSecurity('Temperature', 'notify', 'encrypted');
    const d = bench.server.notify('Temperature');
    expect(d).toMatchObject({ sent: false });
    expect(d.sent === false && d.reason).toMatch(/not encrypted/);
    await bench.ct.tap.waitFor(valuePdus(ATT_OP.HANDLE_VALUE_NTF, h.value), { timeoutMs: 5000, includePast: true });
    // an answer to a later request proves nothing else was sent before it
    await link.probe.request(att.read(h.value));
    expect(seen(ATT_OP.HANDLE_VALUE_NTF, h.value)).toHaveLength(1);
  });

  it('an unbonded central\'s subscription ends with its link', async () => {
    await start(loadProfile('default'));
    const h = bench.server.handles('Temperature');
    await link.probe.request(att.write(h.cccd!, bits(CCCD_BITS.notification)));
    expect(bench.server.subscription('Temperature')).toBe(CCCD_BITS.notification);
    const gone = new Promise((resolve) => bench.server.once('unsubscribe', resolve));
    await bench.server.disconnect();
    expect(await gone).toMatchObject({ characteristic: 'Temperature', bits: 0 });
    expect(bench.server.subscription('Temperature')).toBe(0);
    expect(bench.server.notify('Temperature')).toMatchObject({ sent: false, reason: 'no central is connected' });
  });
});

describe('indications', () => {
  it('GATT/SR/GAI/BV-01-C: Indicate: after the CCCD write an indication is sent and confirmed by the central', async () => {
    await start(loadProfile('default'));
    const h = bench.server.handles('Indicate');
    expect((await link.probe.request(att.write(h.cccd!, bits(CCCD_BITS.indication))))[0]).toBe(ATT_OP.WRITE_RSP);
    const d = await bench.server.indicate('Indicate', Buffer.from([7]));
    expect(d).toMatchObject({ sent: true, confirmed: true });
    expect(seen(ATT_OP.HANDLE_VALUE_IND, h.value)).toHaveLength(1);
    const cfm = bench.ct.tap.entries.filter((e) => e.layer === 'att' && e.dir === 'tx' && e.raw[0] === ATT_OP.HANDLE_VALUE_CFM);
    expect(cfm).toHaveLength(1);
  });

  it('the notification bit on an indicate-only characteristic is refused with 0x13', async () => {
    await start(loadProfile('default'));
    const h = bench.server.handles('Indicate');
    expect(errorCode(await link.probe.request(att.write(h.cccd!, bits(CCCD_BITS.notification))))).toBe(ATT_ERROR.VALUE_NOT_ALLOWED);
    expect(errorCode(await link.probe.request(att.write(h.cccd!, Buffer.from([1]))))).toBe(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH);
  });

  it('with both properties, the CCCD bit decides: indications enabled → an indication, no notification', async () => {
    await start(
      defineProfile({
        name: 'both',
        services: [{ name: 'S', uuid: 'b1eb4000-7e57-4b3e-9c1d-2f5e0b1c7a90', characteristics: [{ name: 'Both', uuid: 'b1eb4001-7e57-4b3e-9c1d-2f5e0b1c7a90', properties: ['read', 'notify', 'indicate'], value: { bytes: [0] } }] }],
      }),
    );
    const h = bench.server.handles('Both');
    await link.probe.request(att.write(h.cccd!, bits(CCCD_BITS.indication)));
    expect(bench.server.notify('Both').sent).toBe(false);
    expect(await bench.server.indicate('Both', Buffer.from([9]))).toMatchObject({ sent: true, confirmed: true });
    expect(seen(ATT_OP.HANDLE_VALUE_NTF, h.value)).toHaveLength(0);
    expect(seen(ATT_OP.HANDLE_VALUE_IND, h.value)).toHaveLength(1);
  });
});
