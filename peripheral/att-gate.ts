// Every ATT PDU from the central meets this gate before bleno's ATT server: it takes the security
// decision for every way one of the profile's attributes can be reached (Read, Read Blob, Read By
// Type, Read Multiple, Write, Write Command, Prepare Write), answers CCCD and descriptor writes
// itself (bleno treats every descriptor write as one shared CCCD), takes confirmations, drops what a
// server must ignore, and lets bleno do the rest (discovery, MTU, the reads and writes it allowed).
// Core v5.4 Vol 3 Part F 3.4 (PDUs), 3.3.1 (unsupported commands are ignored).
//
// Runtime choices (PeripheralServer.answerWith, delayAnswers) meet the same roads: `read` is Read,
// Read Blob, Read By Type and Read Multiple of the value; `write` is Write Request and Prepare Write
// Request; `writeWithoutResponse` the Write Command; `subscribe` any write of the CCCD. A chosen answer
// comes after the property checks, instead of the security decision (access-policy.ts). A delay is
// returned with the answer (delayMs) for the server to hold it; commands have no answer to hold.
import { ATT_COMMAND_FLAG, ATT_ERROR, ATT_OP } from '../common/codes/att.js';
import type { LinkSecurityState } from '../common/gatt/index.js';
import type { AttAnswer } from './bleno-loader.js';
import { decideCccdWrite, decideDescriptorRead, decideDescriptorWrite, decideValueRead, decideValueWrite, type ChosenAnswer, type Decision } from './access-policy.js';
import { errorResponse, parseAttRequest, readMultipleResponse, writeResponse } from './att-pdu.js';
import { outcomeOf, requestName, type RequestOperation, type RequestRecord } from './request-record.js';
import type { AttributeMap, ServedAttribute, ServedDescriptor } from './served-profile.js';
import type { AnswerOperation, DelayOperation } from './server-types.js';

export interface GateContext {
  readonly map: AttributeMap;
  link(): LinkSecurityState;
  readByTypeTarget(start: number, end: number, uuid: string): number | undefined;
  mtu(): number;
  record(r: Omit<RequestRecord, 'central'>): void;
  cccdWritten(cccd: ServedDescriptor, bits: number): void;
  descriptorWritten(d: ServedDescriptor, value: Buffer): void;
  confirmation(): void;
  /** The answer chosen for this operation on this characteristic now, if any (asked once per request that passed the property checks). */
  chosenAnswer(characteristic: string, operation: AnswerOperation): ChosenAnswer | undefined;
  /** How long to hold the answer to this operation on this characteristic (0: answer at once). */
  delayFor(characteristic: string, operation: DelayOperation): number;
}

/** The gate's answer, and how long the server holds what goes back (requests only). */
export type GateAnswer = AttAnswer & { readonly delayMs?: number };

const PASS: AttAnswer = { pass: true };
const NOTHING: AttAnswer = { pass: false };
const send = (pdu: Buffer): AttAnswer => ({ pass: false, send: pdu });

/** Declaration types Read By Type discovers (bleno answers them): service, include, characteristic. Vol 3 Part G 3. */
const DECLARATION_TYPES = new Set(['2800', '2801', '2802', '2803']);

export function createAttGate(ctx: GateContext): (pdu: Buffer) => GateAnswer {
  const names = (a: ServedAttribute) =>
    a.kind === 'value' ? { characteristic: a.characteristic.def.name, attribute: 'value' } : { characteristic: a.descriptor.characteristic.def.name, attribute: a.descriptor.def.name };
  const handleOf = (a: ServedAttribute) => (a.kind === 'value' ? a.characteristic.valueHandle : a.descriptor.handle);
  const valueOf = (a: ServedAttribute) => (a.kind === 'value' ? a.characteristic.value : a.descriptor.value);

  const note = (a: ServedAttribute, opcode: number, operation: RequestOperation, d: Decision, extra: { offset?: number; value?: Buffer; silent?: boolean; delayMs?: number } = {}) => {
    ctx.record({
      ...names(a),
      handle: handleOf(a),
      request: requestName(opcode),
      operation,
      ...(extra.offset ? { offset: extra.offset } : {}),
      ...(extra.delayMs ? { delayMs: extra.delayMs } : {}),
      outcome: outcomeOf(d, extra.silent ?? false, extra.value),
      reason: d.reason,
    });
  };

  /** The chosen answer and the delay for an operation on a characteristic's value (descriptors other than the CCCD have none). */
  const chooser = (a: ServedAttribute, operation: AnswerOperation) => () => ctx.chosenAnswer(names(a).characteristic, operation);
  const delayOf = (a: ServedAttribute, operation: DelayOperation) => ctx.delayFor(names(a).characteristic, operation);
  const later = (answer: AttAnswer, delayMs: number): GateAnswer => (delayMs > 0 ? { ...answer, delayMs } : answer);

  /** A read of one attribute from an offset: the decision, and the part of the value it would return. */
  const read = (a: ServedAttribute, offset: number): Decision & { data?: Buffer } => {
    const d = a.kind === 'value' ? decideValueRead(a.characteristic, ctx.link(), chooser(a, 'read')) : decideDescriptorRead(a.descriptor, ctx.link());
    if (!d.ok) return d;
    const value = valueOf(a);
    // Vol 3 Part F 3.4.4.5: an offset past the end of the value is Invalid Offset.
    if (offset > value.length) return { ok: false, attError: ATT_ERROR.INVALID_OFFSET, reason: `the offset ${offset} is past the end of the ${value.length}-octet value` };
    return { ...d, data: value.subarray(offset) };
  };
  const readOperation = (a: ServedAttribute): RequestOperation => (a.kind === 'value' ? 'read' : 'descriptorRead');
  const readDelay = (a: ServedAttribute) => (a.kind === 'value' ? delayOf(a, 'read') : 0);
  const cut = (data: Buffer | undefined, room: number) => data?.subarray(0, room);

  return (pdu) => {
    const req = parseAttRequest(pdu);
    if (!req) return NOTHING; // an empty PDU: nothing to answer
    switch (req.kind) {
      case 'read': {
        const a = ctx.map.at(req.handle);
        if (!a) return PASS;
        const r = read(a, req.offset);
        const delayMs = readDelay(a);
        note(a, req.opcode, readOperation(a), r, { offset: req.offset, delayMs, ...(r.ok ? { value: cut(r.data, ctx.mtu() - 1)! } : {}) });
        return later(r.ok ? PASS : send(errorResponse(req.opcode, req.handle, r.attError)), delayMs);
      }
      case 'readByType': {
        if (DECLARATION_TYPES.has(req.uuid)) return PASS;
        const target = ctx.readByTypeTarget(req.startHandle, req.endHandle, req.uuid);
        const a = target === undefined ? undefined : ctx.map.at(target);
        if (!a) return PASS;
        const r = read(a, 0);
        const delayMs = readDelay(a);
        note(a, req.opcode, readOperation(a), r, { delayMs, ...(r.ok ? { value: cut(r.data, ctx.mtu() - 4)! } : {}) });
        return later(r.ok ? PASS : send(errorResponse(req.opcode, target!, r.attError)), delayMs);
      }
      case 'readMultiple': {
        const attrs = req.handles.map((h) => ctx.map.at(h));
        // Only the profile's attributes: any other handle leaves the request to bleno, which answers Request Not Supported.
        if (attrs.some((a) => a === undefined)) return PASS;
        const parts: Buffer[] = [];
        const delayMs = Math.max(0, ...(attrs as ServedAttribute[]).map(readDelay));
        for (const a of attrs as ServedAttribute[]) {
          const r = read(a, 0);
          note(a, req.opcode, readOperation(a), r, { delayMs, ...(r.ok ? { value: r.data! } : {}) });
          if (!r.ok) return later(send(errorResponse(req.opcode, handleOf(a), r.attError)), delayMs);
          parts.push(r.data!);
        }
        return later(send(readMultipleResponse(parts, ctx.mtu())), delayMs);
      }
      case 'write': {
        const a = ctx.map.at(req.handle);
        if (!a) return PASS;
        // A command has no answer to hold.
        const delayMs = req.command ? 0 : a.kind === 'value' ? delayOf(a, 'write') : a.descriptor.def.kind === 'cccd' ? delayOf(a, 'subscribe') : 0;
        const answer = (d: Decision, operation: RequestOperation): AttAnswer => {
          note(a, req.opcode, operation, d, { silent: req.command && !d.ok, delayMs });
          if (!d.ok) return req.command ? NOTHING : send(errorResponse(req.opcode, req.handle, d.attError));
          return PASS;
        };
        if (a.kind === 'value') {
          const operation = req.command ? 'writeWithoutResponse' : 'write';
          return later(answer(decideValueWrite(a.characteristic, ctx.link(), req.command, req.value, chooser(a, operation)), operation), delayMs);
        }
        const d = a.descriptor;
        const isCccd = d.def.kind === 'cccd';
        const decision = isCccd ? decideCccdWrite(d, ctx.link(), req.value, chooser(a, 'subscribe')) : decideDescriptorWrite(d, ctx.link());
        const out = answer(decision, isCccd ? 'subscribe' : 'descriptorWrite');
        if (!decision.ok) return later(out, delayMs);
        if (isCccd) ctx.cccdWritten(d, req.value.readUInt16LE(0));
        else ctx.descriptorWritten(d, req.value);
        return req.command ? NOTHING : later(send(writeResponse()), delayMs);
      }
      case 'prepareWrite': {
        const a = ctx.map.at(req.handle);
        if (!a) return PASS;
        if (a.kind === 'descriptor') {
          const d: Decision = { ok: false, attError: ATT_ERROR.ATTRIBUTE_NOT_LONG, reason: "bleno queues prepared writes for characteristic values only, never for descriptors" };
          note(a, req.opcode, 'prepareWrite', d, { offset: req.offset });
          return send(errorResponse(req.opcode, req.handle, d.attError));
        }
        const d = decideValueWrite(a.characteristic, ctx.link(), false, undefined, chooser(a, 'write'));
        const delayMs = delayOf(a, 'write');
        note(a, req.opcode, 'prepareWrite', d, { offset: req.offset, delayMs });
        return later(d.ok ? PASS : send(errorResponse(req.opcode, req.handle, d.attError)), delayMs);
      }
      case 'invalid':
        // bleno's server reads fields at fixed offsets and throws on a short PDU: answered here.
        return req.request ? send(errorResponse(req.opcode, 0, ATT_ERROR.INVALID_PDU)) : NOTHING;
      case 'findByTypeValue':
        // An empty Attribute Value is allowed (3.4.3.3) and matches no service (bleno throws on it).
        return req.value.length ? PASS : send(errorResponse(req.opcode, req.startHandle, ATT_ERROR.ATTRIBUTE_NOT_FOUND));
      case 'confirmation':
        ctx.confirmation();
        return NOTHING;
      case 'signedWrite': {
        const a = ctx.map.at(req.handle);
        if (a) {
          note(a, req.opcode, 'signedWrite', {
            ok: false,
            attError: ATT_ERROR.REQUEST_NOT_SUPPORTED,
            reason: "bleno's SMP never distributes a signing key (CSRK), so no signature can be verified and the command is dropped",
          }, { silent: true });
        }
        return NOTHING;
      }
      default:
        // Vol 3 Part F 3.3.1: a command the server does not support is ignored (bleno would answer it).
        return req.opcode & ATT_COMMAND_FLAG && req.opcode !== ATT_OP.WRITE_CMD ? NOTHING : PASS;
    }
  };
}
