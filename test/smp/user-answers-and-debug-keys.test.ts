// The person behind a PairingDelegate (console `ask`): a question nobody answers ends with the SMP
// timeout and closes (Core v5.4 Vol 3 Part H 3.4), a cancelled passkey is 0x01, a "no" is 0x0C, a
// question is closed when the peer fails the pairing first. And the spec's debug key pair (Vol 3
// Part H 2.3.5.6.1): a key made with it is marked a debug key everywhere (outcome, bond, JSON, the
// MGMT key type), and a peer's debug key is refused with 0x03 when acceptDebugKeys is off.
import { describe, expect, it } from 'vitest';
import { MGMT_LTK_TYPE } from '../../common/base/codes/mgmt.js';
import { SMP_CODE, SMP_REASON } from '../../common/base/codes/smp.js';
import { bondFromJson, bondFromOutcome, bondToJson } from '../../common/stack/smp/bond.js';
import type { PairingOutcome } from '../../common/stack/smp/engine-types.js';
import { keySecurityText, mgmtLtkTypeOf } from '../../common/stack/smp/key-security.js';
import type { PairingDelegate, PromptInfo } from '../../common/stack/smp/pairing-config.js';
import { DEBUG_KEY_REFUSED_REASON } from '../../common/stack/smp/sc-pairing.js';
import { backToBack, CENTRAL_ADDRESS } from './helpers/back-to-back.js';

const PASSKEY_CENTRAL_TYPES = { ioCapability: 'KeyboardOnly', mitm: 'requested' } as const;
const paired = (o: PairingOutcome) => {
  if (o.result !== 'paired') throw new Error(`expected paired, got ${JSON.stringify(o)}`);
  return o;
};
const failed = (o: PairingOutcome) => {
  if (o.result !== 'failed') throw new Error(`expected failed, got ${o.result}`);
  return o;
};

/** A user who sees the question and never answers it; records the question's signal. */
function silentUser(): { delegate: PairingDelegate; asked: Promise<PromptInfo> } {
  let told!: (i: PromptInfo) => void;
  const asked = new Promise<PromptInfo>((r) => (told = r));
  const never = (info: PromptInfo) => {
    told(info);
    return new Promise<never>(() => undefined);
  };
  return { delegate: { displayPasskey: () => undefined, enterPasskey: never, compareNumbers: (_v, info) => never(info) }, asked };
}

describe('a person answering the Security Manager', () => {
  it('a passkey nobody types: the SMP timer ends the pairing (timeout, no Pairing Failed sent) and closes the question', async () => {
    const user = silentUser();
    const pair = backToBack({
      timeoutMs: 150,
      central: { config: PASSKEY_CENTRAL_TYPES, delegate: user.delegate },
      peripheral: { config: { ioCapability: 'DisplayOnly' } },
    });
    pair.central.input({ type: 'pair' });
    const info = await user.asked;
    expect(info.signal.aborted).toBe(false);
    const outcome = failed(await pair.central.nextOutcome());
    expect(outcome.reason).toBe('timeout');
    expect(outcome.why).toMatch(/no SMP progress/);
    expect(info.signal.aborted).toBe(true);
    expect(String((info.signal.reason as Error).message)).toMatch(/the pairing ended: no SMP progress/);
    // Vol 3 Part H 3.4: a timeout sends nothing.
    expect(pair.air.filter((x) => x.from === 'central' && x.pdu[0] === SMP_CODE.PAIRING_FAILED)).toHaveLength(0);
  });

  it('a numeric comparison nobody answers times out the same way', async () => {
    const user = silentUser();
    const pair = backToBack({
      timeoutMs: 150,
      central: { config: { ioCapability: 'DisplayYesNo', mitm: 'requested' }, delegate: user.delegate },
      peripheral: { config: { ioCapability: 'DisplayYesNo', mitm: 'requested' } },
    });
    pair.central.input({ type: 'pair' });
    const info = await user.asked;
    expect(info.secureConnections).toBe(true);
    expect(failed(await pair.central.nextOutcome()).reason).toBe('timeout');
    expect(info.signal.aborted).toBe(true);
  });

  it('a cancelled passkey (null) fails with 0x01 Passkey Entry Failed, sent by the side that was asked', async () => {
    const pair = backToBack({ central: { config: PASSKEY_CENTRAL_TYPES, typePasskey: () => null }, peripheral: { config: { ioCapability: 'DisplayOnly' } } });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    expect(failed(central)).toMatchObject({ reason: SMP_REASON.PASSKEY_ENTRY_FAILED, by: 'local' });
    expect(failed(peripheral)).toMatchObject({ reason: SMP_REASON.PASSKEY_ENTRY_FAILED, by: 'peer' });
  });

  it('"no" to the numeric comparison fails with 0x0C; the other side\'s open question is closed, not answered', async () => {
    const user = silentUser();
    const pair = backToBack({
      central: { config: { ioCapability: 'DisplayYesNo', mitm: 'requested' }, compare: false },
      peripheral: { config: { ioCapability: 'DisplayYesNo', mitm: 'requested' }, delegate: user.delegate },
    });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    expect(failed(central)).toMatchObject({ reason: SMP_REASON.NUMERIC_COMPARISON_FAILED, by: 'local' });
    expect(failed(peripheral)).toMatchObject({ reason: SMP_REASON.NUMERIC_COMPARISON_FAILED, by: 'peer' });
    const info = await user.asked;
    expect(info.signal.aborted).toBe(true);
    expect(String((info.signal.reason as Error).message)).toMatch(/Numeric Comparison Failed/);
  });

  it('a question still open when the link goes is closed ("the link is gone")', async () => {
    const user = silentUser();
    const pair = backToBack({ central: { config: PASSKEY_CENTRAL_TYPES, delegate: user.delegate }, peripheral: { config: { ioCapability: 'DisplayOnly' } } });
    pair.central.input({ type: 'pair' });
    const info = await user.asked;
    pair.central.close();
    expect(info.signal.aborted).toBe(true);
    expect(String((info.signal.reason as Error).message)).toBe('the link is gone');
  });
});

describe("the spec's debug keys (Vol 3 Part H 2.3.5.6.1)", () => {
  it('a pairing where we use the debug key pair makes a debug key on both sides', async () => {
    const pair = backToBack({ central: { config: { useDebugKeys: true } } });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    expect(paired(central).security).toMatchObject({ secureConnections: true, debugKey: true });
    expect(paired(peripheral).security).toMatchObject({ secureConnections: true, debugKey: true });
    const seen = pair.actions.filter((a) => a.action.type === 'event' && a.action.event.kind === 'debug-key').map((a) => [a.side, (a.action as { event: { by: string } }).event.by]);
    expect(seen).toEqual([
      ['peripheral', 'peer'],
      ['central', 'local'],
    ]);
  });

  it('an ordinary SC pairing is not a debug key', async () => {
    const pair = backToBack({});
    pair.central.input({ type: 'pair' });
    const { central } = await pair.outcomes();
    expect(paired(central).security.secureConnections).toBe(true);
    expect(paired(central).security.debugKey).toBeUndefined();
  });

  it('acceptDebugKeys off: a peer that sends the debug public key unasked gets Pairing Failed 0x03 Authentication Requirements', async () => {
    expect(DEBUG_KEY_REFUSED_REASON).toBe(SMP_REASON.AUTHENTICATION_REQUIREMENTS);
    const pair = backToBack({ central: { config: { useDebugKeys: true } }, peripheral: { config: { acceptDebugKeys: false } } });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    expect(failed(peripheral)).toMatchObject({ reason: SMP_REASON.AUTHENTICATION_REQUIREMENTS, by: 'local' });
    expect(failed(peripheral).why).toMatch(/debug public key/);
    expect(failed(central)).toMatchObject({ reason: SMP_REASON.AUTHENTICATION_REQUIREMENTS, by: 'peer' });
    // The refusing side never sent its own public key.
    expect(pair.air.filter((x) => x.from === 'peripheral' && x.pdu[0] === SMP_CODE.PAIRING_PUBLIC_KEY)).toHaveLength(0);
  });

  it('acceptDebugKeys off does not refuse the debug key when this side asked for debug keys too', async () => {
    const pair = backToBack({ central: { config: { useDebugKeys: true } }, peripheral: { config: { useDebugKeys: true, acceptDebugKeys: false } } });
    pair.central.input({ type: 'pair' });
    const { peripheral } = await pair.outcomes();
    expect(paired(peripheral).security.debugKey).toBe(true);
  });

  it('the bond keeps the mark through its JSON form; its text says "debug key: not secure"; the kernel gets MGMT key type Debug (P-256)', async () => {
    const pair = backToBack({ central: { config: { useDebugKeys: true } } });
    pair.central.input({ type: 'pair' });
    const { central } = await pair.outcomes();
    const bond = bondFromOutcome(central, CENTRAL_ADDRESS)!;
    const again = bondFromJson(JSON.parse(JSON.stringify(bondToJson(bond))), 'bonds[0]');
    expect(again.security.debugKey).toBe(true);
    expect(keySecurityText(again.security)).toMatch(/LE Secure Connections key .*; debug key: not secure$/);
    expect(mgmtLtkTypeOf(again.security)).toBe(MGMT_LTK_TYPE.DEBUG_P256);
    expect(mgmtLtkTypeOf({ ...again.security, debugKey: false })).toBe(MGMT_LTK_TYPE.UNAUTHENTICATED_P256);
    expect(mgmtLtkTypeOf({ authenticated: true, secureConnections: false })).toBe(MGMT_LTK_TYPE.AUTHENTICATED);
    expect(() => bondFromJson({ ...bondToJson(bond), security: { ...bond.security, debugKey: 'yes' } }, 'bonds[0]')).toThrow(/bonds\[0\]\.security\.debugKey/);
  });
});
