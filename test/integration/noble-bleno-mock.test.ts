// Issue 2's proof: the real noble central and the real bleno peripheral meet on the virtual radio
// (one process), and the tap shows what went over the air.
import { openWorld, type WorldParts } from '../../world/open-world.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { ATT_OP } from '../../common/base/codes/att.js';
import { SMP_CODE } from '../../common/base/codes/smp.js';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import { loadNoble, type LoadedNoble } from '../../central/noble/load.js';
import type { LoadedBleno } from '../../peripheral/bleno/index.js';
import { OPEN_CHAR, OPEN_VALUE, SECURE_CHAR, SECURE_VALUE, SEAM_SERVICE, serveSeamCheck } from '../helpers/seam-check-gatt.js';
import { connectAndDiscover, scanFor } from '../helpers/central-steps.js';
import { waitForEvent } from '../../common/base/util/wait.js';

let world: WorldParts | undefined;
let pt: HciTransport;
let ct: HciTransport;
let bleno: LoadedBleno;
let noble: LoadedNoble;

beforeEach(async () => {
  const w = (world = await openWorld({ radio: { name: 'test' }, peripheral: { kind: 'bleno' }, central: { kind: 'transport' } }));
  ({ pt, ct, bleno } = w);
  await serveSeamCheck(bleno.bleno);
  // noble as shipped, loaded once bleno serves.
  noble = await loadNoble(ct);
  w.addPart('noble', () => noble.close());
});

afterEach(async () => {
  await world?.close();
  world = undefined;
});

const named = (entries: readonly TimelineEntry[], name: string) => entries.filter((e) => e.name === name);

describe('noble and bleno over the mock transport', () => {
  it('scan, connect, discover, read the open value, then the secure one after pairing', async () => {
    const p = await scanFor(noble.noble, SEAM_SERVICE);
    expect(p.advertisement.localName).toBe('blebench-seam');
    const { characteristics } = await connectAndDiscover(p);
    const open = characteristics.find((c) => c.uuid === OPEN_CHAR)!;
    const secure = characteristics.find((c) => c.uuid === SECURE_CHAR)!;
    expect(open && secure).toBeTruthy();

    expect(await open.readAsync()).toEqual(OPEN_VALUE);
    // noble pairs silently on 0x05 and re-sends the read (design.md): the value arrives.
    expect(await secure.readAsync()).toEqual(SECURE_VALUE);

    const c = ct.tap.entries;
    // ATT Error Response 0x05 for the first secure read
    const err = c.find((e) => e.layer === 'att' && e.fields.errorCode === 0x05);
    expect(err, 'ATT Error Response 0x05 on the central tap').toBeDefined();
    expect(err!.dir).toBe('rx');
    expect(err!.fields.requestOpcode).toBe(ATT_OP.READ_REQ);
    // the SMP legacy pairing exchange, in order
    const smp = c.filter((e) => e.layer === 'smp').map((e) => `${e.dir}:${e.fields.code}`);
    expect(smp.slice(0, 6)).toEqual([
      `tx:${SMP_CODE.PAIRING_REQUEST}`,
      `rx:${SMP_CODE.PAIRING_RESPONSE}`,
      `tx:${SMP_CODE.PAIRING_CONFIRM}`,
      `rx:${SMP_CODE.PAIRING_CONFIRM}`,
      `tx:${SMP_CODE.PAIRING_RANDOM}`,
      `rx:${SMP_CODE.PAIRING_RANDOM}`,
    ]);
    // Encryption Change status 0x00 on both sides
    for (const tap of [ct.tap, pt.tap]) {
      const enc = tap.entries.filter((e) => e.layer === 'hci-evt' && e.fields.encryptionEnabled !== undefined);
      expect(enc.length).toBeGreaterThan(0);
      expect(enc[0]!.fields.status).toBe(HCI_STATUS.SUCCESS);
    }
    // the re-sent Read Request answered with the value, after encryption
    const encAt = ct.tap.entries.findIndex((e) => e.layer === 'hci-evt' && e.fields.encryptionEnabled !== undefined);
    const readRsp = c.findIndex((e, i) => i > encAt && e.layer === 'att' && e.fields.opcode === ATT_OP.READ_RSP);
    expect(readRsp).toBeGreaterThan(encAt);
    expect(Buffer.from(c[readRsp]!.raw.subarray(1))).toEqual(SECURE_VALUE);
    // the link state the security policy reads
    const link = ct.tap.links()[0]!;
    expect(link.encrypted).toBe(true);
    expect(pt.tap.links()[0]!.encrypted).toBe(true);
    // the peripheral's kernel share answered the LE LTK Request from the key bleno loaded
    expect(pt.kernelShare!.longTermKeys.length).toBe(1);
    expect(named(pt.tap.entries, 'HCI LE Long Term Key Request Reply').length).toBe(1);
  });

  it('a disconnect from the central reaches the peripheral with its reason', async () => {
    const p = await scanFor(noble.noble, SEAM_SERVICE);
    await connectAndDiscover(p);
    const gone = waitForEvent(bleno.bleno as unknown as NodeJS.EventEmitter, 'disconnect', { what: 'bleno disconnect', timeoutMs: 5000 });
    await p.disconnectAsync();
    await gone;
    const peer = await pt.tap.waitFor((e) => e.name === 'HCI Disconnection Complete', { timeoutMs: 5000, includePast: true });
    expect(peer.fields.reason).toBe(HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION);
    const local = await ct.tap.waitFor((e) => e.name === 'HCI Disconnection Complete', { timeoutMs: 5000, includePast: true });
    expect(local.fields.reason).toBe(HCI_STATUS.CONNECTION_TERMINATED_BY_LOCAL_HOST);
  });

  it('a disconnect from the peripheral reaches the central with its reason', async () => {
    const p = await scanFor(noble.noble, SEAM_SERVICE);
    await connectAndDiscover(p);
    const gone = waitForEvent(p as unknown as NodeJS.EventEmitter, 'disconnect', { what: 'noble disconnect', timeoutMs: 5000 });
    bleno.bleno.disconnect();
    await gone;
    const central = await ct.tap.waitFor((e) => e.name === 'HCI Disconnection Complete', { timeoutMs: 5000, includePast: true });
    expect(central.fields.reason).toBe(HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION);
    const local = await pt.tap.waitFor((e) => e.name === 'HCI Disconnection Complete', { timeoutMs: 5000, includePast: true });
    expect(local.fields.reason).toBe(HCI_STATUS.CONNECTION_TERMINATED_BY_LOCAL_HOST);
  });

  it('mismatched keys fail the MIC: Disconnection Complete 0x3D on both sides, no Encryption Change', async () => {
    const p = await scanFor(noble.noble, SEAM_SERVICE);
    const { characteristics } = await connectAndDiscover(p);
    // pair once so the peripheral holds a key (EDIV 0, Rand 0: bleno's STK-as-LTK)
    expect(await characteristics.find((c) => c.uuid === SECURE_CHAR)!.readAsync()).toEqual(SECURE_VALUE);
    const handle = ct.tap.links()[0]!.handle;
    const before = { c: ct.tap.entries.length, p: pt.tap.entries.length };
    // the central now starts encryption with the same EDIV/Rand but another key
    noble.internals.bindings._hci.startLeEncryption(handle, Buffer.alloc(8), Buffer.alloc(2), Buffer.alloc(16, 0xa5));
    const isGone = (e: TimelineEntry) => e.name === 'HCI Disconnection Complete';
    const c = await ct.tap.waitFor((e) => e.seq >= before.c && isGone(e), { timeoutMs: 5000, includePast: true });
    const pe = await pt.tap.waitFor((e) => e.seq >= before.p && isGone(e), { timeoutMs: 5000, includePast: true });
    expect(c.fields.reason).toBe(HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE);
    expect(pe.fields.reason).toBe(HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE);
    // the peripheral's host did answer with its key; no Encryption Change of the refresh reached either host
    expect(pt.tap.entries.some((e) => e.seq >= before.p && e.name === 'HCI LE Long Term Key Request Reply')).toBe(true);
    const isEnc = (e: TimelineEntry) => /^HCI Encryption (Change|Key Refresh)/.test(e.name);
    expect(ct.tap.entries.filter((e) => e.seq >= before.c && isEnc(e))).toHaveLength(0);
    expect(pt.tap.entries.filter((e) => e.seq >= before.p && isEnc(e))).toHaveLength(0);
  });

  it('encryption with no key on the peripheral: negative reply, central sees 0x06', async () => {
    const p = await scanFor(noble.noble, SEAM_SERVICE);
    await connectAndDiscover(p);
    const handle = ct.tap.links()[0]!.handle;
    noble.internals.bindings._hci.startLeEncryption(handle, Buffer.alloc(8, 1), Buffer.from([1, 2]), Buffer.alloc(16, 0x11));
    const neg = await pt.tap.waitFor((e) => e.name === 'HCI LE Long Term Key Request Negative Reply', { timeoutMs: 5000, includePast: true });
    expect(neg.dir).toBe('tx');
    const c = await ct.tap.waitFor((e) => e.name === 'HCI Encryption Change', { timeoutMs: 5000, includePast: true });
    expect(c.fields.status).toBe(HCI_STATUS.PIN_OR_KEY_MISSING);
    expect(ct.tap.links()[0]!.encrypted).toBe(false);
  });
});
