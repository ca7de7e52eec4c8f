// One declared type per SMP command: its code, its fields in wire order, their encode and decode,
// and the spec section, as Bumble's smp.py declares them. The Security Manager (engine) and the tap's
// decoder (common/stack/trace/smp-decode.ts) both read PDUs through these declarations; the fuzzer writes
// well-formed commands with them. Core v5.4 Vol 3 Part H 3.3 (every command has a fixed length),
// 3.5 (pairing), 3.6 (key distribution). Multi-octet values travel least significant octet first;
// decoded values are in the spec's order (most significant first; byte-order.ts converts).
import { SMP_CODE, SMP_REASON, smpCodeName } from '../../base/codes/smp.js';
import { addressBytes, addressText, fromWire, toWire } from './byte-order.js';
import { hex } from '../../base/codes/code-table.js';

/** One field of an SMP command: its name in the spec, its size on the wire, and how it reads and writes. */
export interface SmpField<K extends string = string, T = unknown> {
  readonly key: K;
  /** The field's name in the spec's figure (what a truncated PDU names). */
  readonly label: string;
  readonly size: number;
  read(wire: Buffer): T;
  write(value: T): Buffer;
}

const u8 = <K extends string>(key: K, label: string): SmpField<K, number> => ({ key, label, size: 1, read: (b) => b[0]!, write: (v) => Buffer.from([v]) });
const u16 = <K extends string>(key: K, label: string): SmpField<K, number> => ({
  key,
  label,
  size: 2,
  read: (b) => b.readUInt16LE(0),
  write: (v) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    return b;
  },
});
/** A key, random or check value: `size` octets, kept MSB-first (the spec's order). */
const value = <K extends string>(key: K, label: string, size: number): SmpField<K, Buffer> => ({ key, label, size, read: (b) => fromWire(b), write: (v) => toWire(v) });
/** A device address, kept as 'AA:BB:CC:DD:EE:FF'. */
const bdAddr = <K extends string>(key: K, label: string): SmpField<K, string> => ({ key, label, size: 6, read: (b) => addressText(fromWire(b)), write: (v) => toWire(addressBytes(v)) });

type Values<F extends readonly SmpField[]> = { [X in F[number] as X['key']]: X extends SmpField<string, infer T> ? T : never };

/** The declared type of one SMP command. */
export interface SmpCommand<C extends number = number, V extends object = object> {
  readonly code: C;
  /** The command's name in Vol 3 Part H 3.3, table 3.2. */
  readonly name: string;
  /** Where the spec lays it out. */
  readonly section: string;
  /** Its length on the wire, code octet included (fixed for every command, Vol 3 Part H 3.3). */
  readonly length: number;
  /** Its fields after the code octet, in wire order. */
  readonly fields: readonly SmpField[];
  /** The typed command from a PDU of exactly `length` octets (parseSmp checks that first). */
  decode(pdu: Buffer): { code: C } & V;
  /** The octets of the PDU. */
  encode(fields: V): Buffer;
}

function command<C extends number, const F extends readonly SmpField[]>(code: C, section: string, fields: F): SmpCommand<C, Values<F>> {
  return {
    code,
    name: smpCodeName(code),
    section: `Core v5.4 ${section}`,
    length: 1 + fields.reduce((n, f) => n + f.size, 0),
    fields,
    decode(pdu) {
      const out: Record<string, unknown> = { code };
      let at = 1;
      for (const f of fields) {
        out[f.key] = f.read(pdu.subarray(at, at + f.size));
        at += f.size;
      }
      return out as { code: C } & Values<F>;
    },
    encode(v) {
      const values = v as Record<string, unknown>;
      return Buffer.concat([Buffer.from([code]), ...fields.map((f) => f.write(values[f.key]))]);
    },
  };
}

/** IO Capability, OOB data flag, AuthReq, Maximum Encryption Key Size, the two key distributions. Vol 3 Part H 3.5.1 (figure 3.3). */
const PAIRING_FEATURES = [
  u8('ioCapability', 'IO Capability'),
  u8('oobDataFlag', 'OOB data flag'),
  u8('authReq', 'AuthReq'),
  u8('maxKeySize', 'Maximum Encryption Key Size'),
  u8('initiatorKeyDistribution', 'Initiator Key Distribution'),
  u8('responderKeyDistribution', 'Responder Key Distribution'),
] as const;
/** 128-bit values: Confirm, Random, LTK, IRK, CSRK, DHKey Check. */
const V128 = 16;

export const PAIRING_REQUEST = command(SMP_CODE.PAIRING_REQUEST, 'Vol 3 Part H 3.5.1', PAIRING_FEATURES);
export const PAIRING_RESPONSE = command(SMP_CODE.PAIRING_RESPONSE, 'Vol 3 Part H 3.5.2', PAIRING_FEATURES);
export const PAIRING_CONFIRM = command(SMP_CODE.PAIRING_CONFIRM, 'Vol 3 Part H 3.5.3', [value('confirm', 'Confirm Value', V128)]);
export const PAIRING_RANDOM = command(SMP_CODE.PAIRING_RANDOM, 'Vol 3 Part H 3.5.4', [value('random', 'Random Value', V128)]);
export const PAIRING_FAILED = command(SMP_CODE.PAIRING_FAILED, 'Vol 3 Part H 3.5.5', [u8('reason', 'Reason')]);
export const PAIRING_PUBLIC_KEY = command(SMP_CODE.PAIRING_PUBLIC_KEY, 'Vol 3 Part H 3.5.6', [value('x', 'Public Key X', 32), value('y', 'Public Key Y', 32)]);
export const PAIRING_DHKEY_CHECK = command(SMP_CODE.PAIRING_DHKEY_CHECK, 'Vol 3 Part H 3.5.7', [value('check', 'DHKey Check', V128)]);
export const PAIRING_KEYPRESS_NOTIFICATION = command(SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION, 'Vol 3 Part H 3.5.8', [u8('notification', 'Notification Type')]);
export const ENCRYPTION_INFORMATION = command(SMP_CODE.ENCRYPTION_INFORMATION, 'Vol 3 Part H 3.6.2', [value('ltk', 'Long Term Key', V128)]);
export const CENTRAL_IDENTIFICATION = command(SMP_CODE.CENTRAL_IDENTIFICATION, 'Vol 3 Part H 3.6.3', [u16('ediv', 'EDIV'), value('rand', 'Rand', 8)]);
export const IDENTITY_INFORMATION = command(SMP_CODE.IDENTITY_INFORMATION, 'Vol 3 Part H 3.6.4', [value('irk', 'Identity Resolving Key', V128)]);
/** AddrType: 0x00 public, 0x01 static random, others reserved. */
export const IDENTITY_ADDRESS_INFORMATION = command(SMP_CODE.IDENTITY_ADDRESS_INFORMATION, 'Vol 3 Part H 3.6.5', [u8('addressType', 'AddrType'), bdAddr('address', 'BD_ADDR')]);
export const SIGNING_INFORMATION = command(SMP_CODE.SIGNING_INFORMATION, 'Vol 3 Part H 3.6.6', [value('csrk', 'Signature Key', V128)]);
export const SECURITY_REQUEST = command(SMP_CODE.SECURITY_REQUEST, 'Vol 3 Part H 3.6.7', [u8('authReq', 'AuthReq')]);

/** Every SMP command, by code order. */
export const SMP_COMMANDS = [
  PAIRING_REQUEST,
  PAIRING_RESPONSE,
  PAIRING_CONFIRM,
  PAIRING_RANDOM,
  PAIRING_FAILED,
  ENCRYPTION_INFORMATION,
  CENTRAL_IDENTIFICATION,
  IDENTITY_INFORMATION,
  IDENTITY_ADDRESS_INFORMATION,
  SIGNING_INFORMATION,
  SECURITY_REQUEST,
  PAIRING_PUBLIC_KEY,
  PAIRING_DHKEY_CHECK,
  PAIRING_KEYPRESS_NOTIFICATION,
] as const;

type AnyCommand = (typeof SMP_COMMANDS)[number];
/** Any SMP command as a typed value. */
export type SmpPdu = ReturnType<AnyCommand['decode']>;
export type SmpPduOf<C extends SmpPdu['code']> = Extract<SmpPdu, { code: C }>;
/** Pairing Request / Pairing Response parameters. Vol 3 Part H 3.5.1, 3.5.2. */
export type PairingFeatures = Omit<SmpPduOf<typeof SMP_CODE.PAIRING_REQUEST>, 'code'>;

const BY_CODE = new Map<number, SmpCommand>(SMP_COMMANDS.map((c) => [c.code, c as unknown as SmpCommand]));

/** The declared command with this code; undefined for a reserved code. */
export function smpCommand(code: number): SmpCommand | undefined {
  return BY_CODE.get(code);
}

export type ParsedSmp = { ok: true; pdu: SmpPdu } | { ok: false; reason: number; why: string };

/** One SMP PDU from the peer → a typed command, or the Pairing Failed reason it deserves. Never throws. */
export function parseSmp(buf: Buffer): ParsedSmp {
  if (buf.length === 0) return { ok: false, reason: SMP_REASON.INVALID_PARAMETERS, why: 'an empty SMP PDU' };
  const code = buf[0]!;
  const cmd = smpCommand(code);
  // A reserved code: Command Not Supported. Vol 3 Part H 3.3.
  if (!cmd) return { ok: false, reason: SMP_REASON.COMMAND_NOT_SUPPORTED, why: `the reserved SMP code ${hex(code)}` };
  if (buf.length !== cmd.length) {
    return { ok: false, reason: SMP_REASON.INVALID_PARAMETERS, why: `${cmd.name} of ${buf.length} octets (it has ${cmd.length})` };
  }
  const pdu = cmd.decode(buf) as SmpPdu;
  if (pdu.code === SMP_CODE.IDENTITY_ADDRESS_INFORMATION && pdu.addressType > 1) {
    return { ok: false, reason: SMP_REASON.INVALID_PARAMETERS, why: `Identity Address Information with the reserved address type ${pdu.addressType}` };
  }
  return { ok: true, pdu };
}

/** A typed command → the octets of the SMP PDU. */
export function encodeSmp(pdu: SmpPdu): Buffer {
  return BY_CODE.get(pdu.code)!.encode(pdu);
}
