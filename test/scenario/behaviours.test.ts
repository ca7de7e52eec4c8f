// The scenario's peripheral behaviours become the peripheral's runtime actions: refuse-pairing the
// persistent refusal (no re-arming), answer and delay the chosen answer and the held answers, each
// cleared when the scenario stops; a behaviour the peripheral refuses makes the scenario unable to
// run, naming it. The file format: delay's bounds and operations, answer's property check, the
// central's timeout-ms.
import { describe, expect, it } from 'vitest';
import { CannotRun, applyBehaviours, type PeripheralPort } from '../../common/apps/scenario/run/index.js';
import type { Tap } from '../../common/stack/trace/tap.js';
import { scenarioError, scenarioFrom, withSteps } from './helpers.js';

function recordingPort(fail?: string) {
  const calls: unknown[][] = [];
  let listening = 0;
  const port: PeripheralPort = {
    tap: { on() {}, off() {} } as unknown as Tap,
    setValue: () => {},
    notify: () => ({ sent: false }),
    indicate: async () => ({ sent: false }),
    refusePairing: (...a) => void calls.push(['refusePairing', ...a]),
    answerWith: (...a) => {
      if (fail) throw new Error(fail);
      calls.push(['answerWith', ...a]);
    },
    delayAnswers: (...a) => void calls.push(['delayAnswers', ...a]),
    disconnect: async () => {},
    requestSecurity: () => void calls.push(['requestSecurity']),
    forgetBonds: async () => void calls.push(['forgetBonds']),
    updateFirmware: async () => void calls.push(['updateFirmware']),
    listen: () => {
      listening++;
      return () => listening--;
    },
  };
  return { port, calls, listening: () => listening };
}

const behaviours = (lines: string) => scenarioFrom(withSteps('    - connect:', `  behaviours:\n${lines}\n`)).peripheral.behaviours;

describe('applyBehaviours', () => {
  it('refuse-pairing: every Pairing Request, set once (no re-arming after each refusal)', () => {
    const { port, calls, listening } = recordingPort();
    const stop = applyBehaviours(port, behaviours('    - refuse-pairing: { reason: Pairing Not Supported }'), (e) => expect.fail(e.message));
    expect(calls).toEqual([['refusePairing', 0x05, 'always']]);
    expect(listening()).toBe(0);
    stop();
  });

  it('answer and delay: the runtime actions with the peripheral\'s operation names, cleared on stop', () => {
    const { port, calls } = recordingPort();
    const stop = applyBehaviours(
      port,
      behaviours(
        [
          '    - answer: { characteristic: Encrypted Write Command, operation: write-without-response, error: 0x0E, nth: 2, repeat: false }',
          '    - delay: { ms: 120, characteristic: Open Read, operation: read }',
          '    - delay: { ms: 40 }',
        ].join('\n'),
      ),
      (e) => expect.fail(e.message),
    );
    expect(calls).toEqual([
      ['answerWith', 'Encrypted Write Command', 'writeWithoutResponse', 0x0e, { nth: 2, repeat: false }],
      ['delayAnswers', 'Open Read', 'read', 120],
      ['delayAnswers', '*', '*', 40],
    ]);
    calls.length = 0;
    stop();
    expect(calls).toEqual([
      ['answerWith', 'Encrypted Write Command', 'writeWithoutResponse', null, { nth: 1, repeat: true }],
      ['delayAnswers', 'Open Read', 'read', 0],
      ['delayAnswers', '*', '*', 0],
    ]);
  });

  it('a behaviour the peripheral refuses: the scenario cannot run, and the message names the behaviour', () => {
    const { port, calls } = recordingPort('no such thing here');
    const run = () => applyBehaviours(port, behaviours(['    - delay: { ms: 10 }', '    - answer: { characteristic: Open Read, operation: read, error: 0x0E }'].join('\n')), () => {});
    expect(run).toThrow(CannotRun);
    expect(run).toThrow(/the behaviour at \/peripheral\/behaviours\/1 \(answer\): no such thing here/);
    expect(calls.at(-1), 'what was applied before is undone').toEqual(['delayAnswers', '*', '*', 0]);
  });
});

describe('the file format', () => {
  it('central timeout-ms is the central\'s time limit per operation', () => {
    const s = scenarioFrom('name: t\ndescription: d\nperipheral: { profile: default }\ncentral: { timeout-ms: 400, steps: [ { connect: {} } ] }\n');
    expect(s.central.timeoutMs).toBe(400);
    expect(scenarioFrom(withSteps('    - connect:')).central.timeoutMs).toBeUndefined();
  });

  it('delay: at most 30000 ms, and never for write-without-response (a Write Command has no answer)', () => {
    const tooLong = scenarioError(() => behaviours('    - delay: { ms: 30001 }'));
    expect(tooLong.message).toMatch(/\/peripheral\/behaviours\/0\/delay\/ms/);
    const command = scenarioError(() => behaviours('    - delay: { ms: 10, operation: write-without-response }'));
    expect(command.message).toMatch(/\/peripheral\/behaviours\/0\/delay\/operation/);
  });

  it('answer: the characteristic must have the operation (its property is checked before any chosen answer)', () => {
    const e = scenarioError(() => behaviours('    - answer: { characteristic: Open Read, operation: subscribe, error: 0x0E }'));
    expect(e.message).toMatch(/\/peripheral\/behaviours\/0\/answer\/operation.*"Open Read" has no notify or indicate property/);
  });
});
