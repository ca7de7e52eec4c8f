// The kernel's share that bleno relies on, done by the transport where no kernel stands between
// the host and the controller (mock, h4:, hci-user:, usb, serial): bleno loads its keys through
// MGMT Load Long Term Keys on the control socket and expects the kernel to answer the controller's
// LE Long Term Key Request. We keep those keys and answer the same way Linux does
// (net/bluetooth/mgmt.c load_long_term_keys, hci_event.c hci_le_ltk_request_evt).
import { EventEmitter } from 'node:events';
import { ADDRESS_TYPE, ROLE } from '../../base/codes/hci.js';
import {
  MGMT_EMULATED_VERSION,
  MGMT_EV,
  MGMT_HEADER_SIZE,
  MGMT_IRK_INFO_SIZE,
  MGMT_LTK_INFO_SIZE,
  MGMT_LTK_TYPE,
  MGMT_OP,
  MGMT_STATUS,
} from '../../base/codes/mgmt.js';
import { addressToString, leLtkNegativeReply, leLtkReply, readSeamEvent } from './hci-packets.js';
import { decodeMgmtLtkInfo, type MgmtLtkInfo } from './mgmt-ltk-info.js';
import { decodeMgmtIrkInfo, type MgmtIrkInfo } from './mgmt-irk-info.js';
import { resolveAmong } from '../smp/identity-resolver.js';
import type { DeviceAddress } from '../smp/engine-types.js';

/** A key the share holds: one MGMT Load Long Term Keys record (mgmt-ltk-info.ts). */
export type KernelShareLtk = MgmtLtkInfo;

interface LinkInfo {
  role: number;
  peerAddress: string;
  peerAddressType: 'public' | 'random';
}

const SC_TYPES = new Set<number>([MGMT_LTK_TYPE.UNAUTHENTICATED_P256, MGMT_LTK_TYPE.AUTHENTICATED_P256, MGMT_LTK_TYPE.DEBUG_P256]);

export interface KernelShareEvents {
  /** A key was found and handed to the controller (or not). */
  ltk: [{ handle: number; found: boolean; peerAddress?: string; key?: KernelShareLtk }];
  keys: [KernelShareLtk[]];
  irks: [MgmtIrkInfo[]];
}

export class KernelShare extends EventEmitter<KernelShareEvents> {
  private keys: KernelShareLtk[] = [];
  private irks: MgmtIrkInfo[] = [];
  /** The last load as sent (its records, 36 octets each) and each record decoded: a reload reuses what it repeats. */
  private loaded: { records: Buffer; keys: KernelShareLtk[] } = { records: Buffer.alloc(0), keys: [] };
  private readonly links = new Map<number, LinkInfo>();

  get longTermKeys(): readonly KernelShareLtk[] {
    return this.keys;
  }

  get identityResolvingKeys(): readonly MgmtIrkInfo[] {
    return this.irks;
  }

  /**
   * The identity behind a peer's address on the air: the address itself, or the identity whose loaded
   * IRK resolves it (Linux: hci_get_irk / smp_irk_matches; Core v5.4 Vol 6 Part B 1.3.2.3).
   */
  identityOf(onAir: DeviceAddress): DeviceAddress {
    const found = resolveAmong(onAir, this.irks.map((k) => ({ identity: { address: k.peerAddress, type: k.peerAddressType }, irk: k.irk })));
    return found?.candidate.identity ?? onAir;
  }

  /** A management command from the control socket; returns the management events to send back. */
  handleMgmtCommand(pkt: Buffer): Buffer[] {
    if (pkt.length < MGMT_HEADER_SIZE) return [];
    const op = pkt.readUInt16LE(0);
    const index = pkt.readUInt16LE(2);
    const len = pkt.readUInt16LE(4);
    const params = pkt.subarray(MGMT_HEADER_SIZE);
    if (params.length !== len) return [mgmtStatus(op, index, MGMT_STATUS.INVALID_PARAMETERS)];
    switch (op) {
      case MGMT_OP.READ_MANAGEMENT_VERSION_INFORMATION: {
        const rp = Buffer.alloc(3);
        rp[0] = MGMT_EMULATED_VERSION.version;
        rp.writeUInt16LE(MGMT_EMULATED_VERSION.revision, 1);
        return [mgmtComplete(op, 0xffff, MGMT_STATUS.SUCCESS, rp)];
      }
      case MGMT_OP.READ_CONTROLLER_INDEX_LIST: {
        const rp = Buffer.alloc(4);
        rp.writeUInt16LE(1, 0);
        rp.writeUInt16LE(0, 2);
        return [mgmtComplete(op, 0xffff, MGMT_STATUS.SUCCESS, rp)];
      }
      case MGMT_OP.LOAD_LONG_TERM_KEYS: {
        if (index !== 0) return [mgmtStatus(op, index, MGMT_STATUS.INVALID_INDEX)];
        const keys = parseLoadLtks(params, this.loaded);
        if (!keys) return [mgmtStatus(op, index, MGMT_STATUS.INVALID_PARAMETERS)];
        this.loaded = { records: Buffer.alloc(params.length - 2), keys };
        params.copy(this.loaded.records, 0, 2);
        this.keys = lastPerPeer(keys); // the command replaces every key (mgmt.c: hci_smp_ltks_clear first)
        this.emit('keys', keys);
        return [mgmtComplete(op, index, MGMT_STATUS.SUCCESS)];
      }
      case MGMT_OP.LOAD_IDENTITY_RESOLVING_KEYS: {
        if (index !== 0) return [mgmtStatus(op, index, MGMT_STATUS.INVALID_INDEX)];
        const irks = parseLoadIrks(params);
        if (!irks) return [mgmtStatus(op, index, MGMT_STATUS.INVALID_PARAMETERS)];
        this.irks = irks; // as for LTKs, the command replaces every IRK (mgmt.c load_irks: hci_smp_irks_clear)
        this.emit('irks', irks);
        return [mgmtComplete(op, index, MGMT_STATUS.SUCCESS)];
      }
      default:
        return [mgmtStatus(op, index, MGMT_STATUS.UNKNOWN_COMMAND)];
    }
  }

  /**
   * A packet from the controller, before any host sees it. Returns the command the kernel would send
   * in answer (LTK Reply or Negative Reply), if any.
   */
  onControllerPacket(pkt: Buffer): Buffer | undefined {
    const ev = readSeamEvent(pkt);
    switch (ev.kind) {
      case 'connection':
        this.links.set(ev.handle, {
          role: ev.role,
          peerAddress: addressToString(ev.peerAddress),
          peerAddressType: ev.peerAddressType === ADDRESS_TYPE.PUBLIC || ev.peerAddressType === ADDRESS_TYPE.PUBLIC_IDENTITY ? 'public' : 'random',
        });
        return undefined;
      case 'disconnection':
        this.links.delete(ev.handle);
        return undefined;
      case 'ltk-request':
        return this.answerLtkRequest(ev.handle, ev.rand, ev.ediv);
      default:
        return undefined;
    }
  }

  private answerLtkRequest(handle: number, rand: Buffer, ediv: number): Buffer {
    const link = this.links.get(handle);
    const key = link ? this.findLtk(link, rand, ediv) : undefined;
    this.emit('ltk', { handle, found: !!key, ...(link ? { peerAddress: link.peerAddress } : {}), ...(key ? { key } : {}) });
    if (!key) return leLtkNegativeReply(handle);
    // hci_event.c: the key is padded with zeros beyond its encryption size
    const ltk = Buffer.alloc(16);
    key.value.copy(ltk, 0, 0, Math.min(key.encSize, 16));
    return leLtkReply(handle, ltk);
  }

  private findLtk(link: LinkInfo, rand: Buffer, ediv: number): KernelShareLtk | undefined {
    const localIsCentral = link.role === ROLE.CENTRAL;
    // Keys are kept under the peer's identity: an RPA is resolved with the loaded IRKs first.
    const peer = this.identityOf({ address: link.peerAddress, type: link.peerAddressType });
    return this.keys.find((k) => {
      if (k.peerAddress !== peer.address || k.peerAddressType !== peer.type) return false;
      if (k.central !== localIsCentral) return false;
      // Core v5.4 Vol 3 Part H 2.4.4.1: Secure Connections keys are requested with EDIV and Rand zero
      if (SC_TYPES.has(k.keyType)) return ediv === 0 && rand.every((b) => b === 0);
      return k.ediv === ediv && k.rand.equals(rand);
    });
  }
}

/** How far ahead in the last load a record is looked for (bleno's reload after a bond: one key gone from the front or the middle, one added at the end). */
const REUSE_LOOK_AHEAD = 4;

/**
 * The keys of a Load Long Term Keys command, or undefined when one is malformed. bleno sends every key
 * again for each new bond (up to 1,820): a record the last load had, octet for octet, is not decoded
 * again (decoding them all made ~1 MB of garbage a bond in a long run: issue 15's soak).
 */
function parseLoadLtks(params: Buffer, last: { records: Buffer; keys: KernelShareLtk[] }): KernelShareLtk[] | undefined {
  if (params.length < 2) return undefined;
  const count = params.readUInt16LE(0);
  if (params.length !== 2 + count * MGMT_LTK_INFO_SIZE) return undefined;
  const keys: KernelShareLtk[] = [];
  let cursor = 0; // the next record of the last load to compare with
  for (let i = 0; i < count; i++) {
    const at = 2 + i * MGMT_LTK_INFO_SIZE;
    let key: KernelShareLtk | undefined;
    for (let j = cursor; j < last.keys.length && j < cursor + REUSE_LOOK_AHEAD; j++) {
      if (params.compare(last.records, j * MGMT_LTK_INFO_SIZE, (j + 1) * MGMT_LTK_INFO_SIZE, at, at + MGMT_LTK_INFO_SIZE) === 0) {
        key = last.keys[j];
        cursor = j + 1;
        break;
      }
    }
    key ??= decodeMgmtLtkInfo(params.subarray(at, at + MGMT_LTK_INFO_SIZE));
    if (!key) return undefined;
    keys.push(key);
  }
  return keys;
}

function parseLoadIrks(params: Buffer): MgmtIrkInfo[] | undefined {
  if (params.length < 2) return undefined;
  const count = params.readUInt16LE(0);
  if (params.length !== 2 + count * MGMT_IRK_INFO_SIZE) return undefined;
  const irks: MgmtIrkInfo[] = [];
  for (let i = 0; i < count; i++) {
    const irk = decodeMgmtIrkInfo(params.subarray(2 + i * MGMT_IRK_INFO_SIZE, 2 + (i + 1) * MGMT_IRK_INFO_SIZE));
    if (!irk) return undefined;
    irks.push(irk);
  }
  return irks;
}

/**
 * Linux adds loaded keys one by one with hci_add_ltk, which overwrites an existing key for the same
 * address, address type and role: of several keys for one peer and role, the last one loaded wins.
 */
function lastPerPeer(keys: KernelShareLtk[]): KernelShareLtk[] {
  // Which (address type, role) each address has, from the last key back: one bit each.
  const seen = new Map<string, number>();
  const kept: KernelShareLtk[] = [];
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    const bit = 1 << ((k.peerAddressType === 'random' ? 2 : 0) + (k.central ? 1 : 0));
    const bits = seen.get(k.peerAddress) ?? 0;
    if (bits & bit) continue;
    seen.set(k.peerAddress, bits | bit);
    kept.push(k);
  }
  return kept.length === keys.length ? keys : kept.reverse();
}

function mgmtEvent(code: number, index: number, params: Buffer): Buffer {
  const pkt = Buffer.alloc(MGMT_HEADER_SIZE + params.length);
  pkt.writeUInt16LE(code, 0);
  pkt.writeUInt16LE(index, 2);
  pkt.writeUInt16LE(params.length, 4);
  params.copy(pkt, MGMT_HEADER_SIZE);
  return pkt;
}

function mgmtComplete(op: number, index: number, status: number, rp: Buffer = Buffer.alloc(0)): Buffer {
  const p = Buffer.alloc(3 + rp.length);
  p.writeUInt16LE(op, 0);
  p[2] = status;
  rp.copy(p, 3);
  return mgmtEvent(MGMT_EV.COMMAND_COMPLETE, index, p);
}

function mgmtStatus(op: number, index: number, status: number): Buffer {
  const p = Buffer.alloc(3);
  p.writeUInt16LE(op, 0);
  p[2] = status;
  return mgmtEvent(MGMT_EV.COMMAND_STATUS, index, p);
}
