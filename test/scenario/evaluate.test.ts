// The evaluator against hand-built timelines (spec-correct packets through real Taps): every expectation
// kind holds on the story's exchange and fails, in plain words, on a broken one.
import { describe, expect, it } from 'vitest';
import { IO_CAPABILITY } from '../../common/base/codes/smp.js';
import { evaluate, evaluateRun, linkSecurity, protocolCode, type Scenario, type Step, type StepResult, type Timelines } from '../../common/apps/scenario/index.js';
import { HANDLE } from '../trace/packets.js';
import { readmeExamples, scenarioFrom, stepOf } from './helpers.js';
import { lostDuringPairing, story } from './sessions.js';

const OK: StepResult = { outcome: { kind: 'ok' }, durationMs: 1 };
const story0 = () => scenarioFrom(readmeExamples('yaml')[0]!);
/** The verdicts of one expectation (the outcome verdict comes first; index 1 is the first one written). */
const only = (step: Step, result: StepResult, t: Timelines) => evaluate(step, result, t).slice(1);
const timelineStep = (items: string) => stepOf(`    - pair:\n      expect:\n        timeline:\n${items}`);

describe('timeline expectations: seen', () => {
  it('the central sent an SMP Pairing Request with IO capability NoInputNoOutput: holds', () => {
    const { session } = story();
    const [v] = only(timelineStep('          - { pdu: SMP Pairing Request, sent-by: central, fields: { ioCapability: NoInputNoOutput } }'), OK, session.timelines);
    expect(v).toMatchObject({ ok: true, path: '/central/steps/0/expect/timeline/0' });
    expect(v!.message).toMatch(/^the central sent SMP Pairing Request with ioCapability NoInputNoOutput at \d+\.\d ms \(#\d+\)$/);
  });

  it('fails with what the central sent instead, and when', () => {
    const { session } = story({ ioCapability: IO_CAPABILITY.KEYBOARD_DISPLAY });
    const [v] = only(timelineStep('          - { pdu: SMP Pairing Request, sent-by: central, fields: { ioCapability: NoInputNoOutput } }'), OK, session.timelines);
    expect(v!.ok).toBe(false);
    expect(v!.message).toMatch(/^expected the central to send SMP Pairing Request with ioCapability NoInputNoOutput; the central sent ioCapability KeyboardDisplay at \d+\.\d ms \(#\d+\)$/);
  });

  it('judges who sent a PDU the same on either tap alone (tx on the sender\'s, rx on the receiver\'s)', () => {
    const { session } = story();
    const step = timelineStep('          - { pdu: SMP Pairing Response, sent-by: peripheral, fields: { maxEncryptionKeySize: 16 } }\n          - { pdu: SMP Pairing Response, sent-by: central, count: 0 }');
    for (const t of [{ central: session.central.entries }, { peripheral: session.peripheral.entries }]) {
      expect(only(step, OK, t).map((v) => v.ok)).toEqual([true, true]);
    }
  });

  it('count: 0 holds when no Pairing Request was sent, and fails naming the one that was', () => {
    const step = timelineStep('          - { pdu: SMP Pairing Request, count: 0 }');
    expect(only(step, OK, story({ noPairing: true }).session.timelines)[0]).toMatchObject({ ok: true, message: "no SMP Pairing Request on the central's timeline, as expected" });
    const [v] = only(step, OK, story().session.timelines);
    expect(v!.ok).toBe(false);
    expect(v!.message).toMatch(/^expected no SMP Pairing Request on the central's timeline; there was one at \d+\.\d ms \(#\d+\)$/);
  });

  it('at-least counts notifications, and says how many came when too few did', () => {
    const step = timelineStep('          - { pdu: ATT Handle Value Notification, sent-by: peripheral, at-least: 3 }');
    expect(only(step, OK, story().session.timelines)[0]!.ok).toBe(true);
    const [v] = only(step, OK, story({ notifications: ['one', 'two'] }).session.timelines);
    expect(v!.message).toMatch(/^expected the peripheral to send ATT Handle Value Notification at least 3 times; the peripheral sent 2: at .* ms \(#\d+\), at .* ms \(#\d+\)$/);
  });

  it('before: holds when the PDU came before the other, fails when the other never came', () => {
    const step = timelineStep('          - { pdu: ATT Error Response, fields: { errorCode: 0x05 }, before: SMP Pairing Request }');
    expect(only(step, OK, story().session.timelines)[0]!.ok).toBe(true);
    const [v] = only(step, OK, story({ noPairing: true }).session.timelines);
    expect(v).toMatchObject({ ok: false, message: "expected ATT Error Response with errorCode 5 on the central's timeline before SMP Pairing Request; SMP Pairing Request never came" });
  });

  it('HCI events are looked for on the tap named by at:', () => {
    const step = timelineStep('          - { pdu: HCI LE Connection Complete, at: peripheral, fields: { role: peripheral } }');
    expect(only(step, OK, story().session.timelines)[0]!.ok).toBe(true);
    const [v] = only(step, OK, { central: story().session.central.entries });
    expect(v).toMatchObject({ ok: false, message: "this expectation looks at the peripheral's timeline, but the run has no tap on the peripheral" });
  });

  it('a field the PDU does not have is named, with the fields it has', () => {
    const [v] = only(timelineStep('          - { pdu: SMP Pairing Request, fields: { ioCapabilty: NoInputNoOutput } }'), OK, story().session.timelines);
    expect(v!.ok).toBe(false);
    expect(v!.message).toMatch(/no field ioCapabilty \(its fields: code, ioCapability, ioCapabilityName, /);
  });
});

describe('timeline expectations: none and order', () => {
  const run = (s: Scenario, t: Timelines) => evaluateRun(s, t);

  it('no ATT request was answered before encryption was on: holds on the story', () => {
    const [none] = run(story0(), story().session.timelines);
    expect(none).toMatchObject({ ok: true, path: '/expect/timeline/0' });
    expect(none!.message).toMatch(/^no ATT Read Response before HCI Encryption Change \(at .* ms \(#\d+\)\)$/);
  });

  it('fails when a peripheral answers the read before encryption, saying when', () => {
    const [none] = run(story0(), story({ leakBeforeEncryption: true }).session.timelines);
    expect(none!.ok).toBe(false);
    expect(none!.message).toMatch(/^expected no ATT Read Response before HCI Encryption Change \(at .* ms \(#(\d+)\)\); there was one at .* ms \(#\d+\)$/);
  });

  it('"none before X" when X never came means none at all', () => {
    const [none] = run(story0(), story({ leakBeforeEncryption: true, noPairing: true }).session.timelines);
    expect(none!.message).toMatch(/; there was one at .* ms \(#\d+\), and HCI Encryption Change never came$/);
  });

  it('order: 0x05, pairing, encryption, notification holds on the story', () => {
    const [, order] = run(story0(), story().session.timelines);
    expect(order).toMatchObject({ ok: true });
    expect(order!.message).toMatch(/^in order on the central's timeline: ATT Error Response at .*, SMP Pairing Request at .*, HCI Encryption Change at .*, ATT Handle Value Notification at /);
  });

  it('order fails at the first PDU missing after the ones found', () => {
    const [, order] = run(story0(), story({ notifications: [] }).session.timelines);
    expect(order!.ok).toBe(false);
    expect(order!.message).toMatch(/^expected in this order on the central's timeline: ATT Error Response → SMP Pairing Request → HCI Encryption Change → ATT Handle Value Notification; found ATT Error Response at .*, then SMP Pairing Request at .*, then HCI Encryption Change at .*, then no ATT Handle Value Notification after it$/);
  });

  it('order reports a PDU that came too early', () => {
    const s = scenarioFrom(readmeExamples('yaml')[0]!.replace('order: [ATT Error Response, SMP Pairing Request', 'order: [SMP Pairing Request, ATT Error Response'));
    const [, order] = run(s, story().session.timelines);
    expect(order!.message).toMatch(/then no ATT Error Response after it \(there was one at .* ms \(#\d+\), too early\)$/);
  });
});

describe('step windows', () => {
  it('step expectations see only the entries of their step; scope: run sees all', () => {
    const { session, marks } = story();
    const read = story0().central.steps[2]!; // read → 0x05, with "no SMP Pairing Request"
    const window = { central: { from: marks.afterConnect.central, to: marks.afterFirstRead.central } };
    const result: StepResult = { outcome: { kind: 'code', code: protocolCode('att', 0x05) }, durationMs: 1, window };
    expect(evaluate(read, result, session.timelines).map((v) => v.ok)).toEqual([true, true, true]);
    // Without the window the pairing that came later is in view, and "count: 0" fails.
    expect(evaluate(read, { ...result, window: undefined }, session.timelines).map((v) => v.ok)).toEqual([true, true, false]);
    const runScoped = stepOf('    - read: Encrypted Read\n      expect:\n        outcome: error\n        timeline:\n          - { pdu: SMP Pairing Request, count: 0, scope: run }');
    expect(evaluate(runScoped, result, session.timelines)[1]!.ok).toBe(false);
  });
});

describe('outcome', () => {
  const read = () => story0().central.steps[2]!; // expects ATT 0x05
  it('holds when the step failed with the code expected', () => {
    const [v] = evaluate(read(), { outcome: { kind: 'code', code: protocolCode('att', 0x05) }, durationMs: 1 }, {});
    expect(v).toEqual({ ok: true, message: 'read Encrypted Everything: it failed with ATT 0x05 Insufficient Authentication, as expected', path: '/central/steps/2/expect/outcome' });
  });
  it('fails naming the code that came instead', () => {
    const [v] = evaluate(read(), { outcome: { kind: 'code', code: protocolCode('att', 0x0f) }, durationMs: 1 }, {});
    expect(v).toMatchObject({ ok: false, message: 'expected read Encrypted Everything to fail with ATT 0x05 Insufficient Authentication; it failed with ATT 0x0F Insufficient Encryption' });
  });
  it('fails when the step succeeded but should not have', () => {
    expect(evaluate(read(), OK, {})[0]!.message).toBe('expected read Encrypted Everything to fail with ATT 0x05 Insufficient Authentication; it succeeded');
  });
  it('defaults to ok, and a timeout fails it', () => {
    const [v] = evaluate(stepOf('    - pair:'), { outcome: { kind: 'timeout', afterMs: 5000 }, durationMs: 5000 }, {});
    expect(v).toMatchObject({ ok: false, message: 'expected pair to succeed; it did not finish within 5000 ms' });
  });
  it('an SMP reason is told apart from an ATT code with the same number', () => {
    const step = stepOf('    - pair:\n      expect: { outcome: SMP 0x05 }');
    expect(evaluate(step, { outcome: { kind: 'code', code: protocolCode('smp', 0x05) }, durationMs: 1 }, {})[0]!.ok).toBe(true);
    expect(evaluate(step, { outcome: { kind: 'code', code: protocolCode('att', 0x05) }, durationMs: 1 }, {})[0]!.ok).toBe(false);
  });
});

describe('value', () => {
  const readWith = (v: string) => stepOf(`    - read: Encrypted Read\n      expect: { value: ${v} }`);
  const got = (b: string): StepResult => ({ ...OK, value: Buffer.from(b) });
  it.each([
    // Each failure in the notation the scenario wrote the value in, the hex beside it.
    ['{ utf8: secret }', 'secret', 'secret!', 'expected read Encrypted Read to return the text "secret" (73 65 63 72 65 74); got "secret!" (73 65 63 72 65 74 21)'],
    ['{ hex: "73 65" }', 'se', 'sf', 'expected read Encrypted Read to return the value 73 65; got 73 66 (2 octets)'],
    ['{ bytes: [115, 101] }', 'se', 'sf', 'expected read Encrypted Read to return the bytes [115, 101] (73 65); got [115, 102] (73 66)'],
    ['{ number: 300, width: 2 }', '\u002c\u0001', '\u002c\u0000', 'expected read Encrypted Read to return the unsigned 16-bit little-endian number 300 (2C 01); got 44 (2C 00)'],
    ['{ text: secret }', 'secret', 'Secret', 'expected read Encrypted Read to return the text "secret"; got "Secret" (53 65 63 72 65 74), 6 octets'],
    ['{ regex: "^sec" }', 'secret', 'insecure', 'expected read Encrypted Read to return a value matching /^sec/u; got "insecure" (69 6E 73 65 63 75 72 65), 8 octets'],
    ['{ length: 6 }', 'secret', 'secrets', 'expected read Encrypted Read to return a value of 6 octets; got 73 65 63 72 65 74 73 (7 octets)'],
  ])('%s holds for %j and fails for %j', (expectation, good, bad, message) => {
    expect(evaluate(readWith(expectation), got(good), {})[1]!.ok).toBe(true);
    expect(evaluate(readWith(expectation), got(bad), {})[1]).toMatchObject({ ok: false, message, path: '/central/steps/0/expect/value' });
  });
  it('a read that returned nothing fails the value expectation too', () => {
    expect(evaluate(readWith('{ utf8: x }'), OK, {})[1]!.message).toBe('expected read Encrypted Read to return the text "x" (78); it returned no value');
  });
  it('a signed big-endian number is read back as one; octets of another width are hex, said not to fit', () => {
    const step = readWith('{ number: -2, width: 2, signed: true, endianness: big }');
    expect(evaluate(step, { ...OK, value: Buffer.from([0xff, 0xfe]) }, {})[1]!.ok).toBe(true);
    expect(evaluate(step, { ...OK, value: Buffer.from([0x80, 0x00]) }, {})[1]!.message).toBe('expected read Encrypted Read to return the signed 16-bit big-endian number -2 (FF FE); got -32768 (80 00)');
    expect(evaluate(step, { ...OK, value: Buffer.from([0x01]) }, {})[1]!.message).toBe('expected read Encrypted Read to return the signed 16-bit big-endian number -2 (FF FE); got 01 (1 octet, not a 2-octet number)');
  });
  it('octets that are not UTF-8 are shown as hex and said to be so, never as replacement characters', () => {
    const v = evaluate(readWith('{ utf8: é }'), { ...OK, value: Buffer.from([0xc3]) }, {})[1]!;
    expect(v.message).toBe('expected read Encrypted Read to return the text "é" (C3 A9); got C3 (1 octet, not UTF-8 text)');
  });
  it('wait-notification checks the count and every value', () => {
    const step = stepOf('    - wait-notification: { characteristic: Encrypted Notify, count: 2, value: { length: 1 } }');
    expect(evaluate(step, { ...OK, notifications: [Buffer.from('a'), Buffer.from('b')] }, {}).map((v) => v.ok)).toEqual([true, true, true]);
    const bad = evaluate(step, { ...OK, notifications: [Buffer.from('a')] }, {});
    expect(bad[1]).toMatchObject({ ok: false, message: 'expected 2 notifications of Encrypted Notify; received 1' });
    const wrong = evaluate(step, { ...OK, notifications: [Buffer.from('a'), Buffer.from('bb')] }, {});
    expect(wrong[2]).toMatchObject({ ok: false, message: 'expected every notification of Encrypted Notify to hold a value of 1 octet; notification 2 was 62 62 (2 octets)' });
  });
});

describe('link security', () => {
  it('after Just Works pairing with bonding: encrypted, not authenticated, key size 16, bonded', () => {
    const { session } = story();
    expect(linkSecurity(session.central.link(HANDLE))).toEqual({ encrypted: true, authenticated: false, keySize: 16, bonded: true });
  });

  it('holds and fails per property, in words', () => {
    const { session } = story();
    const security = linkSecurity(session.central.link(HANDLE));
    const step = stepOf('    - pair:\n      expect: { security: { encrypted: true, authenticated: true, key-size: 7, bonded: true } }');
    const v = evaluate(step, { ...OK, ...(security ? { security } : {}) }, session.timelines).slice(1);
    expect(v.map((x) => x.ok)).toEqual([true, false, true, false]);
    expect(v[1]!.message).toBe('expected the link to be authenticated (MITM) after pair; it is not');
    expect(v[3]!.message).toBe('expected key size 7 octets after pair; it is 16');
  });

  it('a link lost during pairing is neither encrypted nor bonded', () => {
    const s = lostDuringPairing();
    expect(linkSecurity(s.central.link(HANDLE))).toEqual({ encrypted: false, authenticated: false, bonded: false });
    const [json] = readmeExamples('json');
    const step = scenarioFrom(json!, 'lost.json').central.steps[1]!;
    const security = linkSecurity(s.central.link(HANDLE))!;
    const verdicts = evaluate(step, { outcome: { kind: 'code', code: protocolCode('hci', 0x08) }, durationMs: 1, security }, s.timelines);
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, true]);
  });
});
