// A person who never answers the passkey question: the Security Manager's 30-second SMP timer (here
// shortened) ends the pairing, nothing goes over the air for it (Core v5.4 Vol 3 Part H 3.4), the
// question is closed, and the central's pairing ends in an OperationTimeout that names the SMP
// timeout, not in a hang. Real noble and real bleno.
import { afterEach, describe, expect, it } from 'vitest';
import type { PromptInfo } from '../../common/stack/smp/pairing-config.js';
import { OperationTimeout } from '../../central/errors.js';
import { pair } from '../../central/pairing/pairer.js';
import { stackPair, type StackPair } from './helpers/stack-pair.js';

describe('the SMP timeout while a person is asked', () => {
  let s: StackPair | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('no passkey typed: the pairing ends with the SMP timeout, the question closes, no Pairing Failed is sent', async () => {
    let question: PromptInfo | undefined;
    const never = { displayPasskey: () => undefined, compareNumbers: async () => false, enterPasskey: (info: PromptInfo) => ((question = info), new Promise<never>(() => undefined)) };
    s = await stackPair({
      central: { config: { ioCapability: 'KeyboardOnly', mitm: 'required' }, delegate: never, timeoutMs: 300 },
      peripheral: { config: { ioCapability: 'DisplayOnly', passkey: 'random' } },
    });
    const { handle } = await s.connect();
    const session = s.noble.smpSession(handle)!;
    await session.ready;
    const link = s.ct.tap.link(handle)!;
    const started = performance.now();
    const r = await pair({ bearer: s.noble.bearer(handle)!, tap: s.ct.tap, link, timeoutMs: 5000, trigger: 'explicit', session });
    expect(performance.now() - started).toBeLessThan(4000);
    expect(r.result).toBe('failed');
    expect(r.error).toBeInstanceOf(OperationTimeout);
    expect(r.error!.message).toMatch(/^no answer to the pairing within 300 ms; SMP timeout \(Vol 3 Part H 3\.4\): no SMP progress for 0\.3 s during authenticating; no further SMP on this link/);
    expect(question?.signal.aborted).toBe(true);
    expect(s.ct.tap.entries.filter((e) => e.handle === handle && e.name === 'SMP Pairing Failed' && e.dir === 'tx')).toHaveLength(0);
    expect(session.outcomes.at(-1)).toMatchObject({ result: 'failed', reason: 'timeout' });
  });

  it('a responder silent to Pairing Requests (macos:silent): no Pairing Response, no Pairing Failed; the central\'s SMP timeout ends it', async () => {
    s = await stackPair({ central: { timeoutMs: 300 }, peripheral: { config: { silentToPairingRequests: true } } });
    const { handle } = await s.connect();
    const session = s.noble.smpSession(handle)!;
    await session.ready;
    const r = await pair({ bearer: s.noble.bearer(handle)!, tap: s.ct.tap, link: s.ct.tap.link(handle)!, timeoutMs: 5000, trigger: 'explicit', session });
    expect(r.result).toBe('failed');
    expect(r.error).toBeInstanceOf(OperationTimeout);
    expect(r.error!.message).toMatch(/SMP timeout \(Vol 3 Part H 3\.4\): no SMP progress for 0\.3 s during features/);
    const smp = s.ct.tap.entries.filter((e) => e.handle === handle && e.layer === 'smp').map((e) => `${e.dir} ${e.name}`);
    expect(smp).toEqual(['tx SMP Pairing Request']);
  });
});
