// Without a console (the batch CLI) nobody can answer the Security Manager: `--passkey ask` is
// cancelled (0x01) and `--numeric-comparison ask` rejected (0x0C), each said in a line; the console's
// passkey prompt takes six digits or nothing.
import { describe, expect, it } from 'vitest';
import { smpSetupFrom } from '../../bin/pairing-options.js';
import { checkPasskeyAnswer, passkeyBox } from '../../common/apps/console/pairing-delegate.js';
import type { PromptInfo } from '../../common/stack/smp/pairing-config.js';

const info: PromptInfo = { role: 'initiator', peerAddress: 'B1:EB:01:00:00:01', secureConnections: true, signal: new AbortController().signal };

describe('the batch CLI answers for nobody, and says so', () => {
  it('--passkey ask: cancelled, with a line naming 0x01 Passkey Entry Failed and what to do', async () => {
    const lines: string[] = [];
    const setup = smpSetupFrom({ passkey: 'ask', ioCapability: 'KeyboardOnly' }, (l) => lines.push(l))!;
    expect(setup.config.passkey).toBe('ask');
    expect(await setup.delegate!.enterPasskey(info)).toBeNull();
    expect(lines).toEqual([expect.stringMatching(/^passkey for B1:EB:01:00:00:01: asked for, but there is no console to type it: cancelled \(Pairing Failed 0x01 Passkey Entry Failed\); give --passkey N or use --interactive$/)]);
  });

  it('--numeric-comparison ask: rejected, with a line showing the number and 0x0C', async () => {
    const lines: string[] = [];
    const setup = smpSetupFrom({ numericComparison: 'ask' }, (l) => lines.push(l))!;
    expect(await setup.delegate!.compareNumbers(42, info)).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/^numeric comparison with B1:EB:01:00:00:01: 000042: no console to answer: rejected \(Pairing Failed 0x0C Numeric Comparison Failed\)/)]);
  });

  it('a passkey to show is printed, zero-padded to six digits', () => {
    const lines: string[] = [];
    void smpSetupFrom({ passkey: 'random' }, (l) => lines.push(l))!.delegate!.displayPasskey(7, info);
    expect(lines).toEqual(['passkey for B1:EB:01:00:00:01: 000007']);
  });
});

describe('--refuse-debug-keys', () => {
  it('turns acceptDebugKeys off (and blebench\'s Security Manager on); without it debug keys are accepted', () => {
    expect(smpSetupFrom({ refuseDebugKeys: true })!.config.acceptDebugKeys).toBe(false);
    expect(smpSetupFrom({ ioCapability: 'NoInputNoOutput' })!.config.acceptDebugKeys).toBe(true);
  });
});

describe('the console passkey prompt', () => {
  it('takes six digits, or nothing (cancel); anything else is refused with the reason', () => {
    expect(checkPasskeyAnswer('000123')).toBe(true);
    expect(checkPasskeyAnswer('')).toBe(true);
    expect(checkPasskeyAnswer('12345')).toMatch(/a passkey is 6 digits \(000000 to 999999\), "12345" is not/);
    expect(checkPasskeyAnswer('1234567')).toMatch(/is not/);
    expect(checkPasskeyAnswer('12a456')).toMatch(/is not/);
  });

  it('shows a passkey in a box, zero-padded, naming the peer', () => {
    const box = passkeyBox(42, info).split('\n');
    expect(box).toHaveLength(4);
    expect(box[1]).toMatch(/^┃ {2}PASSKEY {2}000042 +┃$/);
    expect(box[2]).toMatch(/^┃ {2}type it on B1:EB:01:00:00:01 \(Passkey Entry\) +┃$/);
    expect(new Set(box.map((l) => l.length)).size).toBe(1);
  });
});
