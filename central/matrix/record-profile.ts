// `blebench central --save-profile FILE`: the target's GATT table and the security the matrix saw each
// operation need, written as a profile (common/stack/gatt/profile-input.ts) that `blebench peripheral
// --profile` serves and `blebench central --profile` checks. What the matrix cannot tell is written
// down as a guess, in words, on the characteristic (`about`) and in `recorded.guesses`.
//
// Security from the two phases (Core v5.4 Vol 3 Part C 10.3; the codes: Vol 3 Part F 3.4.1.1):
// open before pairing → none; 0x05 before and success after an unauthenticated pairing → encrypted;
// 0x05 still after it → authenticated; 0x0F before pairing (the spec's answer with no key is 0x05) →
// the same, answering 0x0F; 0x0C after pairing → a minimum key size above the key it had; 0x08 →
// authorized; any other code → refused with that code whatever the link.
import { ATT_ERROR, attError } from '../../common/base/codes/att.js';
import { hex } from '../../common/base/codes/code-table.js';
import { DESCRIPTOR_UUID } from '../../common/stack/gatt/descriptor-types.js';
import { PRESENTATION_FORMATS } from '../../common/stack/gatt/presentation-format.js';
import type { CharacteristicInput, CustomDescriptorInput, ProfileInput, RecordedInput, SecurityInput, ServiceInput } from '../../common/stack/gatt/profile-input.js';
import { AttError } from '../errors.js';
import type { DiscoveredCharacteristic } from '../gatt/discovered.js';
import { formatPairingReport } from '../pairing/pairing-report.js';
import type { Cell, DescriptorRead, MatrixOperation, MatrixResult } from './matrix-types.js';
import { offered } from './run-phase.js';

/** The GAP and GATT services: every server has its own (bleno serves them), so a profile leaves them out. Vol 3 Part C 12, Part G 7. */
const SERVER_OWN_SERVICES = new Set(['1800', '1801']);

export interface RecordingContext {
  /** e.g. "blebench 0.1.0 central". */
  by: string;
  transport: string;
  host: string;
  at: Date;
}

interface Inferred {
  security: SecurityInput;
  guess?: string;
}

const codeText = (code: number) => `${hex(code)} ${attError(code).name}`;

function attCode(c: Cell | undefined): number | undefined {
  return c?.outcome.kind === 'error' && c.outcome.error instanceof AttError ? c.outcome.error.attCode : undefined;
}

const succeeded = (c: Cell | undefined) => c !== undefined && c.outcome.kind !== 'error';

/** What the unencrypted cell `u` and the paired cell `p` say one operation needs. */
export function inferSecurity(op: MatrixOperation, u: Cell | undefined, p: Cell | undefined): Inferred {
  if (!u) return { security: 'none', guess: 'not tried on an unencrypted link (the phase ended early): recorded as open' };
  if (u.outcome.kind === 'sent') {
    return { security: 'none', guess: 'a Write Command is never answered, so the matrix cannot tell whether the device applied or dropped it: recorded as open' };
  }
  if (succeeded(u)) return { security: 'none' };
  const code = attCode(u);
  if (code === undefined) return { security: 'none', guess: `${op} ended in ${u.outcome.kind === 'error' ? u.outcome.error.message : 'no answer'}, not an ATT answer, so nothing about its security could be learnt: recorded as open` };
  if (code === ATT_ERROR.INSUFFICIENT_AUTHENTICATION || code === ATT_ERROR.INSUFFICIENT_ENCRYPTION) return afterPairing(op, code, p);
  if (code === ATT_ERROR.INSUFFICIENT_AUTHORIZATION) {
    if (succeeded(p)) return { security: { level: 'encrypted', errorOverride: code }, guess: `answered ${codeText(code)} before pairing and succeeded after it: recorded as needing encryption, refused with ${hex(code)}` };
    return {
      security: 'authorized',
      guess: `answered ${codeText(code)}${p ? ' before and after pairing' : ''}: an authorization the device's application did not grant, or a refusal no central could pass — the matrix cannot tell them apart: recorded as authorized (never granted here)`,
    };
  }
  if (succeeded(p)) return { security: { level: 'encrypted', errorOverride: code }, guess: `answered ${codeText(code)} on an unencrypted link and succeeded after pairing: recorded as needing encryption, refused with ${hex(code)}` };
  return { security: { level: 'authorized', errorOverride: code }, guess: `answered ${codeText(code)} whatever the link: recorded as always refused with ${hex(code)} (when the device would accept is not known)` };
}

/** The operation was refused for want of encryption before pairing: what the paired phase shows. */
function afterPairing(op: MatrixOperation, before: number, p: Cell | undefined): Inferred {
  // The spec's answer on a link with no key is 0x05; a device that answers 0x0F is imitated.
  const override = before === ATT_ERROR.INSUFFICIENT_ENCRYPTION ? { errorOverride: before } : {};
  const level = (l: 'encrypted' | 'authenticated', extra: object = {}): SecurityInput => (Object.keys(override).length || Object.keys(extra).length ? { level: l, ...override, ...extra } : l);
  if (!p) return { security: level('encrypted'), guess: `answered ${codeText(before)} unencrypted and no paired phase ran: recorded as encrypted (whether it needs MITM or a longer key is not known)` };
  const s = p.security;
  if (succeeded(p)) {
    if (s.authenticated) return { security: level('encrypted'), guess: `succeeded after an authenticated (MITM) pairing; whether an unauthenticated key would do was not tried: recorded as encrypted` };
    return { security: level('encrypted') };
  }
  const code = attCode(p);
  if (code === ATT_ERROR.INSUFFICIENT_AUTHENTICATION && s.encrypted) {
    if (before === ATT_ERROR.INSUFFICIENT_ENCRYPTION) return { security: 'authenticated', guess: `answered 0x0F before pairing and 0x05 after an unauthenticated one: a profile answers one code for both, so recorded as authenticated with the spec's codes` };
    return s.authenticated
      ? { security: level('authenticated'), guess: `still ${codeText(code)} after an authenticated pairing: recorded as authenticated, though what the device wants more is not known` }
      : { security: level('authenticated') };
  }
  if (code === ATT_ERROR.ENCRYPTION_KEY_SIZE_TOO_SHORT && s.encrypted) {
    const had = s.keySize ?? 16;
    const min = Math.min(16, had + 1);
    return {
      security: level(s.authenticated ? 'authenticated' : 'encrypted', { minKeySize: min }),
      guess: `answered ${codeText(code)} with a ${had}-octet key: the minimum key size is more than ${had} octets, exactly how many is not known: recorded as ${min}`,
    };
  }
  const got = p.outcome.kind === 'error' ? p.outcome.error.message : 'no answer';
  return { security: level('encrypted'), guess: `answered ${codeText(before)} unencrypted and, after pairing, ${got}: recorded as encrypted; what else it needs is not known` };
}

function descriptorSecurity(u: DescriptorRead | undefined, p: DescriptorRead | undefined): Inferred | undefined {
  const asCell = (d: DescriptorRead | undefined): Cell | undefined =>
    d && ({ phase: 'unencrypted', characteristic: d.characteristic, operation: 'read', outcome: d.outcome.kind === 'value' ? { kind: 'value', hex: d.outcome.hex } : d.outcome, why: '', security: { encrypted: false, authenticated: false, keyExists: false } } as Cell);
  if (!u) return undefined;
  const inferred = inferSecurity('read', asCell(u), asCell(p));
  return inferred.security === 'none' ? undefined : inferred;
}

/** The profile the matrix describes. `result` must come from runMatrix with readDescriptors. */
export function recordProfile(result: MatrixResult, ctx: RecordingContext): ProfileInput {
  const chars = result.discovered ?? [];
  const unencrypted = result.phases.find((p) => p.name === 'unencrypted');
  const paired = result.phases.find((p) => p.name !== 'unencrypted' && p.cells.length > 0);
  const cell = (phase: typeof unencrypted, c: DiscoveredCharacteristic, op: MatrixOperation) =>
    phase?.cells.find((x) => x.characteristic.uuid === c.uuid && x.characteristic.serviceUuid === c.serviceUuid && x.operation === op);
  const desc = (phase: typeof unencrypted, c: DiscoveredCharacteristic, uuid: string) =>
    phase?.descriptors?.find((d) => d.characteristic.uuid === c.uuid && d.characteristic.serviceUuid === c.serviceUuid && d.uuid === uuid);
  const guesses: string[] = [];
  const services: ServiceInput[] = [];
  const names = new Set<string>();
  for (const c of chars) {
    if (SERVER_OWN_SERVICES.has(c.serviceUuid)) continue;
    let service = services.find((s) => s.uuid === c.serviceUuid);
    if (!service) services.push((service = { name: `Service ${c.serviceUuid}`, uuid: c.serviceUuid, characteristics: [] }));
    let name = `Characteristic ${c.uuid}`;
    for (let n = 2; names.has(name); n++) name = `Characteristic ${c.uuid} (${n})`;
    names.add(name);
    const ch: CharacteristicInput = { name, uuid: c.uuid, properties: c.propertyNames.filter((p) => p !== 'extendedProperties') as CharacteristicInput['properties'] };
    const notes: string[] = [];
    const security: NonNullable<CharacteristicInput['security']> = {};
    for (const op of offered(c)) {
      const inferred = inferSecurity(op, cell(unencrypted, c, op), cell(paired, c, op));
      if (inferred.security !== 'none') security[op] = inferred.security;
      if (inferred.guess) notes.push(`${op}: ${inferred.guess}`);
    }
    if (Object.keys(security).length) ch.security = security;
    // The value read on the unencrypted link, else after pairing.
    const read = [cell(unencrypted, c, 'read'), cell(paired, c, 'read')].find((x) => x?.outcome.kind === 'value');
    if (read?.outcome.kind === 'value') ch.value = { hex: read.outcome.hex };
    describeDescriptors(ch, c, (uuid) => [desc(unencrypted, c, uuid), desc(paired, c, uuid)], notes);
    if (notes.length) {
      ch.about = `guessed: ${notes.join('; ')}`;
      guesses.push(...notes.map((n) => `"${name}" ${n}`));
    }
    service.characteristics!.push(ch);
  }
  // Vol 3 Part H 2.3.4: a minimum key size shows only when a key below it is refused (0x0C).
  const keySizes = [...new Set(result.phases.flatMap((p) => p.pairings.flatMap((r) => (r.result === 'encrypted' && r.keySize ? [r.keySize] : []))))];
  if (keySizes.length && !guesses.some((g) => g.includes(hex(ATT_ERROR.ENCRYPTION_KEY_SIZE_TOO_SHORT)))) {
    guesses.push(`minimum key sizes: the encrypted operations were tried with ${keySizes.join(' and ')}-octet keys only; whether shorter keys would be refused was not tried, so no minimum key size above 7 is recorded`);
  }
  const t = result.target;
  const recorded: RecordedInput = {
    at: ctx.at.toISOString(),
    by: ctx.by,
    from: { address: t.address, addressType: t.addressType, ...(t.localName !== undefined ? { name: t.localName } : {}), serviceUuids: t.serviceUuids },
    transport: ctx.transport,
    host: ctx.host,
    policy: String(result.policy),
    pairings: result.phases.flatMap((p) => p.pairings.map((r) => `${p.name}: ${formatPairingReport(r).slice(-2).map((l) => l.trim()).join('; ')}`)),
    guesses,
  };
  const who = t.localName ?? t.address;
  return {
    name: `recorded from ${who}`,
    about: `The GATT table of ${who} (${t.address}) and the security its security matrix showed, recorded by ${ctx.by} on ${recorded.at}. Fields marked "guessed" are what the matrix could not tell.`,
    advertising: { ...(t.localName !== undefined ? { localName: t.localName } : {}), serviceUuids: t.serviceUuids },
    recorded,
    services: services.length ? services : [],
  };
}

/** 0x2900 → reliableWrite/writableAuxiliaries, 0x2901 → userDescription, 0x2904 → presentationFormat, others → descriptors. */
function describeDescriptors(ch: CharacteristicInput, c: DiscoveredCharacteristic, reads: (uuid: string) => Array<DescriptorRead | undefined>, notes: string[]): void {
  const custom: CustomDescriptorInput[] = [];
  for (const d of c.descriptors) {
    if (d.uuid === DESCRIPTOR_UUID.CCCD) continue;
    const [u, p] = reads(d.uuid);
    const got = [u, p].find((x) => x?.outcome.kind === 'value')?.outcome;
    const value = got?.kind === 'value' ? Buffer.from(got.hex, 'hex') : undefined;
    if (d.uuid === DESCRIPTOR_UUID.EXTENDED_PROPERTIES) {
      // Vol 3 Part G 3.3.3.1: 2 octets, bit 0 Reliable Write, bit 1 Writable Auxiliaries. A profile
      // cannot list it: blebench adds it from reliableWrite/writableAuxiliaries.
      if (!value?.length) {
        notes.push('its Extended Properties descriptor (0x2900) could not be read: reliable write and writable auxiliaries are not known, recorded as off');
        continue;
      }
      const bits = value.length >= 2 ? value.readUInt16LE(0) : value[0]!;
      if (value.length !== 2) notes.push(`its Extended Properties descriptor (0x2900) is ${value.length} octet(s), where the spec has 2: read as ${hex(bits, 4)}`);
      if (bits & 0x0001) ch.reliableWrite = true;
      if (bits & 0x0002) ch.writableAuxiliaries = true;
      continue;
    }
    if (d.uuid === DESCRIPTOR_UUID.USER_DESCRIPTION && value) {
      ch.userDescription = value.toString('utf8');
      continue;
    }
    if (d.uuid === DESCRIPTOR_UUID.PRESENTATION_FORMAT && value && value.length === 7) {
      const format = Object.entries(PRESENTATION_FORMATS).find(([, code]) => code === value[0])?.[0];
      if (format) {
        ch.presentationFormat = { format, exponent: value.readInt8(1), unit: `${hex(value.readUInt16LE(2), 4)}`, namespace: value[4]!, description: value.readUInt16LE(5) };
        continue;
      }
    }
    const inferred = descriptorSecurity(u, p);
    const entry: CustomDescriptorInput = { name: `Descriptor ${d.uuid}`, uuid: d.uuid, ...(value ? { value: { hex: value.toString('hex') } } : {}) };
    if (inferred) entry.security = { read: inferred.security };
    if (inferred?.guess) notes.push(`descriptor ${d.uuid} read: ${inferred.guess}`);
    if (!u) notes.push(`descriptor ${d.uuid}: not read; whether it can be written is not known`);
    custom.push(entry);
  }
  if (custom.length) ch.descriptors = custom;
}
