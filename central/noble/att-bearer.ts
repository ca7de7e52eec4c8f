// One connection's ATT bearer, taken over from noble's Gatt and AclStream objects the moment the
// link comes up (loadNoble with `attBearers`).
//
// What noble 1.9.2-26's Gatt (lib/hci-socket/gatt.js) does, and what NobleAttBearer does instead:
// - On an Error Response 0x05, 0x08 or 0x0F it starts Just Works pairing and keeps the request
//   outstanding; on 0x04 it drops the response. Either way the request may never complete. Here
//   every Error Response to the outstanding request completes it, so the caller sees the code.
// - When the link becomes encrypted it re-sends its outstanding request (a duplicate on the air),
//   or throws a TypeError when none is outstanding (`this._currentCommand.buffer` of null). Here
//   encryption only becomes an event.
// - When pairing fails (AclStream 'encryptFail') it does nothing. Here that becomes an event.
// - When the link drops it leaves the outstanding request and the queue behind it forever. Here
//   every pending request is rejected at once.
import { EventEmitter } from 'node:events';
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import { ATT_OP } from '../../common/base/codes/att.js';
import { decodeAtt, encodeAtt, type AttHandleValueIndication, type AttHandleValueNotification } from '../../common/stack/att/index.js';
import { BearerClosedError, type AttBearer, type AttBearerEvents, type LegacyLtk } from '../att/att-bearer.js';
import { NobleInternalsChanged, type NobleLinkInternals } from './internals.js';

/** Opcode and Server Rx MTU. Vol 3 Part F 3.4.2.2. */
const EXCHANGE_MTU_RSP_LENGTH = encodeAtt({ opcode: ATT_OP.EXCHANGE_MTU_RSP, serverRxMtu: 0 }).length;

export class NobleAttBearer extends EventEmitter<AttBearerEvents> implements AttBearer {
  private readonly pending = new Set<(e: Error) => void>();
  private endedWith: Error | undefined;

  constructor(
    readonly handle: number,
    private readonly link: NobleLinkInternals,
  ) {
    super();
    const { gatt, aclStream } = link;
    for (const k of ['onAclStreamDataBinded', 'onAclStreamEncryptBinded', '_queueCommand', 'writeAtt'] as const) {
      if (typeof gatt[k] !== 'function') throw new NobleInternalsChanged(`Gatt.${k} is not a function`);
    }
    if (typeof aclStream.encrypt !== 'function') throw new NobleInternalsChanged('AclStream.encrypt is not a function');
    // Never let noble pair on its own: its security level check then passes every error on.
    gatt._security = 'medium';
    aclStream.removeListener('data', gatt.onAclStreamDataBinded);
    aclStream.on('data', this.onData);
    aclStream.removeListener('encrypt', gatt.onAclStreamEncryptBinded);
    aclStream.on('encrypt', (enabled: boolean) => this.emit('encrypt', !!enabled));
    aclStream.on('encryptFail', () => this.emit('pairingFailed'));
    aclStream.once('end', () => this.finish(new BearerClosedError()));
  }

  /**
   * ATT_MTU is the smaller of the Client Rx MTU and the Server Rx MTU (Core v5.4 Vol 3 Part F
   * 3.4.2.2). noble takes the server's alone (`this._mtu = newMtu`), so against a server offering
   * more than the 256 noble asks for (ble-host offers 517) it would send PDUs the server may drop.
   */
  get mtu(): number {
    const { _mtu, _desired_mtu } = this.link.gatt;
    return typeof _desired_mtu === 'number' ? Math.min(_mtu, _desired_mtu) : _mtu;
  }

  get ended(): boolean {
    return this.endedWith !== undefined;
  }

  request(pdu: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      if (this.endedWith) return reject(this.endedWith);
      const fail = (e: Error) => reject(e);
      this.pending.add(fail);
      this.link.gatt._queueCommand(pdu, (rsp) => {
        this.pending.delete(fail);
        resolve(rsp);
      });
    });
  }

  command(pdu: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.endedWith) return reject(this.endedWith);
      const fail = (e: Error) => reject(e);
      this.pending.add(fail);
      this.link.gatt._queueCommand(pdu, null, () => {
        this.pending.delete(fail);
        resolve();
      });
    });
  }

  startPairing(): void {
    if (this.endedWith) throw this.endedWith;
    this.link.aclStream.encrypt();
  }

  /**
   * noble keeps no keys and never encrypts a link except right after its own pairing. With a key the
   * central kept (the LTK, EDIV and Rand the peripheral distributed), this sends LE Enable Encryption
   * through noble's Hci, as noble's AclStream does with the STK; the Encryption Change comes back as
   * the 'encrypt' event (status on the tap).
   */
  startEncryption(key: LegacyLtk): void {
    if (this.endedWith) throw this.endedWith;
    const hci = this.link.aclStream._hci;
    if (typeof hci?.startLeEncryption !== 'function') throw new NobleInternalsChanged('AclStream._hci.startLeEncryption is not a function');
    const ediv = Buffer.alloc(2);
    ediv.writeUInt16LE(key.ediv);
    hci.startLeEncryption(this.handle, key.rand, ediv, key.ltk);
  }

  abandon(reason: Error): void {
    const { gatt } = this.link;
    gatt._currentCommand = null;
    gatt._commandQueue = [];
    this.finish(reason, false);
  }

  private finish(reason: Error, linkEnded = true): void {
    if (this.endedWith) return;
    this.endedWith = reason;
    for (const fail of [...this.pending]) fail(reason);
    this.pending.clear();
    if (linkEnded) this.emit('end');
  }

  private readonly onData = (cid: number, data: Buffer): void => {
    const { gatt } = this.link;
    if (cid !== L2CAP_CID.ATT) return gatt.onAclStreamDataBinded(cid, data);
    // An ATT PDU without an opcode, or an Exchange MTU Response without its MTU (Vol 3 Part F
    // 3.4.2.2), is no answer: noble would hand it to its own MTU exchange, which reads past the end.
    if (data.length === 0 || (data[0] === ATT_OP.EXCHANGE_MTU_RSP && data.length < EXCHANGE_MTU_RSP_LENGTH)) return;
    const decoded = decodeAtt(data);
    const op = data[0];
    if (op === ATT_OP.HANDLE_VALUE_NTF || op === ATT_OP.HANDLE_VALUE_IND) {
      // Without its handle (Vol 3 Part F 3.4.7.1-2) it is no PDU: noble would read past the end and throw.
      if (!decoded.ok) return;
      const pdu = decoded.pdu as AttHandleValueNotification | AttHandleValueIndication;
      // noble answers an indication with a Handle Value Confirmation itself (gatt.js).
      this.emit('notification', { handle: pdu.handle, value: pdu.value, indication: op === ATT_OP.HANDLE_VALUE_IND });
      return gatt.onAclStreamDataBinded(cid, data);
    }
    const current = gatt._currentCommand;
    // Error Response: Request Opcode In Error, Attribute Handle, Error Code. Vol 3 Part F 3.4.1.1.
    if (op === ATT_OP.ERROR_RSP && current?.callback && data[1] === current.buffer[0]) {
      current.callback(data);
      gatt._currentCommand = null;
      this.sendNext();
      return;
    }
    gatt.onAclStreamDataBinded(cid, data);
  };

  /** What noble does after a response: send queued PDUs until one waits for an answer. */
  private sendNext(): void {
    const { gatt } = this.link;
    while (gatt._currentCommand === null && gatt._commandQueue.length) {
      const next = gatt._commandQueue.shift()!;
      gatt._currentCommand = next;
      gatt.writeAtt(next.buffer);
      if (next.callback) break;
      next.writeCallback?.();
      gatt._currentCommand = null;
    }
  }
}
