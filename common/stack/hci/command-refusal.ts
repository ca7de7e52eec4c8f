// A controller that answers an HCI command with an error status instead of carrying it out (Command
// Status or Command Complete with a status other than 0x00, Core v5.4 Vol 4 Part E 4.4, 7.7.14,
// 7.7.15): how to see it on the tap, and the typed error a role ends with when it cannot go on.
import { hex } from '../../base/codes/code-table.js';
import { EVT, hciStatus, opcodeName } from '../../base/codes/hci.js';
import { BlebenchError } from '../../base/errors/blebench-error.js';
import type { TimelineEntry } from '../trace/timeline.js';

const ANSWERS = new Set([EVT.COMMAND_COMPLETE, EVT.COMMAND_STATUS]);

/** The error status of the controller's answer to `opcode` in this tap entry, or undefined. */
export function commandRefusal(e: TimelineEntry, opcode: number): number | undefined {
  if (e.dir !== 'rx' || e.layer !== 'hci-evt' || e.fields.commandOpcode !== opcode) return undefined;
  if (!ANSWERS.has(e.raw[1] as (typeof EVT)['COMMAND_STATUS'])) return undefined;
  const status = e.fields.status;
  return typeof status === 'number' && status !== 0 ? status : undefined;
}

/** "HCI 0x0C Command Disallowed": the status and its spec name. */
export function hciStatusLabel(status: number): string {
  return `HCI ${hex(status)} ${hciStatus(status).name}`;
}

/** The controller refused a command the role cannot do without (exit 3: the adapter, not the peer). */
export class ControllerRefusedError extends BlebenchError {
  readonly code = 'CONTROLLER_REFUSED';
  constructor(
    readonly opcode: number,
    readonly status: number,
    what: string,
  ) {
    super(`${what}: the controller answered ${opcodeName(opcode)} with ${hciStatusLabel(status)} (${hciStatus(status).meaning})`, {
      hint: 'the adapter is in a state that refuses this command (another program using it, or its limits reached): stop other Bluetooth programs, reset the adapter, or use --transport mock',
    });
  }
}
