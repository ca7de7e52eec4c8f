// Several centrals at once over bleno 0.6.2's HCI bindings. bleno keeps one link: its bindings hold
// one _handle/_address/_aclStream (a second LE Connection Complete overwrites the first, whose ACL data
// is then dropped), its Hci forgets every handle but the last (_mainHandle: a Disconnection Complete
// for an earlier link is ignored), and it re-enables advertising only on a disconnection. Below that,
// bleno's Hci already queues and counts ACL per handle and its AclStream (with its Smp) is one per link.
// So the bindings' connection handlers are replaced here, before bleno's init() binds them: one
// AclStream per handle, events routed by handle, every handle's Disconnection Complete let through,
// and advertising enabled again after each connection while fewer than `maxCentrals` are connected
// (a controller stops advertising when a connection is created: Core v5.4 Vol 6 Part B 4.4.2;
// the host may enable it again, Vol 4 Part E 7.8.9).
import { EVT, H4 } from '../../common/base/codes/hci.js';
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import type { Gates } from './hooks.js';
import { BLENO_ACL_STREAM_FILE, require, type BlenoAclStream, type BlenoInternals } from './internals.js';

/** bleno's LE Connection Complete Role for the peripheral (Vol 4 Part E 7.7.65.1). */
const ROLE_PERIPHERAL = 1;

/** One central's link as bleno keeps it. */
export interface BlenoLink {
  readonly handle: number;
  readonly address: string;
  readonly stream: BlenoAclStream;
}

export interface BlenoConnections {
  /** The links up now, oldest first. */
  readonly links: Map<number, BlenoLink>;
  /** How many centrals are served at once (advertising stays off while this many are connected). */
  maxCentrals: number;
  /** Told when a link is up and when it is gone (after bleno's own events). */
  onChange?: (event: 'connect' | 'disconnect', link: BlenoLink) => void;
}

type AclStreamClass = new (hci: unknown, handle: number, localType: unknown, local: unknown, remoteType: string, remote: string) => BlenoAclStream;

/** Replaces the bindings' connection handlers on this load (call before bleno's init). */
export function keepEveryConnection(internals: BlenoInternals, gates: Gates, maxCentrals: number): BlenoConnections {
  const b = internals.bindings;
  const hci = b._hci;
  const AclStream = require(BLENO_ACL_STREAM_FILE) as AclStreamClass;
  const state: BlenoConnections = { links: new Map(), maxCentrals };
  const latest = () => [...state.links.values()].at(-1);
  const current = () => {
    const l = latest();
    b._handle = l?.handle ?? null;
    b._address = l?.address ?? null;
    b._aclStream = l?.stream ?? null;
  };

  b.onLeConnComplete = function (status: number, handle: number, role: number, addressType: string, address: string) {
    if (role !== ROLE_PERIPHERAL || status !== 0) return;
    const stream = new AclStream(hci, handle, hci.addressType, hci.address, addressType, address);
    // Every ATT PDU with its own link's handle; bleno's Gatt (one stream at a time) only serves when
    // no channel is set (bleno loaded as a plain peer), and then for the latest link.
    stream.on('data', (cid: number, data: Buffer) => {
      if (cid === L2CAP_CID.ATT && gates.att) gates.att(handle, Buffer.from(data));
    });
    const link: BlenoLink = { handle, address, stream };
    state.links.set(handle, link);
    current();
    b._gatt.setAclStream(stream);
    this.emit('accept', address);
    state.onChange?.('connect', link);
    if (b._advertising && state.links.size < state.maxCentrals) b._gap.restartAdvertising();
  };

  b.onDisconnComplete = function (handle: number) {
    const link = state.links.get(handle);
    if (!link) return;
    state.links.delete(handle);
    link.stream.push(null, null);
    current();
    this.emit('disconnect', link.address);
    state.onChange?.('disconnect', link);
    if (b._advertising && state.links.size < state.maxCentrals) b._gap.restartAdvertising();
  };

  b.onEncryptChange = (handle: number, encrypt: number) => state.links.get(handle)?.stream.pushEncrypt(encrypt);
  b.onLeLtkNegReply = (handle: number) => state.links.get(handle)?.stream.pushLtkNegReply();
  b.onAclDataPkt = (handle: number, cid: number, data: Buffer) => state.links.get(handle)?.stream.push(cid, data);

  // bleno's Hci drops a Disconnection Complete whose handle is not the last one connected
  // (_mainHandle): name the handle first when it is one of ours (Vol 4 Part E 7.7.5).
  const onSocketData = hci.onSocketData;
  hci.onSocketData = function (data: Buffer) {
    if (data.length >= 6 && data[0] === H4.EVENT && data[1] === EVT.DISCONNECTION_COMPLETE) {
      const handle = data.readUInt16LE(4);
      if (state.links.has(handle)) this._mainHandle = handle;
    }
    onSocketData.call(this, data);
  };
  return state;
}
