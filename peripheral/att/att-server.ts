// The peripheral's ATT server: every PDU the central sends on the ATT channel is decoded once
// (common/stack/att) and answered here from the one attribute table, per Core v5.4 Vol 3 Part F 3.4 and
// Vol 3 Part G 4. A malformed request is Invalid PDU (0x04); an unknown request Request Not
// Supported (0x06); unknown commands, and PDUs only a client takes, are ignored (Vol 3 Part F 3.3.1,
// 3.4.1.1). Answers may be held (delayAnswers): they leave in the order the requests came.
import { ATT_DEFAULT_LE_MTU, ATT_ERROR, ATT_OP, attOpcodeName } from '../../common/base/codes/att.js';
import { attMethodOf, decodeAtt, encodeAtt, type AttPdu } from '../../common/stack/att/index.js';
import { HeldAnswers } from '../answers/held-answers.js';
import type { Answer, AttConnection, AttServerContext } from './att-context.js';
import { errorAnswer } from './answers.js';
import { exchangeMtu, findByTypeValue, findInformation, readByGroupType } from './discovery.js';
import { executeWrite, prepareWrite } from './prepared-writes.js';
import { readByType } from './read-by-type.js';
import { read, readBlob, readMultiple, readMultipleVariable } from './reads.js';
import { handleSignedWriteCommand } from './signed-write.js';
import { handleWriteCommand, handleWriteRequest } from './writes.js';
import { hex } from '../../common/base/codes/code-table.js';
import { CLIENT_FEATURE } from '../../common/base/codes/gatt.js';
import { ChangeAwareness, isGatedWhileUnaware } from '../gatt/change-awareness.js';

/** What a link starts with beyond the defaults: a bonded central's kept GATT state. Vol 3 Part G 2.5.2.1, 7.1, 7.2. */
export interface AttOpenState {
  readonly serviceChangedCccd?: number;
  readonly clientFeatures?: number;
  /** Change-aware at the start (default true: a client without a trusted relationship). */
  readonly changeAware?: boolean;
  /** Told when the client becomes change-aware, and why. */
  readonly onAware?: (why: string) => void;
}

/** Puts one ATT PDU on a connection's ATT channel (L2CAP CID 0x0004); false when the link is gone. */
export type AttSend = (connectionHandle: number, pdu: Buffer) => boolean;


/** The context of one connection: its central's security, CCCDs, key and records (one per client, Vol 3 Part F 3.2.8, 3.4.6). */
export type AttContextFor = (connectionHandle: number) => AttServerContext;

export class AttServer {
  private readonly connections = new Map<number, { state: AttConnection; held: HeldAnswers; ctx: AttServerContext }>();

  constructor(
    private readonly contextFor: AttContextFor,
    private readonly send: AttSend,
  ) {}

  /** A link came up: fresh ATT state (ATT_MTU 23, an empty prepare queue) and its own context. */
  open(handle: number, init: AttOpenState = {}): AttConnection {
    this.close(handle);
    const state: AttConnection = {
      handle,
      mtu: ATT_DEFAULT_LE_MTU,
      queue: [],
      serviceChangedCccd: init.serviceChangedCccd ?? 0,
      clientFeatures: init.clientFeatures ?? 0,
      awareness: new ChangeAwareness(init.changeAware ?? true, init.onAware),
      signCounter: undefined,
    };
    this.connections.set(handle, { state, held: new HeldAnswers((pdu) => this.send(handle, pdu)), ctx: this.contextFor(handle) });
    return state;
  }

  /** The link is gone: its queue and held answers go with it. Returns how many held answers were dropped. */
  close(handle: number): number {
    const c = this.connections.get(handle);
    if (!c) return 0;
    this.connections.delete(handle);
    return c.held.drop();
  }

  /** Drops every connection's state (the peripheral closes). */
  closeAll(): number {
    let n = 0;
    for (const h of [...this.connections.keys()]) n += this.close(h);
    return n;
  }

  /** Whether any connection has an answer held now. */
  get holding(): boolean {
    return [...this.connections.values()].some((c) => c.held.busy);
  }

  /** ATT_MTU of a connection (23 when unknown). */
  mtu(handle: number): number {
    return this.connections.get(handle)?.state.mtu ?? ATT_DEFAULT_LE_MTU;
  }

  /** A connection's ATT state (undefined when the link is not open). */
  connection(handle: number): AttConnection | undefined {
    return this.connections.get(handle)?.state;
  }

  /** The served database changed under every open link: each client is change-unaware. Vol 3 Part G 2.5.2.1. */
  databaseChanged(): void {
    for (const c of this.connections.values()) c.state.awareness.databaseChanged();
  }

  /** Sends a PDU the server starts (notification, indication) on a connection. */
  sendPdu(handle: number, pdu: AttPdu): boolean {
    return this.send(handle, encodeAtt(pdu));
  }

  /** One PDU from the central on the ATT channel. */
  receive(handle: number, octets: Buffer): void {
    if (!this.connections.has(handle)) this.open(handle);
    const c = this.connections.get(handle)!;
    let answer: Answer;
    try {
      answer = this.answer(octets, c.state, c.ctx);
    } catch (err) {
      // A fault of ours answers Unlikely Error rather than leaving the client to its 30 s timeout.
      c.ctx.log.error({ err }, `the ATT server failed on ${attOpcodeName(octets[0] ?? 0)}: ${(err as Error).message}`);
      answer = attMethodOf(octets[0] ?? 0) === 'request' ? errorAnswer(octets[0] ?? 0, 0, ATT_ERROR.UNLIKELY_ERROR) : {};
    }
    if (!answer.pdu) return;
    const pdu = encodeAtt(answer.pdu);
    const delayMs = answer.delayMs ?? 0;
    // Held: this answer waits its delay, or behind one held before (answers keep the requests' order).
    if (delayMs === 0 && !c.held.busy) this.send(handle, pdu);
    else c.held.hold([pdu], delayMs);
  }

  private answer(octets: Buffer, conn: AttConnection, ctx: AttServerContext): Answer {
    const decoded = decodeAtt(octets);
    if (!decoded.ok) {
      if (decoded.opcode === undefined) return {}; // an empty PDU: nothing to answer
      const isRequest = attMethodOf(decoded.opcode) === 'request';
      if (decoded.problem === 'unknown-opcode') {
        ctx.log.info({ opcode: decoded.opcode }, `${decoded.why}: ${isRequest ? 'answered 0x06 Request Not Supported' : 'ignored (a command the server does not support, Vol 3 Part F 3.3.1)'}`);
        return isRequest ? errorAnswer(decoded.opcode, 0, ATT_ERROR.REQUEST_NOT_SUPPORTED) : {};
      }
      ctx.log.info({ opcode: decoded.opcode }, `malformed ${attOpcodeName(decoded.opcode)}: ${decoded.why}${isRequest ? ': answered 0x04 Invalid PDU' : ': ignored'}`);
      return isRequest ? errorAnswer(decoded.opcode, 0, ATT_ERROR.INVALID_PDU) : {};
    }
    const pdu = decoded.pdu;
    const gated = this.robustCachingGate(pdu, conn, ctx);
    if (gated) return gated;
    switch (pdu.opcode) {
      case ATT_OP.EXCHANGE_MTU_REQ:
        return exchangeMtu(pdu, conn);
      case ATT_OP.FIND_INFORMATION_REQ:
        return findInformation(pdu, conn, ctx);
      case ATT_OP.FIND_BY_TYPE_VALUE_REQ:
        return findByTypeValue(pdu, conn, ctx);
      case ATT_OP.READ_BY_GROUP_TYPE_REQ:
        return readByGroupType(pdu, conn, ctx);
      case ATT_OP.READ_BY_TYPE_REQ:
        return readByType(pdu, conn, ctx);
      case ATT_OP.READ_REQ:
        return read(pdu, conn, ctx);
      case ATT_OP.READ_BLOB_REQ:
        return readBlob(pdu, conn, ctx);
      case ATT_OP.READ_MULTIPLE_REQ:
        return readMultiple(pdu, conn, ctx);
      case ATT_OP.READ_MULTIPLE_VARIABLE_REQ:
        return readMultipleVariable(pdu, conn, ctx);
      case ATT_OP.WRITE_REQ:
        return handleWriteRequest(pdu, conn, ctx);
      case ATT_OP.WRITE_CMD:
        return handleWriteCommand(pdu, conn, ctx);
      case ATT_OP.SIGNED_WRITE_CMD:
        return handleSignedWriteCommand(pdu, octets, conn, ctx);
      case ATT_OP.PREPARE_WRITE_REQ:
        return prepareWrite(pdu, conn, ctx);
      case ATT_OP.EXECUTE_WRITE_REQ:
        return executeWrite(pdu, conn, ctx);
      case ATT_OP.HANDLE_VALUE_CFM:
        ctx.confirmation(conn);
        return {};
      default:
        // Responses, notifications and indications are a client's to take; this peripheral has no ATT client.
        ctx.log.info({ opcode: pdu.opcode }, `${attOpcodeName(pdu.opcode)} (${hex(pdu.opcode)}) from the central ignored: the peripheral has no ATT client`);
        return {};
    }
  }

  /**
   * Robust caching (Vol 3 Part G 2.5.2.1): a change-unaware client that set the Robust Caching bit gets
   * 0x12 Database Out Of Sync for a request at a handle (once per bearer), and its commands are ignored.
   */
  private robustCachingGate(pdu: AttPdu, conn: AttConnection, ctx: AttServerContext): Answer | undefined {
    const robust = (conn.clientFeatures & CLIENT_FEATURE.ROBUST_CACHING) !== 0;
    const method = attMethodOf(pdu.opcode);
    if (method === 'command' && !conn.awareness.takesCommand(robust)) {
      ctx.log.info({ opcode: pdu.opcode }, `${attOpcodeName(pdu.opcode)} ignored: the central is change-unaware (robust caching, Vol 3 Part G 2.5.2.1)`);
      return {};
    }
    if (method !== 'request' || conn.awareness.request(robust, isGatedWhileUnaware(pdu)) === 'process') return undefined;
    const handle = handleInError(pdu);
    ctx.log.info({ opcode: pdu.opcode, handle }, `${attOpcodeName(pdu.opcode)} answered 0x12 Database Out Of Sync: the database changed and the central is not yet change-aware (it set robust caching; Vol 3 Part G 2.5.2.1)`);
    return errorAnswer(pdu.opcode, handle, ATT_ERROR.DATABASE_OUT_OF_SYNC);
  }
}

/** The handle an Error Response names for a request: its handle, its first handle, or its range's start. Vol 3 Part F 3.4.1.1. */
function handleInError(pdu: AttPdu): number {
  if ('handle' in pdu) return pdu.handle;
  if ('handles' in pdu) return pdu.handles[0] ?? 0;
  if ('startingHandle' in pdu) return pdu.startingHandle;
  return 0;
}
