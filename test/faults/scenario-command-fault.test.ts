// Controller errors are scenario data: `faults: - refuse-command: { command, status }` becomes the
// radio's command rule (common/stack/air/faults.ts); a name that is no HCI command is bad input, named.
import { describe, expect, it } from 'vitest';
import { HCI_STATUS, OP } from '../../common/base/codes/hci.js';
import { ScenarioError } from '../../common/apps/scenario/index.js';
import { scenarioFrom } from '../scenario/helpers.js';

const withFault = (fault: string) =>
  ['name: x', 'description: x', 'qualification: []', 'tags: []', 'peripheral: { profile: default }', 'faults:', `  - ${fault}`, 'central:', '  steps:', '    - connect:', ''].join('\n');

function problem(fault: string): ScenarioError {
  try {
    scenarioFrom(withFault(fault));
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error(`${fault} was accepted`);
}

describe('the refuse-command fault in scenarios', () => {
  it.each([
    ['{ command: LE Create Connection }', OP.LE_CREATE_CONNECTION, HCI_STATUS.COMMAND_DISALLOWED],
    ['{ command: HCI LE Create Connection, status: Memory Capacity Exceeded }', OP.LE_CREATE_CONNECTION, HCI_STATUS.MEMORY_CAPACITY_EXCEEDED],
    ['{ command: LE Long Term Key Request Reply, status: 0x02, nth: 2 }', OP.LE_LONG_TERM_KEY_REQUEST_REPLY, HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER],
    ['{ command: LE Set Advertising Enable, status: HCI 0x0C, repeat: true }', OP.LE_SET_ADVERTISING_ENABLE, HCI_STATUS.COMMAND_DISALLOWED],
  ])('refuse-command: %s → the command rule with that opcode and status', (body, opcode, status) => {
    const s = scenarioFrom(withFault(`refuse-command: ${body}`));
    expect(s.faults).toHaveLength(1);
    expect(s.faults[0]).toMatchObject({ on: 'command', opcode, status });
  });

  it('a misspelt command is named with a suggestion, at its path', () => {
    const e = problem('refuse-command: { command: LE Create Conection }');
    expect(e.issues[0]).toMatchObject({ kind: 'unknown-pdu', path: '/faults/0/refuse-command/command' });
    expect(e.message).toMatch(/did you mean "(HCI )?LE Create Connection"/);
  });

  it('a PDU that is not an HCI command cannot be refused by the controller', () => {
    const e = problem('refuse-command: { command: ATT Read Request }');
    expect(e.issues[0]).toMatchObject({ kind: 'inconsistent', path: '/faults/0/refuse-command/command' });
  });

  it('a status that is no HCI code is named', () => {
    const e = problem('refuse-command: { command: LE Create Connection, status: Command Disalowed }');
    expect(e.issues[0]).toMatchObject({ kind: 'unknown-code', path: '/faults/0/refuse-command/status' });
  });
});
