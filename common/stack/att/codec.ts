// What every ATT PDU's entry in the code → type table holds, and the octet helpers the entries share.
// Core v5.4 Vol 3 Part F 3.3 (PDU format: opcode, parameters, little-endian fields).
import type { AttMethod, AttPdu } from './pdu-types.js';

/** What a decoder does with the octets of a value it returns: `copy` (the default) or `view`. */
export type TakeOctets = (b: Buffer) => Buffer;

/**
 * How one PDU is written and read. `decode` gets the parameters after the opcode and returns the PDU, or
 * why it is not one; each value in it goes through `take` (a copy unless the caller asks for views).
 */
export interface AttCodec<P extends AttPdu = AttPdu> {
  readonly opcode: P['opcode'];
  /** Where the Core spec defines it, e.g. "Vol 3 Part F 3.4.4.1". */
  readonly section: string;
  readonly method: AttMethod;
  encode(pdu: P): Buffer;
  decode(params: Buffer, take?: TakeOctets): P | AttFieldProblem;
}

/** A decode refusal: the parameters' length or a field is wrong. */
export interface AttFieldProblem {
  readonly problem: 'length' | 'field';
  readonly why: string;
}

export const isProblem = (v: object): v is AttFieldProblem => 'problem' in v && 'why' in v && !('opcode' in v);

export const badLength = (why: string): AttFieldProblem => ({ problem: 'length', why });
export const badField = (why: string): AttFieldProblem => ({ problem: 'field', why });

/** Octets of a handle or other 16-bit field. */
export const HANDLE_LENGTH = 2;

export function u16(v: number): Buffer {
  const b = Buffer.alloc(HANDLE_LENGTH);
  b.writeUInt16LE(v & 0xffff);
  return b;
}

/** The PDU's octets: opcode then parameters. */
export function withOpcode(opcode: number, ...parts: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([opcode]), ...parts]);
}

/** A copy, so a decoded PDU never aliases the caller's buffer. */
export const copy: TakeOctets = (b) => Buffer.from(b);
/** The octets where they are: for a caller that keeps the PDU's buffer unchanged as long as the decoded PDU (the tap). */
export const view: TakeOctets = (b) => b;

/** The parameters must be exactly `n` octets. */
export function exactly(params: Buffer, n: number, what: string): AttFieldProblem | undefined {
  return params.length === n ? undefined : badLength(`${what} has ${n} octets of parameters, not ${params.length}`);
}

/** The parameters must be at least `n` octets. */
export function atLeast(params: Buffer, n: number, what: string): AttFieldProblem | undefined {
  return params.length >= n ? undefined : badLength(`${what} has at least ${n} octets of parameters, not ${params.length}`);
}

/** A list of 16-bit handles, two or more (Read Multiple, Read Multiple Variable). */
export function handleList(params: Buffer, what: string): number[] | AttFieldProblem {
  if (params.length < 2 * HANDLE_LENGTH || params.length % HANDLE_LENGTH !== 0) {
    return badLength(`${what} carries two or more 2-octet handles, not ${params.length} octets`);
  }
  const handles: number[] = [];
  for (let i = 0; i < params.length; i += HANDLE_LENGTH) handles.push(params.readUInt16LE(i));
  return handles;
}

/** Fixed-size entries after a 1-octet Length field (Read By Type / Read By Group Type responses). */
export function lengthPrefixedList(params: Buffer, headerLength: number, what: string): { length: number; entries: Buffer[] } | AttFieldProblem {
  const length = params[0];
  if (length === undefined) return badLength(`${what} has no Length field`);
  if (length < headerLength) return badField(`${what}'s Length ${length} is shorter than its ${headerLength} octets of handles`);
  const list = params.subarray(1);
  if (list.length === 0 || list.length % length !== 0) {
    return badLength(`${what}'s ${list.length} octets of data are not a whole number of ${length}-octet entries`);
  }
  const entries: Buffer[] = [];
  for (let i = 0; i < list.length; i += length) entries.push(list.subarray(i, i + length));
  return { length, entries };
}
