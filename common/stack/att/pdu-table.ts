// The code → type table: every ATT PDU of Core v5.4 Vol 3 Part F 3.4 (opcodes: table 3.37 in 3.4.8),
// and the one encoder and one decoder the whole program uses.
import { ATT_AUTH_SIGNATURE_FLAG, ATT_COMMAND_FLAG, attOpcodeName } from '../../base/codes/att.js';
import { copy, view, type AttCodec } from './codec.js';
import * as discovery from './discovery-pdus.js';
import * as reads from './read-pdus.js';
import * as serverInitiated from './server-initiated-pdus.js';
import * as writes from './write-pdus.js';
import type { AttDecoded, AttMethod, AttPdu } from './pdu-types.js';

const isCodec = (v: unknown): v is AttCodec => typeof v === 'object' && v !== null && 'opcode' in v && 'decode' in v;
const codecs = [discovery, reads, writes, serverInitiated].flatMap((m) => Object.values(m).filter(isCodec)) as AttCodec[];

/** Every ATT PDU by opcode. */
export const ATT_PDUS: ReadonlyMap<number, AttCodec> = new Map(codecs.map((c) => [c.opcode, c]));

/** The PDU's octets, opcode first. Encoding a well-typed value cannot fail. */
export function encodeAtt(pdu: AttPdu): Buffer {
  return (ATT_PDUS.get(pdu.opcode) as AttCodec<typeof pdu>).encode(pdu);
}

export interface DecodeAttOptions {
  /**
   * Values as views into `octets` instead of copies: for a caller that never changes `octets` and keeps
   * them as long as the PDU (the tap, which decodes every packet and keeps the packet with its entry).
   * Default false: the PDU owns its values (a caller may hand them to user code or keep them).
   */
  views?: boolean;
}

/** The typed PDU, or why the octets are not one (empty, unknown opcode, wrong length, bad field). Never throws. */
export function decodeAtt(octets: Buffer, options?: DecodeAttOptions): AttDecoded {
  const opcode = octets[0];
  if (opcode === undefined) return { ok: false, opcode, problem: 'empty', why: 'an empty ATT PDU (no opcode)' };
  const codec = ATT_PDUS.get(opcode);
  if (!codec) return { ok: false, opcode, problem: 'unknown-opcode', why: `${attOpcodeName(opcode)} is not an ATT PDU of Core v5.4 Vol 3 Part F 3.4` };
  const out = codec.decode(octets.subarray(1), options?.views ? view : copy);
  if ('opcode' in out) return { ok: true, pdu: out };
  return { ok: false, opcode, problem: out.problem, why: out.why };
}

/**
 * What a PDU is, from its opcode. An unknown opcode with the Command Flag (bit 6) set is a command
 * (ignored by a server); otherwise a server treats it as a request (answered 0x06 Request Not
 * Supported). Vol 3 Part F 3.3.1, 3.4.1.1.
 */
export function attMethodOf(opcode: number): AttMethod {
  const known = ATT_PDUS.get(opcode);
  if (known) return known.method;
  return opcode & ATT_COMMAND_FLAG ? 'command' : 'request';
}

/** Whether the opcode carries an Authentication Signature (bit 7). Vol 3 Part F 3.3.1. */
export const hasAuthSignature = (opcode: number): boolean => (opcode & ATT_AUTH_SIGNATURE_FLAG) !== 0;

/** Where the spec defines a PDU ("Vol 3 Part F 3.4.4.1"), undefined for an unknown opcode. */
export const attSection = (opcode: number): string | undefined => ATT_PDUS.get(opcode)?.section;
