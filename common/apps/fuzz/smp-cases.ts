// SMP PDUs as a rogue peer sends them: single commands with hostile values (reserved IO
// capabilities, key sizes 0..255, reserved AuthReq bits, points not on the curve), mutated copies,
// and sequences out of the spec's order (Pairing Confirm before Pairing Request, Pairing Random
// without Confirm, DHKey Check early, a second Pairing Request mid-pairing, keys before
// encryption). Core v5.4 Vol 3 Part H 3.3-3.6 (commands), 2.3.5.6 (SC phase 2 order).
import { params } from '../../stack/air/bytes.js';
import { AUTH_REQ, IO_CAPABILITY, SMP_CODE, SMP_CODE_TABLE, smpCodeName } from '../../base/codes/smp.js';
import { debugKeyPair } from '../../stack/smp/p256.js';
import {
  CENTRAL_IDENTIFICATION,
  IDENTITY_ADDRESS_INFORMATION,
  PAIRING_FAILED,
  PAIRING_KEYPRESS_NOTIFICATION,
  PAIRING_PUBLIC_KEY,
  PAIRING_REQUEST,
  PAIRING_RESPONSE,
  SECURITY_REQUEST,
  smpCommand,
} from '../../stack/smp/pdu.js';
import { mutate } from './mutate.js';
import type { FuzzRole } from './fuzz-case.js';
import type { Prng } from './prng.js';
import { formatAddress } from '../../base/output/format.js';

const KNOWN_CODES = [...SMP_CODE_TABLE.keys()];

export interface SmpSequence {
  name: string;
  pdus: Buffer[];
}

/** A PDU with a code no command has (and any octets after it): the one layout the declarations cannot write. */
const reserved = (code: number, rest: Buffer) => params().u8(code).bytesOf(rest).build();

/** Six random octets as an address text (the declaration writes BD_ADDR from it). */
const addressOf = (octets: Buffer) => formatAddress(octets.toString('hex'));

function authReq(rng: Prng, sc: boolean): number {
  if (rng.chance(0.2)) return rng.int(0, 0xff); // reserved bits and Bonding_Flags 0b1x
  return AUTH_REQ.BONDING | (rng.chance(0.5) ? AUTH_REQ.MITM : 0) | (sc ? AUTH_REQ.SC : 0) | (rng.chance(0.2) ? AUTH_REQ.KEYPRESS : 0);
}

function features(rng: Prng, code: typeof SMP_CODE.PAIRING_REQUEST | typeof SMP_CODE.PAIRING_RESPONSE, sc: boolean): Buffer {
  return (code === SMP_CODE.PAIRING_REQUEST ? PAIRING_REQUEST : PAIRING_RESPONSE).encode({
    ioCapability: rng.chance(0.8) ? rng.int(IO_CAPABILITY.DISPLAY_ONLY, IO_CAPABILITY.KEYBOARD_DISPLAY) : rng.int(0x05, 0xff),
    oobDataFlag: rng.chance(0.9) ? 0 : rng.int(0, 0xff),
    authReq: authReq(rng, sc),
    maxKeySize: rng.weighted([[6, 16], [2, rng.int(7, 15)], [2, rng.pick([0, 1, 6, 17, 0xff])]]),
    initiatorKeyDistribution: rng.chance(0.8) ? rng.int(0, 0x07) : rng.int(0, 0xff),
    responderKeyDistribution: rng.chance(0.8) ? rng.int(0, 0x07) : rng.int(0, 0xff),
  });
}

/** A command whose one field is a 128-bit value (Confirm, Random, LTK, IRK, CSRK, DHKey Check), random octets. */
function value128(rng: Prng, code: number): Buffer {
  const cmd = smpCommand(code)!;
  return Buffer.concat([Buffer.from([code]), rng.bytes(cmd.length - 1)]);
}

function publicKey(rng: Prng): Buffer {
  const debug = debugKeyPair();
  return rng.weighted<() => Buffer>([
    [2, () => PAIRING_PUBLIC_KEY.encode({ x: debug.x, y: debug.y })], // on the curve
    [2, () => PAIRING_PUBLIC_KEY.encode({ x: rng.bytes(32), y: rng.bytes(32) })], // almost surely not on the curve
    [1, () => PAIRING_PUBLIC_KEY.encode({ x: Buffer.alloc(32), y: Buffer.alloc(32) })], // the point at infinity's encoding
    [1, () => PAIRING_PUBLIC_KEY.encode({ x: Buffer.alloc(32, 0xff), y: Buffer.alloc(32, 0xff) })], // coordinates >= p
  ])();
}

/** One SMP command of any code, well-formed but with hostile values. */
function command(rng: Prng, target: FuzzRole, sc = rng.chance(0.5)): Buffer {
  const ownFeatures = target === 'peripheral' ? SMP_CODE.PAIRING_REQUEST : SMP_CODE.PAIRING_RESPONSE;
  return rng.weighted<() => Buffer>([
    [4, () => features(rng, ownFeatures, sc)],
    [1, () => features(rng, ownFeatures === SMP_CODE.PAIRING_REQUEST ? SMP_CODE.PAIRING_RESPONSE : SMP_CODE.PAIRING_REQUEST, sc)],
    [3, () => value128(rng, SMP_CODE.PAIRING_CONFIRM)],
    [3, () => value128(rng, SMP_CODE.PAIRING_RANDOM)],
    [2, () => PAIRING_FAILED.encode({ reason: rng.weighted([[3, rng.int(0x01, 0x0f)], [1, rng.int(0, 0xff)]]) })],
    [1, () => value128(rng, SMP_CODE.ENCRYPTION_INFORMATION)],
    [1, () => CENTRAL_IDENTIFICATION.encode({ ediv: rng.int(0, 0xffff), rand: rng.bytes(8) })],
    [1, () => value128(rng, SMP_CODE.IDENTITY_INFORMATION)],
    [1, () => IDENTITY_ADDRESS_INFORMATION.encode({ addressType: rng.pick([0, 1, 2, 0xff]), address: addressOf(rng.bytes(6)) })],
    [1, () => value128(rng, SMP_CODE.SIGNING_INFORMATION)],
    [2, () => SECURITY_REQUEST.encode({ authReq: authReq(rng, sc) })],
    [3, () => publicKey(rng)],
    [2, () => value128(rng, SMP_CODE.PAIRING_DHKEY_CHECK)],
    [1, () => PAIRING_KEYPRESS_NOTIFICATION.encode({ notification: rng.int(0, 5) })],
    [1, () => reserved(rng.pick([0x00, 0x0f, 0x10, 0x7f, 0xff, rng.int(0x0f, 0xff)]), rng.bytes(rng.int(0, 20)))],
  ])();
}

/** Sequences that break the order of Vol 3 Part H 2.3 / C.1-C.2, starting from a valid opening. */
function outOfOrder(rng: Prng, target: FuzzRole): SmpSequence {
  const sc = rng.chance(0.5);
  const open = target === 'peripheral' ? features(rng, SMP_CODE.PAIRING_REQUEST, sc) : SECURITY_REQUEST.encode({ authReq: authReq(rng, sc) });
  const confirm = () => value128(rng, SMP_CODE.PAIRING_CONFIRM);
  const random = () => value128(rng, SMP_CODE.PAIRING_RANDOM);
  const dhkey = () => value128(rng, SMP_CODE.PAIRING_DHKEY_CHECK);
  return rng.weighted<() => SmpSequence>([
    [2, () => ({ name: 'Pairing Confirm before any Pairing Request', pdus: [confirm(), random()] })],
    [2, () => ({ name: 'Pairing Random without Pairing Confirm', pdus: [open, random()] })],
    [2, () => ({ name: 'Pairing Random alone', pdus: [random()] })],
    [2, () => ({ name: 'DHKey Check early', pdus: [open, dhkey()] })],
    [1, () => ({ name: 'DHKey Check alone', pdus: [dhkey()] })],
    [2, () => ({ name: 'Public Key then DHKey Check without Confirm/Random', pdus: [open, publicKey(rng), dhkey()] })],
    [2, () => ({ name: 'Pairing Request twice', pdus: [open, features(rng, SMP_CODE.PAIRING_REQUEST, !sc)] })],
    [2, () => ({ name: 'Pairing Confirm twice', pdus: [open, confirm(), confirm()] })],
    [2, () => ({ name: 'Pairing Confirm, Random, Random', pdus: [open, confirm(), random(), random()] })],
    [1, () => ({ name: 'keys before encryption', pdus: [open, value128(rng, SMP_CODE.ENCRYPTION_INFORMATION), CENTRAL_IDENTIFICATION.encode({ ediv: 0, rand: Buffer.alloc(8) })] })],
    [1, () => ({ name: 'Pairing Failed then Pairing Random', pdus: [open, PAIRING_FAILED.encode({ reason: rng.int(0, 0xff) }), random()] })],
    [2, () => ({ name: 'a mutated command mid-pairing', pdus: [open, single(rng, target).pdus[0]!, random()] })],
    [2, () => ({ name: 'a burst of commands', pdus: Array.from({ length: rng.int(2, 6) }, () => command(rng, target, sc)) })],
  ])();
}

function single(rng: Prng, target: FuzzRole): SmpSequence {
  const pdu = command(rng, target);
  const base = smpCodeName(pdu[0]!);
  if (rng.chance(0.4)) return { name: base, pdus: [pdu] };
  const m = mutate(rng, pdu, KNOWN_CODES);
  return { name: `${base}, ${m.how}`, pdus: [m.bytes] };
}

/** One SMP case for the role under test: a single (perhaps mutated) command, or a sequence out of order. */
export function smpSequence(rng: Prng, target: FuzzRole): SmpSequence {
  const s = rng.chance(0.6) ? single(rng, target) : outOfOrder(rng, target);
  return { name: `SMP ${s.name}`, pdus: s.pdus };
}
