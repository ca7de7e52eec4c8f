// LE signaling commands on CID 0x0005 → typed fields. Core v5.4 Vol 3 Part A 4 (formats), 4.1-4.28.
// On LE-U one C-frame carries exactly one command (Vol 3 Part A 4), so trailing octets are a problem.
import { describeCode } from '../../base/codes/code-table.js';
import {
  CONN_PARAM_RESULT_TABLE,
  L2CAP_CID,
  L2CAP_SIG,
  L2CAP_SIG_HEADER_LENGTH,
  L2CAP_SIG_TABLE,
  RECONFIGURE_RESULT_TABLE,
  creditBasedResult,
  rejectReason,
  signalingName,
} from '../../base/codes/l2cap.js';
import { ByteReader, DecodeProblem, problemOf } from './bytes.js';
import { decoded, malformed, type Decoded, type MalformedFields, type Summarizer } from './timeline.js';
import { hex } from '../../base/codes/code-table.js';

interface SigBase {
  code: number;
  identifier: number;
}

/** 0x01 Command Reject. Vol 3 Part A 4.1. */
export interface SigCommandRejectFields extends SigBase {
  reason: number;
  reasonName: string;
  /** Signaling MTU exceeded: the actual MTU. */
  actualMtu?: number;
  /** Invalid CID in request: the local and remote CIDs of the request. */
  localCid?: number;
  remoteCid?: number;
  data: Buffer;
}
/** 0x06/0x07 Disconnection Request/Response. Vol 3 Part A 4.6, 4.7. */
export interface SigDisconnectionFields extends SigBase {
  destinationCid: number;
  sourceCid: number;
}
/** 0x12 Connection Parameter Update Request. Vol 3 Part A 4.20. Intervals in 1.25 ms units, timeout in 10 ms units. */
export interface SigConnParamUpdateReqFields extends SigBase {
  intervalMin: number;
  intervalMax: number;
  latency: number;
  timeoutMultiplier: number;
}
/** 0x13 Connection Parameter Update Response, 0x1A Credit Based Reconfigure Response. Vol 3 Part A 4.21, 4.28. */
export interface SigResultFields extends SigBase {
  result: number;
  resultName: string;
}
/** 0x14 LE Credit Based Connection Request. Vol 3 Part A 4.22. */
export interface SigLeCreditConnReqFields extends SigBase {
  spsm: number;
  sourceCid: number;
  mtu: number;
  mps: number;
  initialCredits: number;
}
/** 0x15 LE Credit Based Connection Response. Vol 3 Part A 4.23. */
export interface SigLeCreditConnRspFields extends SigResultFields {
  destinationCid: number;
  mtu: number;
  mps: number;
  initialCredits: number;
}
/** 0x16 Flow Control Credit Indication. Vol 3 Part A 4.24. */
export interface SigFlowControlCreditFields extends SigBase {
  cid: number;
  credits: number;
}
/** 0x17 Credit Based Connection Request. Vol 3 Part A 4.25. */
export interface SigCreditConnReqFields extends SigBase {
  spsm: number;
  mtu: number;
  mps: number;
  initialCredits: number;
  sourceCids: number[];
}
/** 0x18 Credit Based Connection Response. Vol 3 Part A 4.26. */
export interface SigCreditConnRspFields extends SigResultFields {
  mtu: number;
  mps: number;
  initialCredits: number;
  destinationCids: number[];
}
/** 0x19 Credit Based Reconfigure Request. Vol 3 Part A 4.27. */
export interface SigReconfigureReqFields extends SigBase {
  mtu: number;
  mps: number;
  destinationCids: number[];
}

export type SignalingFields =
  | SigCommandRejectFields
  | SigDisconnectionFields
  | SigConnParamUpdateReqFields
  | SigResultFields
  | SigLeCreditConnReqFields
  | SigLeCreditConnRspFields
  | SigFlowControlCreditFields
  | SigCreditConnReqFields
  | SigCreditConnRspFields
  | SigReconfigureReqFields;

type Parse<F> = (r: ByteReader, base: SigBase) => F;
const FORMATS: Record<number, { parse: Parse<SignalingFields>; summarize: Summarizer<SignalingFields> }> = {};
function define<F extends SignalingFields>(code: number, parse: Parse<F>, summarize: Summarizer<F>): void {
  FORMATS[code] = { parse, summarize: summarize as Summarizer<SignalingFields> };
}

function cids(r: ByteReader, what: string): number[] {
  if (r.remaining % 2) throw new DecodeProblem(`${what} must be whole 2-octet CIDs, got ${r.remaining} octets`);
  const out: number[] = [];
  while (r.remaining) out.push(r.u16(what));
  if (out.length > 5) throw new DecodeProblem(`${what} lists ${out.length} channels, at most 5 are allowed`);
  return out;
}

define<SigCommandRejectFields>(
  L2CAP_SIG.COMMAND_REJECT,
  (r, b) => {
    const reason = r.u16('Reason');
    const f: SigCommandRejectFields = { ...b, reason, reasonName: rejectReason(reason).name, data: Buffer.alloc(0) };
    if (reason === 0x0001) f.actualMtu = r.u16('Actual MTU');
    else if (reason === 0x0002) {
      f.localCid = r.u16('Local Endpoint');
      f.remoteCid = r.u16('Remote Endpoint');
    }
    f.data = r.rest();
    return f;
  },
  (f) => `${f.reasonName} (identifier ${f.identifier})`,
);
const disconnection: Parse<SigDisconnectionFields> = (r, b) => ({ ...b, destinationCid: r.u16('Destination CID'), sourceCid: r.u16('Source CID') });
const sumDisconnection: Summarizer<SigDisconnectionFields> = (f) => `destination CID ${hex(f.destinationCid, 4)}, source CID ${hex(f.sourceCid, 4)}`;
define(L2CAP_SIG.DISCONNECTION_REQ, disconnection, sumDisconnection);
define(L2CAP_SIG.DISCONNECTION_RSP, disconnection, sumDisconnection);
define<SigConnParamUpdateReqFields>(
  L2CAP_SIG.CONNECTION_PARAMETER_UPDATE_REQ,
  (r, b) => ({ ...b, intervalMin: r.u16('Interval Min'), intervalMax: r.u16('Interval Max'), latency: r.u16('Latency'), timeoutMultiplier: r.u16('Timeout') }),
  (f) => `interval ${f.intervalMin * 1.25}-${f.intervalMax * 1.25} ms, latency ${f.latency}, timeout ${f.timeoutMultiplier * 10} ms`,
);
define<SigResultFields>(
  L2CAP_SIG.CONNECTION_PARAMETER_UPDATE_RSP,
  (r, b) => {
    const result = r.u16('Result');
    return { ...b, result, resultName: describeCode(CONN_PARAM_RESULT_TABLE, result, 'Reserved result').name };
  },
  (f) => f.resultName,
);
define<SigLeCreditConnReqFields>(
  L2CAP_SIG.LE_CREDIT_BASED_CONNECTION_REQ,
  (r, b) => ({ ...b, spsm: r.u16('SPSM'), sourceCid: r.u16('Source CID'), mtu: r.u16('MTU'), mps: r.u16('MPS'), initialCredits: r.u16('Initial Credits') }),
  (f) => `SPSM ${hex(f.spsm, 4)}, source CID ${hex(f.sourceCid, 4)}, MTU ${f.mtu}, MPS ${f.mps}, credits ${f.initialCredits}`,
);
define<SigLeCreditConnRspFields>(
  L2CAP_SIG.LE_CREDIT_BASED_CONNECTION_RSP,
  (r, b) => {
    const f = { ...b, destinationCid: r.u16('Destination CID'), mtu: r.u16('MTU'), mps: r.u16('MPS'), initialCredits: r.u16('Initial Credits'), result: r.u16('Result') };
    return { ...f, resultName: creditBasedResult(f.result).name };
  },
  (f) => `${f.resultName}, destination CID ${hex(f.destinationCid, 4)}, MTU ${f.mtu}, MPS ${f.mps}, credits ${f.initialCredits}`,
);
define<SigFlowControlCreditFields>(
  L2CAP_SIG.FLOW_CONTROL_CREDIT_IND,
  (r, b) => ({ ...b, cid: r.u16('CID'), credits: r.u16('Credits') }),
  (f) => `CID ${hex(f.cid, 4)} +${f.credits} credits`,
);
define<SigCreditConnReqFields>(
  L2CAP_SIG.CREDIT_BASED_CONNECTION_REQ,
  (r, b) => {
    const f = { ...b, spsm: r.u16('SPSM'), mtu: r.u16('MTU'), mps: r.u16('MPS'), initialCredits: r.u16('Initial Credits') };
    const sourceCids = cids(r, 'Source CID');
    if (!sourceCids.length) throw new DecodeProblem('Source CID list is empty');
    return { ...f, sourceCids };
  },
  (f) => `SPSM ${hex(f.spsm, 4)}, MTU ${f.mtu}, MPS ${f.mps}, credits ${f.initialCredits}, source CIDs ${f.sourceCids.map((h) => hex(h, 4)).join(' ')}`,
);
define<SigCreditConnRspFields>(
  L2CAP_SIG.CREDIT_BASED_CONNECTION_RSP,
  (r, b) => {
    const f = { ...b, mtu: r.u16('MTU'), mps: r.u16('MPS'), initialCredits: r.u16('Initial Credits'), result: r.u16('Result') };
    return { ...f, resultName: creditBasedResult(f.result).name, destinationCids: cids(r, 'Destination CID') };
  },
  (f) => `${f.resultName}, MTU ${f.mtu}, MPS ${f.mps}, credits ${f.initialCredits}, destination CIDs ${f.destinationCids.map((h) => hex(h, 4)).join(' ')}`,
);
define<SigReconfigureReqFields>(
  L2CAP_SIG.CREDIT_BASED_RECONFIGURE_REQ,
  (r, b) => {
    const f = { ...b, mtu: r.u16('MTU'), mps: r.u16('MPS') };
    const destinationCids = cids(r, 'Destination CID');
    if (!destinationCids.length) throw new DecodeProblem('Destination CID list is empty');
    return { ...f, destinationCids };
  },
  (f) => `MTU ${f.mtu}, MPS ${f.mps}, CIDs ${f.destinationCids.map((h) => hex(h, 4)).join(' ')}`,
);
define<SigResultFields>(
  L2CAP_SIG.CREDIT_BASED_RECONFIGURE_RSP,
  (r, b) => {
    const result = r.u16('Result');
    return { ...b, result, resultName: describeCode(RECONFIGURE_RESULT_TABLE, result, 'Reserved result').name };
  },
  (f) => f.resultName,
);

/** Decode one LE signaling C-frame (the L2CAP payload on CID 0x0005). Never throws. */
export function decodeLeSignaling(frame: Buffer, handle?: number): Decoded<SignalingFields> | Decoded<MalformedFields> {
  const cid = L2CAP_CID.LE_SIGNALING;
  if (frame.length < L2CAP_SIG_HEADER_LENGTH) {
    return malformed('l2cap-sig', 'L2CAP Signaling', `truncated: command header needs 4 octets, ${frame.length} present`, frame, { handle, cid });
  }
  const code = frame[0]!;
  const identifier = frame[1]!;
  const length = frame.readUInt16LE(2);
  const name = 'L2CAP ' + signalingName(code);
  const hexCode = `${hex(code)}`;
  const format = FORMATS[code];
  if (!format) {
    const why = L2CAP_SIG_TABLE.has(code) ? `${name} (${hexCode}) is not valid on the LE signaling channel` : `unknown signaling code ${hexCode}`;
    return malformed('l2cap-sig', 'L2CAP Signaling', why, frame, { code, cid, handle });
  }
  try {
    if (identifier === 0) throw new DecodeProblem('Identifier 0x00 is not allowed (Vol 3 Part A 4)');
    if (frame.length - L2CAP_SIG_HEADER_LENGTH !== length) {
      throw new DecodeProblem(`command Length says ${length} octets, ${frame.length - L2CAP_SIG_HEADER_LENGTH} present (one command per LE C-frame)`);
    }
    const r = new ByteReader(frame, L2CAP_SIG_HEADER_LENGTH);
    const fields = format.parse(r, { code, identifier });
    r.done('the command');
    return decoded('l2cap-sig', name, fields, frame, format.summarize, handle);
  } catch (e) {
    return malformed('l2cap-sig', name, problemOf(e), frame, { code, cid, handle });
  }
}
