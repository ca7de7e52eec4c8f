// Scenario files load from YAML and JSON into resolved scenarios: names become characteristics, PDUs,
// codes and fault rules; defaults are filled in. The README's examples are valid scenarios.
import { describe, expect, it } from 'vitest';
import { ATT_OP } from '../../common/base/codes/att.js';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import { SMP_CODE, SMP_REASON } from '../../common/base/codes/smp.js';
import { DEFAULT_PAIRING_POLICY, DEFAULT_STEP_TIMEOUT_MS, DEFAULT_TIME_LIMIT_MS, failureReason, loadScenario, parseProtocolCode } from '../../common/apps/scenario/index.js';
import { runOnMock } from './run-helpers.js';
import { readmeExamples, root, scenarioFile, scenarioFrom, stepOf, withSteps } from './helpers.js';

describe('README examples', () => {
  it('has two YAML examples (the story, several centrals) and a JSON example', () => {
    expect(readmeExamples('yaml')).toHaveLength(2);
    expect(readmeExamples('json')).toHaveLength(1);
  });

  it('the several-centrals example (YAML) loads two named centrals and passes on mock', async () => {
    const s = loadScenario(scenarioFile(readmeExamples('yaml')[1]!), { cwd: root });
    expect(s.centrals.map((c) => c.name)).toEqual(['phone-a', 'phone-b']);
    expect(s.expect.timeline[0]).toMatchObject({ kind: 'none', central: 'phone-b' });
    const r = (await runOnMock([s], 1)).results[0]!;
    expect(failureReason(r) ?? 'passed').toBe('passed');
  }, 30_000);

  it('the story example (YAML) loads: 0x05 on the first read, pair, read, subscribe, notifications', () => {
    const s = loadScenario(scenarioFile(readmeExamples('yaml')[0]!), { cwd: root });
    expect(s.qualification).toEqual(['GATT/SR/GAR/BI-04-C', 'GATT/CL/GAR/BI-04-C', 'GATT/SR/GAN/BV-01-C']);
    expect(s.timeLimitMs).toBe(10_000);
    expect(s.central.pairing).toBe('never');
    expect(s.central.steps.map((x) => x.kind)).toEqual(['connect', 'discover', 'read', 'pair', 'read', 'subscribe', 'wait-notification']);
    const read = s.central.steps[2]!;
    expect(read.expect.outcome).toMatchObject({ kind: 'code', code: { protocol: 'att', code: 0x05, name: 'Insufficient Authentication' } });
    expect(s.peripheral.profile.name).toBe('blebench default');
    expect(s.peripheral.behaviours[0]).toMatchObject({ kind: 'notify', everyMs: 20, count: 3, characteristic: { name: 'Encrypted Everything' } });
    expect(s.expect.timeline.map((t) => t.kind)).toEqual(['none', 'order']);
  });

  it('the fault example (JSON) loads and its fault becomes a radio rule on SMP Pairing Random', () => {
    const s = loadScenario(scenarioFile(readmeExamples('json')[0]!, 'readme.json'), { cwd: root });
    expect(s.faults).toEqual([
      {
        on: 'acl',
        match: { cid: L2CAP_CID.SMP, prefix: [SMP_CODE.PAIRING_RANDOM], direction: 'peripheral-to-central' },
        action: { kind: 'disconnect', reason: HCI_STATUS.CONNECTION_TIMEOUT },
        label: 'disconnect SMP Pairing Random from the peripheral',
      },
    ]);
    expect(s.central.steps[1]!.expect.outcome).toMatchObject({ kind: 'code', code: { protocol: 'hci', code: HCI_STATUS.CONNECTION_TIMEOUT } });
  });
});

describe('resolving names', () => {
  it('fills in the defaults: time limit, pairing policy, step timeouts, outcome ok', () => {
    const s = scenarioFrom('name: t\ndescription: d\nperipheral: { profile: default }\ncentral:\n  steps:\n    - connect:\n');
    expect(s.timeLimitMs).toBe(DEFAULT_TIME_LIMIT_MS);
    expect(s.central.pairing).toBe(DEFAULT_PAIRING_POLICY);
    expect(s.central.steps[0]).toMatchObject({ kind: 'connect', timeoutMs: DEFAULT_STEP_TIMEOUT_MS, expect: { outcome: { kind: 'ok' }, outcomeExplicit: false } });
  });

  it('finds a characteristic by UUID as well as by name', () => {
    expect(stepOf('    - read: b1eb1002-7e57-4b3e-9c1d-2f5e0b1c7a90')).toMatchObject({ kind: 'read', characteristic: { name: 'Encrypted Read' } });
  });

  it('encodes write values written as hex, utf8 and number', () => {
    const w = (v: string) => (stepOf(`    - write: { characteristic: Encrypted Write, value: ${v} }`) as { value: Buffer }).value;
    expect(w('{ hex: "01 02" }')).toEqual(Buffer.from([1, 2]));
    expect(w('{ utf8: hi }')).toEqual(Buffer.from('hi'));
    expect(w('{ number: 300, width: 2 }')).toEqual(Buffer.from([0x2c, 0x01]));
    expect(stepOf('    - write: { characteristic: Encrypted Write Command, value: { hex: "00" }, response: false }')).toMatchObject({ withResponse: false });
  });

  it('subscribes with indicate when the characteristic can only indicate', () => {
    expect(stepOf('    - subscribe: Indicate')).toMatchObject({ kind: 'subscribe', mode: 'indicate' });
    expect(stepOf('    - subscribe: Encrypted Notify')).toMatchObject({ kind: 'subscribe', mode: 'notify' });
  });

  it('names the idle hold as such: the only clock-based step', () => {
    expect(stepOf('    - hold-idle: { ms: 250 }')).toMatchObject({ kind: 'hold-idle', ms: 250, label: 'hold the link idle for 250 ms' });
  });

  it('turns a wait into a timeline matcher', () => {
    expect(stepOf('    - wait: { for: { pdu: HCI Encryption Change, at: peripheral } }')).toMatchObject({ kind: 'wait', for: { pdu: { name: 'HCI Encryption Change', layer: 'hci-evt' }, at: 'peripheral' } });
  });

  it('reads codes by number, by name, with or without the protocol, and both together', () => {
    const code = (s: string | number, allowed: Array<'att' | 'smp' | 'hci'> = ['att', 'smp', 'hci']) => parseProtocolCode(s, allowed);
    expect(code('ATT 0x05')).toMatchObject({ ok: true, code: { protocol: 'att', code: 0x05 } });
    expect(code('Insufficient Authentication')).toMatchObject({ ok: true, code: { protocol: 'att', code: 0x05 } });
    expect(code('INSUFFICIENT_ENCRYPTION')).toMatchObject({ ok: true, code: { protocol: 'att', code: 0x0f } });
    expect(code('SMP 0x03')).toMatchObject({ ok: true, code: { protocol: 'smp', code: SMP_REASON.AUTHENTICATION_REQUIREMENTS } });
    expect(code('HCI 0x3E')).toMatchObject({ ok: true, code: { protocol: 'hci', code: HCI_STATUS.CONNECTION_FAILED_TO_BE_ESTABLISHED } });
    expect(code('ATT 0x05 Insufficient Authentication')).toMatchObject({ ok: true, code: { code: 0x05 } });
    expect(code(5, ['smp'])).toMatchObject({ ok: true, code: { protocol: 'smp', name: 'Pairing Not Supported' } });
  });

  it('refuses a code name two protocols share, and a name that contradicts its number', () => {
    expect(parseProtocolCode('Repeated Attempts', ['att', 'smp', 'hci'])).toMatchObject({ ok: false, problem: expect.stringMatching(/SMP 0x09 Repeated Attempts and HCI 0x17 Repeated Attempts; say which/) });
    expect(parseProtocolCode('ATT 0x05 Insufficient Encryption', ['att'])).toMatchObject({ ok: false, problem: expect.stringMatching(/is not called "Insufficient Encryption"/) });
    expect(parseProtocolCode('SMP 0x05', ['att'])).toMatchObject({ ok: false });
  });

  it('maps every fault knob onto a common/stack/air/faults.ts rule', () => {
    const s = scenarioFrom(
      withSteps(
        '    - connect:',
        [
          'faults:',
          '  - drop: { pdu: ATT Read Request, sent-by: central }',
          '  - delay: { pdu: SMP Pairing Random, ms: 300, nth: 2 }',
          '  - disconnect: { pdu: ATT Write Request, reason: Remote User Terminated Connection, repeat: true }',
          '  - refuse-encryption:',
          '  - fail-connection: { status: HCI 0x3E }',
          '',
        ].join('\n'),
      ),
    );
    expect(s.faults).toEqual([
      { on: 'acl', match: { cid: L2CAP_CID.ATT, prefix: [ATT_OP.READ_REQ], direction: 'central-to-peripheral' }, action: { kind: 'drop' }, label: 'drop ATT Read Request from the central' },
      { on: 'acl', match: { cid: L2CAP_CID.SMP, prefix: [SMP_CODE.PAIRING_RANDOM] }, action: { kind: 'delay', ms: 300 }, nth: 2, label: 'delay SMP Pairing Random' },
      { on: 'acl', match: { cid: L2CAP_CID.ATT, prefix: [ATT_OP.WRITE_REQ] }, action: { kind: 'disconnect', reason: HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION }, repeat: true, label: 'disconnect ATT Write Request' },
      { on: 'encryption', status: HCI_STATUS.PIN_OR_KEY_MISSING, label: 'refuse-encryption with HCI 0x06 PIN or Key Missing' },
      { on: 'connect', status: HCI_STATUS.CONNECTION_FAILED_TO_BE_ESTABLISHED, label: 'fail-connection with HCI 0x3E Connection Failed to be Established' },
    ]);
  });

  it('resolves peripheral behaviours: refuse pairing, answer with a code, disconnect after a PDU, delays, initial values', () => {
    const s = scenarioFrom(
      [
        'name: t',
        'description: d',
        'peripheral:',
        '  profile: default',
        '  values: { Open Read: { utf8: hello } }',
        '  behaviours:',
        '    - refuse-pairing: { reason: 0x05 }',
        '    - answer: { characteristic: Open Read, operation: read, error: Unlikely Error }',
        '    - disconnect-after: { pdu: Pairing Confirm, sent-by: central }',
        '    - delay: { ms: 50, operation: read }',
        'central: { steps: [ { connect: {} } ] }',
        '',
      ].join('\n'),
    );
    expect(s.peripheral.values).toEqual([{ characteristic: expect.objectContaining({ name: 'Open Read' }), value: Buffer.from('hello') }]);
    expect(s.peripheral.behaviours).toMatchObject([
      { kind: 'refuse-pairing', reason: { protocol: 'smp', code: SMP_REASON.PAIRING_NOT_SUPPORTED } },
      { kind: 'answer', operation: 'read', error: { protocol: 'att', code: 0x0e }, nth: 1, repeat: true },
      { kind: 'disconnect-after', pdu: { name: 'SMP Pairing Confirm' }, sentBy: 'central', reason: { code: HCI_STATUS.REMOTE_USER_TERMINATED_CONNECTION } },
      { kind: 'delay', ms: 50, operation: 'read' },
    ]);
  });

  it('finds a profile file relative to the scenario file, not the working directory', () => {
    const profile = { name: 'beside the scenario', services: [{ name: 'S', uuid: 'b1eb7000-7e57-4b3e-9c1d-2f5e0b1c7a90', characteristics: [{ name: 'Thing', uuid: 'b1eb7001-7e57-4b3e-9c1d-2f5e0b1c7a90', properties: ['read'] }] }] };
    scenarioFile(JSON.stringify(profile), 'beside.json');
    const s = scenarioFrom('name: t\ndescription: d\nperipheral: { profile: ./beside.json }\ncentral: { steps: [ { read: Thing } ] }\n');
    expect(s.peripheral.profile.name).toBe('beside the scenario');
    expect(s.central.steps[0]).toMatchObject({ characteristic: { name: 'Thing' } });
  });
});
