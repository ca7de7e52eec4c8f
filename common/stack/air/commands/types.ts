// The shape of one command's implementation, and small helpers the command files share.
// Core v5.4 Vol 4 Part E 4.4 (command flow: Command Complete or Command Status per command).
import { HCI_STATUS } from '../../../base/codes/hci.js';
import { params, type ParamWriter } from '../bytes.js';
import type { LinkEnd } from '../link.js';
import type { VirtualController } from '../controller.js';

export interface CommandContext {
  readonly c: VirtualController;
  readonly params: Buffer;
  readonly opcode: number;
}

/**
 * How the controller answers: Command Complete with return parameters, Command Status (the
 * outcome follows as its own event), or nothing unless in error (Host Number Of Completed Packets).
 */
export type AnswerEvent = 'complete' | 'status' | 'none';

export interface CommandSpec {
  /** Exact parameter length, or a check for variable-length commands. */
  length: number | ((params: Buffer) => boolean);
  answer: AnswerEvent;
  /** Octets of return parameters after Status (so an error answer has the right size). */
  returns?: number;
  /** Return parameters start with the Connection_Handle from params[0..1] (echoed on errors too). */
  echoesHandle?: boolean;
  /**
   * Complete: a Buffer of return parameters (status first), or a status number (an error, padded).
   * Status/none: the status number.
   */
  run(ctx: CommandContext): Buffer | number;
}

export type CommandTable = ReadonlyMap<number, CommandSpec>;

export const OK = HCI_STATUS.SUCCESS;

/** Return parameters starting with Status 0x00. */
export const ok = (): ParamWriter => params().u8(OK);

export const readU16 = (p: Buffer, at: number): number => p.readUInt16LE(at);

/** Connection handles are 12 bits; the top bits of the 16-bit field are reserved. */
export const handleAt = (p: Buffer, at = 0): number => p.readUInt16LE(at) & 0x0fff;

export function inRange(v: number, lo: number, hi: number): boolean {
  return v >= lo && v <= hi;
}

/** Run fn with the link end for the handle at params[0..1], or answer Unknown Connection Identifier. */
export function withLink(ctx: CommandContext, fn: (end: LinkEnd) => Buffer | number): Buffer | number {
  const end = ctx.c.links.get(handleAt(ctx.params));
  return end ? fn(end) : HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER;
}

/** Error return parameters: status, then the echoed handle if any, then zeros. Vol 4 Part E 4.5. */
export function errorReturn(spec: CommandSpec, p: Buffer, status: number): Buffer {
  const w = params().u8(status);
  let rest = spec.returns ?? 0;
  if (spec.echoesHandle && rest >= 2) {
    w.u16(p.length >= 2 ? p.readUInt16LE(0) : 0);
    rest -= 2;
  }
  return w.zeros(rest).build();
}
