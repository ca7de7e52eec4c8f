// Every Pairing Failed reason comes from a concrete wrong input, with the right side sending it
// (Core v5.4 Vol 3 Part H 3.5.5, table 3.7), and the engine never throws on what a peer can send.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SMP_CODE, SMP_REASON } from '../../common/base/codes/smp.js';
import { PairingEngine } from '../../common/stack/smp/pairing-engine.js';
import { pairingConfig, type PairingConfig } from '../../common/stack/smp/pairing-config.js';
import { RepeatedAttempts } from '../../common/stack/smp/repeated-attempts.js';
import { INVALID_PUBLIC_KEY_REASON } from '../../common/stack/smp/sc-pairing.js';
import { parseSmp } from '../../common/stack/smp/pdu.js';
import type { PairingOutcome, SmpAction, SmpInput } from '../../common/stack/smp/engine-types.js';
import { backToBack, CENTRAL_ADDRESS, PERIPHERAL_ADDRESS, type Setup, type Side } from './helpers/back-to-back.js';

const LEGACY = { secureConnections: 'no' } as const;
const PASSKEY = { central: { config: { ioCapability: 'KeyboardOnly', mitm: 'requested' } }, peripheral: { config: { ioCapability: 'DisplayOnly' } } } as const;

async function pairAndFail(setup: Setup): Promise<{ central: PairingOutcome; peripheral: PairingOutcome; air: { from: Side; pdu: Buffer }[] }> {
  const pair = backToBack(setup);
  pair.central.input({ type: 'pair' });
  const outcomes = await pair.outcomes();
  return { ...outcomes, air: pair.air };
}

/** `by` sent Pairing Failed with `reason`; the other side got it. */
function expectFailure(r: { central: PairingOutcome; peripheral: PairingOutcome; air: { from: Side; pdu: Buffer }[] }, reason: number, by: Side) {
  const other: Side = by === 'central' ? 'peripheral' : 'central';
  expect(r[by]).toMatchObject({ result: 'failed', reason, by: 'local' });
  expect(r[other]).toMatchObject({ result: 'failed', reason, by: 'peer' });
  const failed = r.air.filter((x) => x.pdu[0] === SMP_CODE.PAIRING_FAILED);
  expect(failed.map((x) => [x.from, x.pdu[1]])).toEqual([[by, reason]]);
}

const replace = (from: Side, code: number, change: (pdu: Buffer) => Buffer) => (side: Side, pdu: Buffer) => (side === from && pdu[0] === code ? change(Buffer.from(pdu)) : pdu);
const flipLast = (pdu: Buffer) => {
  pdu[pdu.length - 1] ^= 0x01;
  return pdu;
};

describe('Pairing Failed reasons from concrete wrong inputs', () => {
  it('0x01 Passkey Entry Failed: the user cancels passkey entry', async () => {
    const r = await pairAndFail({ ...PASSKEY, central: { ...PASSKEY.central, typePasskey: () => null } });
    expectFailure(r, SMP_REASON.PASSKEY_ENTRY_FAILED, 'central');
  });

  for (const sc of [false, true]) {
    const config = sc ? {} : LEGACY;
    it(`0x04 Confirm Value Failed: a wrong passkey typed (${sc ? 'SC, caught in the round of the first differing bit' : 'legacy'})`, async () => {
      const r = await pairAndFail({
        central: { config: { ...PASSKEY.central.config, ...config }, typePasskey: (b) => b.displayed.peripheral! ^ 0x10 },
        peripheral: { config: { ...PASSKEY.peripheral.config, ...config } },
      });
      // The responder checks the initiator's commitment first (legacy Mconfirm, SC Cai of round 5).
      expectFailure(r, SMP_REASON.CONFIRM_VALUE_FAILED, 'peripheral');
      if (sc) expect(r.air.filter((x) => x.from === 'central' && x.pdu[0] === SMP_CODE.PAIRING_CONFIRM)).toHaveLength(5);
    });
    it(`0x04 Confirm Value Failed: the responder's confirm is tampered with (${sc ? 'SC Just Works' : 'legacy Just Works, SM/CEN/JW/BI-01-C'})`, async () => {
      const r = await pairAndFail({ central: { config }, peripheral: { config }, tamper: replace('peripheral', SMP_CODE.PAIRING_CONFIRM, flipLast) });
      expectFailure(r, SMP_REASON.CONFIRM_VALUE_FAILED, 'central');
    });
  }

  it('0x04 Confirm Value Failed: LE legacy OOB with different TKs', async () => {
    const r = await pairAndFail({ central: { config: { ...LEGACY, oob: { legacyTk: Buffer.alloc(16, 1) } } }, peripheral: { config: { oob: { legacyTk: Buffer.alloc(16, 2) } } } });
    expectFailure(r, SMP_REASON.CONFIRM_VALUE_FAILED, 'peripheral');
  });

  it('0x0B DHKey Check Failed: the initiator\'s Ea is tampered with', async () => {
    const r = await pairAndFail({ tamper: replace('central', SMP_CODE.PAIRING_DHKEY_CHECK, flipLast) });
    expectFailure(r, SMP_REASON.DHKEY_CHECK_FAILED, 'peripheral');
  });
  it('0x0B DHKey Check Failed: the responder\'s Eb is tampered with', async () => {
    const r = await pairAndFail({ tamper: replace('peripheral', SMP_CODE.PAIRING_DHKEY_CHECK, flipLast) });
    expectFailure(r, SMP_REASON.DHKEY_CHECK_FAILED, 'central');
  });
  it(`0x${INVALID_PUBLIC_KEY_REASON.toString(16).padStart(2, '0')}: a public key that is not on P-256 (Vol 3 Part H 2.3.5.6.1)`, async () => {
    const r = await pairAndFail({ tamper: replace('central', SMP_CODE.PAIRING_PUBLIC_KEY, flipLast) });
    expectFailure(r, INVALID_PUBLIC_KEY_REASON, 'peripheral');
  });
  it('0x0A Invalid Parameters: a Pairing Public Key one octet short', async () => {
    const r = await pairAndFail({ tamper: replace('central', SMP_CODE.PAIRING_PUBLIC_KEY, (p) => p.subarray(0, 64)) });
    expectFailure(r, SMP_REASON.INVALID_PARAMETERS, 'peripheral');
  });
  it('0x0A Invalid Parameters: our own public key sent back (a reflection)', async () => {
    let ours: Buffer | undefined;
    const r = await pairAndFail({
      tamper: (side, pdu) => {
        if (pdu[0] !== SMP_CODE.PAIRING_PUBLIC_KEY) return pdu;
        if (side === 'central') ours = pdu;
        return side === 'peripheral' ? ours : pdu;
      },
    });
    expectFailure(r, SMP_REASON.INVALID_PARAMETERS, 'central');
  });
  it('0x0A Invalid Parameters: a Pairing Request with a maximum key size of 17', async () => {
    const r = await pairAndFail({ tamper: replace('central', SMP_CODE.PAIRING_REQUEST, (p) => ((p[4] = 17), p)) });
    expectFailure(r, SMP_REASON.INVALID_PARAMETERS, 'peripheral');
  });
  it('0x0A Invalid Parameters: a Pairing Response agreeing to keys nobody asked for', async () => {
    const r = await pairAndFail({ central: { config: { keyDistribution: { initiator: {}, responder: { encKey: true } } } }, tamper: replace('peripheral', SMP_CODE.PAIRING_RESPONSE, (p) => ((p[6] = 0x07), p)) });
    expectFailure(r, SMP_REASON.INVALID_PARAMETERS, 'central');
  });

  it('0x0C Numeric Comparison Failed: the peripheral\'s user says the numbers differ', async () => {
    const nc = { ioCapability: 'DisplayYesNo', mitm: 'requested' } as const;
    const r = await pairAndFail({ central: { config: nc }, peripheral: { config: nc, compare: false } });
    expectFailure(r, SMP_REASON.NUMERIC_COMPARISON_FAILED, 'peripheral');
  });
  it('0x0C Numeric Comparison Failed: config numericComparison reject on the central', async () => {
    const nc = { ioCapability: 'KeyboardDisplay', mitm: 'requested' } as const;
    const r = await pairAndFail({ central: { config: { ...nc, numericComparison: 'reject' } }, peripheral: { config: nc } });
    expectFailure(r, SMP_REASON.NUMERIC_COMPARISON_FAILED, 'central');
  });

  it('0x03 Authentication Requirements: a Secure-Connections-only central meets a legacy-only peripheral', async () => {
    expectFailure(await pairAndFail({ central: { config: { secureConnections: 'only' } }, peripheral: { config: LEGACY } }), SMP_REASON.AUTHENTICATION_REQUIREMENTS, 'central');
  });
  it('0x03 Authentication Requirements: a Secure-Connections-only peripheral meets a legacy-only central', async () => {
    expectFailure(await pairAndFail({ central: { config: LEGACY }, peripheral: { config: { secureConnections: 'only' } } }), SMP_REASON.AUTHENTICATION_REQUIREMENTS, 'peripheral');
  });
  it('0x03 Authentication Requirements: MITM required, but the peer has no input and no output', async () => {
    const r = await pairAndFail({ central: { config: { ioCapability: 'KeyboardDisplay', mitm: 'required' } }, peripheral: { config: { ioCapability: 'NoInputNoOutput' } } });
    expectFailure(r, SMP_REASON.AUTHENTICATION_REQUIREMENTS, 'central');
    const r2 = await pairAndFail({ central: { config: { ioCapability: 'NoInputNoOutput' } }, peripheral: { config: { ioCapability: 'KeyboardDisplay', mitm: 'required' } } });
    expectFailure(r2, SMP_REASON.AUTHENTICATION_REQUIREMENTS, 'peripheral');
  });

  it('0x06 Encryption Key Size: the peripheral offers 7 octets, the central needs 16 (SM/CEN/EKS/BI-01-C)', async () => {
    expectFailure(await pairAndFail({ central: { config: { minKeySize: 16 } }, peripheral: { config: { maxKeySize: 7 } } }), SMP_REASON.ENCRYPTION_KEY_SIZE, 'central');
  });
  it('0x06 Encryption Key Size: the central offers 10 octets, the peripheral needs 12', async () => {
    expectFailure(await pairAndFail({ central: { config: { maxKeySize: 10 } }, peripheral: { config: { minKeySize: 12 } } }), SMP_REASON.ENCRYPTION_KEY_SIZE, 'peripheral');
  });

  it('0x05 Pairing Not Supported: the peripheral is not pairable', async () => {
    expectFailure(await pairAndFail({ peripheral: { config: { pairable: false } } }), SMP_REASON.PAIRING_NOT_SUPPORTED, 'peripheral');
  });

  it('0x09 Repeated Attempts: a new Pairing Request within the waiting interval after a failure (Vol 3 Part H 2.3.6)', async () => {
    let now = 0;
    const attempts = new RepeatedAttempts({ baseMs: 1000, now: () => now });
    const setup: Setup = { peripheral: { env: { attempts } }, tamper: replace('peripheral', SMP_CODE.PAIRING_CONFIRM, flipLast) };
    expectFailure(await pairAndFail(setup), SMP_REASON.CONFIRM_VALUE_FAILED, 'central');
    attempts.failed(CENTRAL_ADDRESS.address); // the peripheral counts the failure it was told of, too
    now = 500;
    expectFailure(await pairAndFail({ peripheral: { env: { attempts } } }), SMP_REASON.REPEATED_ATTEMPTS, 'peripheral');
    now = 500 + 4000; // the interval doubled with the second failure: 2 s after 500 ms
    const ok = await pairAndFail({ peripheral: { env: { attempts } } });
    expect(ok.central.result).toBe('paired');
    expect(attempts.allowed(CENTRAL_ADDRESS.address)).toBe(true);
  });

  it('the initiator reports every reason the responder fails with (SM/CEN/JW/BV-05-C)', async () => {
    for (let reason = 0x01; reason <= 0x0f; reason++) {
      const pair = backToBack({ tamper: replace('peripheral', SMP_CODE.PAIRING_RESPONSE, () => Buffer.from([SMP_CODE.PAIRING_FAILED, reason])) });
      pair.central.input({ type: 'pair' });
      expect(await pair.central.nextOutcome()).toMatchObject({ result: 'failed', reason, by: 'peer' });
      pair.peripheral.close();
    }
  });
});

// --- one engine, fed by hand --------------------------------------------------------------------

function engine(role: 'initiator' | 'responder', config: Partial<PairingConfig> = {}) {
  const initiator = role === 'initiator';
  return new PairingEngine(pairingConfig(config), { role, local: initiator ? CENTRAL_ADDRESS : PERIPHERAL_ADDRESS, peer: initiator ? PERIPHERAL_ADDRESS : CENTRAL_ADDRESS });
}
const sent = (actions: SmpAction[]) => actions.flatMap((a) => (a.type === 'send' ? [a.pdu] : []));
const done = (actions: SmpAction[]) => actions.flatMap((a) => (a.type === 'done' ? [a.outcome] : []));
const PAIRING_REQUEST = Buffer.from([0x01, 0x03, 0x00, 0x09, 0x10, 0x03, 0x03]);

describe('0x07 Command Not Supported: commands that do not fit the state (Vol 3 Part H 3.3)', () => {
  it('a Pairing Random to an idle responder is refused, and the responder stays idle', () => {
    const e = engine('responder');
    const actions = e.handle({ type: 'pdu', pdu: Buffer.alloc(17, 0x04).fill(4, 0, 1) });
    expect(sent(actions)).toEqual([Buffer.from([0x05, 0x07])]);
    expect(e.state).toBe('idle');
    expect(done(actions)).toEqual([]);
  });
  it('a reserved command code is refused', () => {
    expect(sent(engine('responder').handle({ type: 'pdu', pdu: Buffer.from([0x1f, 0x00]) }))).toEqual([Buffer.from([0x05, 0x07])]);
  });
  it('a Pairing Confirm before the Pairing Response ends the initiator\'s pairing', () => {
    const e = engine('initiator');
    e.handle({ type: 'pair' });
    const actions = e.handle({ type: 'pdu', pdu: Buffer.concat([Buffer.from([0x03]), Buffer.alloc(16)]) });
    expect(sent(actions)).toEqual([Buffer.from([0x05, 0x07])]);
    expect(done(actions)[0]).toMatchObject({ result: 'failed', reason: SMP_REASON.COMMAND_NOT_SUPPORTED, by: 'local' });
  });
  it('a Pairing Request sent to the initiator is refused', () => {
    const e = engine('initiator');
    e.handle({ type: 'pair' });
    expect(sent(e.handle({ type: 'pdu', pdu: PAIRING_REQUEST }))).toEqual([Buffer.from([0x05, 0x07])]);
  });
  it('a Pairing Failed while idle is only noted (no Pairing Failed answers a Pairing Failed)', () => {
    expect(sent(engine('responder').handle({ type: 'pdu', pdu: Buffer.from([0x05, 0x08]) }))).toEqual([]);
  });
});

describe('the 30-second SMP timeout (Vol 3 Part H 3.4)', () => {
  it('ends the pairing without a Pairing Failed, and no SMP command is sent afterwards', () => {
    const e = engine('responder');
    const first = e.handle({ type: 'pdu', pdu: PAIRING_REQUEST });
    expect(first).toContainEqual({ type: 'timer', run: true });
    const actions = e.handle({ type: 'timeout' });
    expect(sent(actions)).toEqual([]);
    expect(done(actions)[0]).toMatchObject({ result: 'failed', reason: 'timeout', by: 'local' });
    expect(e.state).toBe('timed-out');
    expect(e.handle({ type: 'pdu', pdu: PAIRING_REQUEST })).toEqual([]);
    expect(e.handle({ type: 'pdu', pdu: Buffer.from([0x1f]) })).toEqual([]);
  });
  it('a timeout while idle changes nothing', () => {
    const e = engine('initiator');
    expect(e.handle({ type: 'timeout' })).toEqual([]);
    expect(e.state).toBe('idle');
  });
  it('the runner\'s timer fires when the peer goes silent', async () => {
    const pair = backToBack({ timeoutMs: 50, tamper: (side, pdu) => (side === 'peripheral' && pdu[0] === SMP_CODE.PAIRING_CONFIRM ? undefined : pdu) });
    pair.central.input({ type: 'pair' });
    const [central, peripheral] = await Promise.all([pair.central.nextOutcome(), pair.peripheral.nextOutcome()]);
    expect(central).toMatchObject({ result: 'failed', reason: 'timeout' });
    expect(peripheral).toMatchObject({ result: 'failed', reason: 'timeout' });
    expect(pair.air.some((x) => x.pdu[0] === SMP_CODE.PAIRING_FAILED)).toBe(false);
    pair.central.close();
    pair.peripheral.close();
  });
});

describe('malformed and hostile input never throws (fast-check)', () => {
  /** Inputs that bring an engine to some state of a real pairing, recorded from one. */
  async function recordedPrefixes(setup: Setup): Promise<{ side: Side; inputs: SmpInput[] }[]> {
    const pair = backToBack(setup);
    const log: Record<Side, SmpInput[]> = { central: [{ type: 'pair' }], peripheral: [] };
    pair.central.input({ type: 'pair' });
    await pair.outcomes();
    for (const { from, pdu } of pair.air) log[from === 'central' ? 'peripheral' : 'central'].push({ type: 'pdu', pdu });
    return (['central', 'peripheral'] as const).flatMap((side) => log[side].map((_, i) => ({ side, inputs: log[side].slice(0, i + 1) })));
  }

  const anyInput: fc.Arbitrary<SmpInput> = fc.oneof(
    fc.uint8Array({ maxLength: 80 }).map((b) => ({ type: 'pdu' as const, pdu: Buffer.from(b) })),
    fc.tuple(fc.integer({ min: 0, max: 14 }), fc.uint8Array({ maxLength: 70 })).map(([code, rest]) => ({ type: 'pdu' as const, pdu: Buffer.from([code, ...rest]) })),
    fc.constantFrom<SmpInput>({ type: 'pair' }, { type: 'secure' }, { type: 'request-security' }, { type: 'timeout' }, { type: 'confirm', accept: true }, { type: 'confirm', accept: false }),
    fc.option(fc.integer({ min: -5, max: 2_000_000 }), { nil: null }).map((passkey) => ({ type: 'passkey' as const, passkey })),
    fc.integer({ min: 0, max: 255 }).map((notification) => ({ type: 'keypress' as const, notification })),
    fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 255 })).map(([encrypted, status]) => ({ type: 'encryption' as const, encrypted, status })),
    fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ minLength: 8, maxLength: 8 })).map(([ediv, rand]) => ({ type: 'ltk-request' as const, ediv, rand: Buffer.from(rand) })),
  );

  it('in every state of legacy and SC pairings, any sequence of inputs gives well-formed actions', async () => {
    const prefixes = [
      ...(await recordedPrefixes({ central: { config: LEGACY } })),
      ...(await recordedPrefixes({})),
      ...(await recordedPrefixes({ ...PASSKEY })),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.array(anyInput, { maxLength: 12 }), (prefix, inputs) => {
        const e = engine(prefix.side === 'central' ? 'initiator' : 'responder', { numericComparison: 'ask', passkey: 'ask' });
        for (const input of [...prefix.inputs, ...inputs]) {
          const actions = e.handle(input);
          for (const pdu of sent(actions)) expect(parseSmp(pdu).ok).toBe(true);
          for (const o of done(actions)) if (o.result === 'failed' && typeof o.reason === 'number') expect(o.reason).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});
