// The peripheral's runtime answers, over the virtual radio with real noble (the bench's raw ATT probe,
// and central/'s client): answerWith (a chosen ATT Error Response after the property checks, instead
// of the security decision, on every road to the value), delayAnswers (the answer held, in the
// requests' order, dropped when the link goes) and refusePairing (a count, or always).
// Core v5.4 Vol 3 Part F 3.3.2, 3.3.3, 3.4.1.1; Vol 3 Part H 3.5.5.
import { openWorld } from '../../world/open-world.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { SMP_CODE, SMP_REASON } from '../../common/base/codes/smp.js';
import { CCCD_BITS, loadProfile, toUuid128 } from '../../common/stack/gatt/index.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import { AttError, OperationTimeout } from '../../central/errors.js';
import { MAX_ANSWER_DELAY_MS, PeripheralError, type RequestRecord } from '../../peripheral/index.js';
import { att, connect, errorCode, pairJustWorks, startBench, startPairing, type Bench, type Connected } from '../helpers/peripheral-bench.js';

const profile = loadProfile('default');
const SERVICE = profile.advertising.serviceUuids[0]!;
let bench: Bench | undefined;
let link: Connected;
const closers: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  await bench?.close();
  bench = undefined;
  for (const c of closers.splice(0).reverse()) await c();
});

async function start() {
  bench = await startBench(profile);
  link = await connect(bench, SERVICE);
  return bench;
}
const h = (name: string) => bench!.server.handles(name);
const uuidOf = (name: string) => toUuid128(profile.services[0]!.characteristics.find((c) => c.name === name)!.uuid);
const bits = (n: number) => Buffer.from([n & 0xff, n >> 8]);
const lastSeq = (b: Bench, side: 'ct' | 'pt') => b[side].tap.entries.at(-1)?.seq ?? -1;
const requests = (b: Bench) => {
  const out: RequestRecord[] = [];
  b.server.on('request', (r) => out.push(r));
  return out;
};
/** An ATT PDU with this opcode (and handle), one direction, after seq. */
const attPdu = (dir: 'rx' | 'tx', opcode: number, after: number, handle?: number) => (e: TimelineEntry) =>
  e.seq > after && e.layer === 'att' && e.dir === dir && e.raw[0] === opcode && (handle === undefined || e.raw.readUInt16LE(1) === handle);

describe('answerWith', () => {
  it('answers every road to the value with the chosen code (Read, Read Blob, Read By Type, Read Multiple), until cleared', async () => {
    const b = await start();
    const v = h('Open Read').value;
    const seen = requests(b);
    b.server.answerWith('Open Read', 'read', ATT_ERROR.UNLIKELY_ERROR);
    expect(errorCode(await link.probe.request(att.read(v)))).toBe(ATT_ERROR.UNLIKELY_ERROR);
    expect(errorCode(await link.probe.request(att.readBlob(v, 1)))).toBe(ATT_ERROR.UNLIKELY_ERROR);
    const byType = await link.probe.request(att.readByType128(1, 0xffff, uuidOf('Open Read')));
    expect(errorCode(byType)).toBe(ATT_ERROR.UNLIKELY_ERROR);
    expect(byType.readUInt16LE(2)).toBe(v);
    expect(errorCode(await link.probe.request(att.readMultiple(h('Indicate').value, v)))).toBe(ATT_ERROR.UNLIKELY_ERROR);
    // another characteristic and another operation are untouched
    expect((await link.probe.request(att.read(h('Indicate').value)))[0]).toBe(ATT_OP.READ_RSP);
    expect(seen.filter((r) => r.characteristic === 'Open Read').map((r) => r.outcome)).toEqual(Array(4).fill(expect.objectContaining({ ok: false, attError: 0x0e, errorName: 'Unlikely Error', silent: false })));
    expect(seen.find((r) => r.characteristic === 'Open Read')!.reason).toMatch(/as asked \(answerWith/);

    b.server.answerWith('Open Read', 'read', null);
    const rsp = await link.probe.request(att.read(v));
    expect(rsp[0]).toBe(ATT_OP.READ_RSP);
    expect(rsp.subarray(1)).toEqual(b.server.value('Open Read'));
  });

  it('comes after the property check and instead of the security decision, before and after pairing; errorOverride is not reached', async () => {
    const b = await start();
    // no write property: the property check answers, and answerWith says why it cannot apply
    expect(() => b.server.answerWith('Open Read', 'write', ATT_ERROR.UNLIKELY_ERROR)).toThrow(PeripheralError);
    expect(() => b.server.answerWith('Open Read', 'subscribe', ATT_ERROR.UNLIKELY_ERROR)).toThrow(/no CCCD/);
    expect(() => b.server.answerWith('Open Read', 'read', 0)).toThrow(/one octet from 0x01/);
    expect(errorCode(await link.probe.request(att.write(h('Open Read').value, Buffer.from('x'))))).toBe(ATT_ERROR.WRITE_NOT_PERMITTED);

    const enc = h('Encrypted Read').value;
    const imitated = h('Encrypted Read Answering 0x0F').value;
    expect(errorCode(await link.probe.request(att.read(enc))), 'the spec answer first').toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(errorCode(await link.probe.request(att.read(imitated))), 'the profile errorOverride').toBe(ATT_ERROR.INSUFFICIENT_ENCRYPTION);
    b.server.answerWith('Encrypted Read', 'read', ATT_ERROR.INSUFFICIENT_ENCRYPTION);
    b.server.answerWith('Encrypted Read Answering 0x0F', 'read', ATT_ERROR.INSUFFICIENT_RESOURCES);
    expect(errorCode(await link.probe.request(att.read(enc)))).toBe(ATT_ERROR.INSUFFICIENT_ENCRYPTION);
    expect(errorCode(await link.probe.request(att.read(imitated)))).toBe(ATT_ERROR.INSUFFICIENT_RESOURCES);
    await pairJustWorks(b, link.handle);
    expect(errorCode(await link.probe.request(att.read(enc))), 'encrypted now, and still the chosen code').toBe(ATT_ERROR.INSUFFICIENT_ENCRYPTION);
    b.server.answerWith('Encrypted Read', 'read', null);
    expect((await link.probe.request(att.read(enc)))[0]).toBe(ATT_OP.READ_RSP);
  });

  it('nth and repeat: only the 2nd request, or every one from the 2nd on', async () => {
    const b = await start();
    const v = h('Open Read').value;
    const codes = async (n: number) => {
      const out: Array<number | undefined> = [];
      for (let i = 0; i < n; i++) out.push(errorCode(await link.probe.request(att.read(v))));
      return out;
    };
    b.server.answerWith('Open Read', 'read', ATT_ERROR.UNLIKELY_ERROR, { nth: 2, repeat: false });
    expect(await codes(3)).toEqual([undefined, 0x0e, undefined]);
    b.server.answerWith('Open Read', 'read', ATT_ERROR.INSUFFICIENT_RESOURCES, { nth: 2 });
    expect(await codes(3)).toEqual([undefined, 0x11, 0x11]);
  });

  it('write: Write Request and Prepare Write get the code and the value stays; subscribe: the CCCD write gets it and nothing is enabled', async () => {
    const b = await start();
    const before = b.server.value('Named Setting');
    b.server.answerWith('Named Setting', 'write', ATT_ERROR.WRITE_REQUEST_REJECTED);
    expect(errorCode(await link.probe.request(att.write(h('Named Setting').value, Buffer.from([3]))))).toBe(ATT_ERROR.WRITE_REQUEST_REJECTED);
    expect(errorCode(await link.probe.request(att.prepareWrite(h('Named Setting').value, 0, Buffer.from([3]))))).toBe(ATT_ERROR.WRITE_REQUEST_REJECTED);
    expect(b.server.value('Named Setting')).toEqual(before);

    b.server.answerWith('Temperature', 'subscribe', ATT_ERROR.CCCD_IMPROPERLY_CONFIGURED);
    const cccd = h('Temperature').cccd!;
    expect(errorCode(await link.probe.request(att.write(cccd, bits(CCCD_BITS.notification))))).toBe(ATT_ERROR.CCCD_IMPROPERLY_CONFIGURED);
    expect(b.server.subscription('Temperature')).toBe(0);
    // the CCCD value's own checks come first (a 1-octet value is 0x0D whatever was chosen)
    expect(errorCode(await link.probe.request(att.write(cccd, Buffer.from([1]))))).toBe(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH);
  });

  it("central/'s client reports the chosen code as the read's error, and does not pair for 0x0E", async () => {
    const { client, server } = await clientRig();
    server.answerWith('Open Read', 'read', ATT_ERROR.UNLIKELY_ERROR);
    const conn = await client.connectTo({ kind: 'service', value: SERVICE });
    const c = (await conn.characteristics()).find((x) => x.uuid === uuidOfDefault('Open Read'))!;
    const err = await conn.read(c).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AttError);
    expect(err).toMatchObject({ attCode: ATT_ERROR.UNLIKELY_ERROR, requestOpcode: ATT_OP.READ_REQ });
    expect(conn.pairings).toHaveLength(0);
  });
});

describe('delayAnswers', () => {
  it('holds the answer for the time asked; other characteristics are answered at once', async () => {
    const b = await start();
    const seen = requests(b);
    const v = h('Open Read').value;
    b.server.delayAnswers('Open Read', 'read', 200);
    const from = lastSeq(b, 'pt');
    const rsp = await link.probe.request(att.read(v));
    expect(rsp[0]).toBe(ATT_OP.READ_RSP);
    expect(rsp.subarray(1)).toEqual(b.server.value('Open Read'));
    const req = b.pt.tap.entries.find(attPdu('rx', ATT_OP.READ_REQ, from))!;
    const out = b.pt.tap.entries.find(attPdu('tx', ATT_OP.READ_RSP, from))!;
    expect(out.ms - req.ms).toBeGreaterThanOrEqual(199);
    expect(b.pt.tap.entries.filter(attPdu('tx', ATT_OP.READ_RSP, from)), "bleno's own answer was not sent as well").toHaveLength(1);
    expect(seen.at(-1)).toMatchObject({ characteristic: 'Open Read', delayMs: 200 });

    const from2 = lastSeq(b, 'pt');
    await link.probe.request(att.read(h('Indicate').value));
    const req2 = b.pt.tap.entries.find(attPdu('rx', ATT_OP.READ_REQ, from2))!;
    const out2 = b.pt.tap.entries.find(attPdu('tx', ATT_OP.READ_RSP, from2))!;
    expect(out2.ms - req2.ms).toBeLessThan(100);
  });

  it("holds error answers too, with '*' rules; the most specific rule wins and 0 clears it", async () => {
    const b = await start();
    b.server.delayAnswers('*', '*', 150);
    b.server.delayAnswers('Open Read', '*', 0); // no rule of its own: '*' applies
    const took = async (pdu: Buffer) => {
      const from = lastSeq(b, 'pt');
      const rsp = await link.probe.request(pdu);
      const req = b.pt.tap.entries.find((e) => e.seq > from && e.layer === 'att' && e.dir === 'rx')!;
      const ans = b.pt.tap.entries.find((e) => e.seq > from && e.layer === 'att' && e.dir === 'tx')!;
      return { code: errorCode(rsp), ms: ans.ms - req.ms };
    };
    const encrypted = await took(att.read(h('Encrypted Read').value));
    expect(encrypted.code).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(encrypted.ms).toBeGreaterThanOrEqual(149);
    b.server.delayAnswers('Open Read', 'read', 1); // more specific than '*'
    expect((await took(att.read(h('Open Read').value))).ms).toBeLessThan(100);
    const cccd = await took(att.write(h('Temperature').cccd!, bits(CCCD_BITS.notification)));
    expect(cccd.ms, 'subscribe is held by the * rule').toBeGreaterThanOrEqual(149);
    b.server.delayAnswers('*', '*', 0);
    expect((await took(att.read(h('Encrypted Read').value))).ms).toBeLessThan(100);
  });

  it('is bounded and names what cannot be delayed', async () => {
    const b = await start();
    expect(() => b.server.delayAnswers('Open Read', 'read', MAX_ANSWER_DELAY_MS + 1)).toThrow(/0 to 30000 ms/);
    expect(() => b.server.delayAnswers('Open Read', 'read', -1)).toThrow(PeripheralError);
    expect(() => b.server.delayAnswers('Encrypted Write Command', 'writeWithoutResponse' as never, 10)).toThrow(/Write Command gets no answer/);
    expect(() => b.server.delayAnswers('No Such Thing', 'read', 10)).toThrow(/has no characteristic "No Such Thing"/);
  });

  it('keeps one request outstanding: a second request sent while an answer is held is answered after it, in order', async () => {
    const b = await start();
    b.server.delayAnswers('Open Read', 'read', 250);
    const from = lastSeq(b, 'ct');
    // a client breaking the rule: two requests without waiting (noble's own queue would never do this)
    link.probe.command(att.read(h('Open Read').value));
    link.probe.command(att.read(h('Indicate').value));
    const answers = (e: TimelineEntry) => e.seq > from && e.layer === 'att' && e.dir === 'rx' && e.raw[0] === ATT_OP.READ_RSP;
    await b.ct.tap.waitFor((e) => answers(e) && b.ct.tap.entries.filter(answers).length === 2, { timeoutMs: 5000, includePast: true, what: 'both Read Responses' });
    const got = b.ct.tap.entries.filter(answers);
    expect(got.map((e) => e.raw.subarray(1))).toEqual([b.server.value('Open Read'), b.server.value('Indicate')]);
    const sent = b.ct.tap.entries.find((e) => e.seq > from && e.layer === 'att' && e.dir === 'tx')!;
    expect(got[0]!.ms - sent.ms).toBeGreaterThanOrEqual(249);
    expect(got[1]!.ms).toBeGreaterThanOrEqual(got[0]!.ms);
  });

  it('a disconnection while an answer is held drops it: nothing reaches the next link', async () => {
    const b = await start();
    const DELAY = 500;
    b.server.delayAnswers('Open Read', 'read', DELAY);
    const fromP = lastSeq(b, 'pt');
    link.probe.command(att.read(h('Open Read').value));
    const req = await b.pt.tap.waitFor(attPdu('rx', ATT_OP.READ_REQ, fromP), { timeoutMs: 5000, includePast: true, what: 'the Read Request at the peripheral' });
    await b.server.disconnect();
    expect((b.server as unknown as { att: { holding: boolean } }).att.holding, 'nothing held after the link went').toBe(false);
    // A new link well within the delay: a held answer sent now would land on it.
    const fromC = lastSeq(b, 'ct');
    link = await connect(b, SERVICE);
    const reconnected = b.pt.tap.entries.at(-1)!.ms;
    expect(reconnected - req.ms, 'the new link came up before the held answer was due').toBeLessThan(DELAY);
    // Bounded wait past the answer's time (its due time on the peripheral's clock, and 300 ms more): no Read
    // Response for Open Read's value on the new link.
    const stale = (e: TimelineEntry) => e.seq > fromC && e.layer === 'att' && e.dir === 'rx' && e.raw[0] === ATT_OP.READ_RSP;
    const untilPastDue = req.ms + DELAY + 300 - (performance.now() - b.pt.tap.startedAt);
    await expect(b.ct.tap.waitFor(stale, { timeoutMs: Math.max(untilPastDue, 300), includePast: true, what: 'a stale Read Response' })).rejects.toThrow();
    expect(performance.now() - b.pt.tap.startedAt - req.ms, 'waited past the time the held answer was due').toBeGreaterThan(DELAY);
    // and the new link answers normally once the rule is cleared
    b.server.delayAnswers('Open Read', 'read', 0);
    expect((await link.probe.request(att.read(h('Open Read').value)))[0]).toBe(ATT_OP.READ_RSP);
  });

  it("central/'s client gets a delayed answer within its timeout, and an ATT timeout when the delay is longer", async () => {
    const { client, server } = await clientRig(400);
    const conn = await client.connectTo({ kind: 'service', value: SERVICE });
    const c = (await conn.characteristics()).find((x) => x.uuid === uuidOfDefault('Open Read'))!;
    server.delayAnswers('Open Read', 'read', 150);
    expect(await conn.read(c)).toEqual(server.value('Open Read'));
    server.delayAnswers('Open Read', 'read', 1000);
    await expect(conn.read(c)).rejects.toBeInstanceOf(OperationTimeout);
  });
});

describe('refusePairing', () => {
  const pairingFailed = (b: Bench, after: number) => (e: TimelineEntry) => e.seq > after && e.layer === 'smp' && e.dir === 'rx' && e.fields.code === SMP_CODE.PAIRING_FAILED;
  const encrypted = (b: Bench, after: number) => (e: TimelineEntry) => e.seq > after && e.name === 'HCI Encryption Change' && e.fields.enabled === true;
  /** One pairing attempt from the central: its Pairing Failed reason, or 'encrypted'. */
  const attempt = async (b: Bench): Promise<number | 'encrypted'> => {
    const after = lastSeq(b, 'ct');
    startPairing(b, link.handle);
    const e = await b.ct.tap.waitFor((x) => pairingFailed(b, after)(x) || encrypted(b, after)(x), { timeoutMs: 5000, includePast: true, what: 'Pairing Failed or Encryption Change' });
    return e.name === 'HCI Encryption Change' ? 'encrypted' : (e.fields.reason as number);
  };

  it('times: 2 refuses the next two Pairing Requests, then bleno pairs', async () => {
    const b = await start();
    b.server.refusePairing(SMP_REASON.REPEATED_ATTEMPTS, { times: 2 });
    expect(await attempt(b)).toBe(SMP_REASON.REPEATED_ATTEMPTS);
    expect(await attempt(b)).toBe(SMP_REASON.REPEATED_ATTEMPTS);
    expect(await attempt(b)).toBe('encrypted');
  });

  it("'always' (the default) refuses every one until acceptPairing; refuseNextPairing stays one-shot", async () => {
    const b = await start();
    b.server.refusePairing(SMP_REASON.PAIRING_NOT_SUPPORTED);
    for (let i = 0; i < 3; i++) expect(await attempt(b)).toBe(SMP_REASON.PAIRING_NOT_SUPPORTED);
    b.server.acceptPairing();
    b.server.refuseNextPairing(SMP_REASON.UNSPECIFIED_REASON);
    expect(await attempt(b)).toBe(SMP_REASON.UNSPECIFIED_REASON);
    expect(await attempt(b)).toBe('encrypted');
    expect(() => b.server.refusePairing(SMP_REASON.UNSPECIFIED_REASON, { times: 0 })).toThrow(PeripheralError);
  });
});

function uuidOfDefault(name: string) {
  return profile.services[0]!.characteristics.find((c) => c.name === name)!.uuid;
}

/** The default profile served, and central/'s client (noble) on the same virtual radio. */
async function clientRig(timeoutMs = 5000) {
  const w = await openWorld({ radio: { name: 'runtime-answers' }, peripheral: { profile }, central: { policy: 'on-error', timeoutMs } });
  closers.push(() => w.close());
  return w;
}
