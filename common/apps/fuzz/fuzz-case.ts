// What one fuzz case is: the frames a rogue peer (or a lying controller) sends, named so that a
// finding can say which protocol and which PDU it was.

export type FuzzProtocol = 'att' | 'smp' | 'l2cap' | 'hci';
/** The role under test: the rogue plays the other one. */
export type FuzzRole = 'peripheral' | 'central';

/** One L2CAP basic frame on a fixed channel, sent by the rogue peer over the air. */
export interface L2capFrame {
  kind: 'l2cap';
  cid: number;
  payload: Buffer;
  /** The L2CAP Length field as sent when it lies about the payload (Vol 3 Part A 3.1). */
  lengthField?: number;
  /** ACL fragment size for this frame (default: the rogue controller's buffer size). */
  fragmentSize?: number;
}

/** One whole H4 event packet the role's own controller hands to its host. */
export interface HciEventFrame {
  kind: 'hci-event';
  packet: Buffer;
}

export type FuzzFrame = L2capFrame | HciEventFrame;

export interface FuzzCase {
  index: number;
  protocol: FuzzProtocol;
  /** The PDU and what was done to it: "ATT Read By Type Request, truncated to 3". */
  name: string;
  frames: FuzzFrame[];
}

/** The bytes of a case as one hex string per frame, for findings. */
export function caseHex(c: FuzzCase): string {
  return c.frames
    .map((f) => (f.kind === 'l2cap' ? `cid ${f.cid.toString(16).padStart(4, '0')}${f.lengthField !== undefined ? ` len ${f.lengthField}` : ''}: ${f.payload.toString('hex')}` : `event: ${f.packet.toString('hex')}`))
    .join(' | ');
}
