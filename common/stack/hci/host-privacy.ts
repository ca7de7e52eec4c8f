// Privacy as the host's share (Linux does it in the kernel: hci_sync.c hci_update_random_address,
// hci_le_add_resolve_list), for transports where no kernel stands between the host and the controller.
// noble and bleno write Own_Address_Type 0x00 (public) into every LE Set Advertising Parameters, LE Set
// Scan Parameters and LE Create Connection; with privacy on, those commands are sent with the address
// type privacy needs, after the commands that make that address:
//   host        the host makes the RPA from the local IRK with ah (Vol 3 Part H 2.2.2, Vol 6 Part B
//               1.3.2.2), sets it with LE Set Random Address (Vol 4 Part E 7.8.4) and uses
//               Own_Address_Type 0x01; a new RPA once the RPA timeout has passed on the clock (Vol 3
//               Part C 10.7.1.2: T_GAP(private_addr_int), 15 minutes recommended), set only while no
//               advertising, scanning or initiating is under way (7.8.4 forbids it then).
//   controller  the resolving list holds an entry per bonded peer (peer IRK, local IRK; 7.8.38), address
//               resolution is enabled (7.8.44) with the RPA timeout (7.8.45), and Own_Address_Type 0x03:
//               the controller makes the RPA for a peer in its list, else uses the random address set,
//               which is a host-made RPA as above (Linux does the same with LL privacy).
// The answers to these commands reach the stacks as any event does; they ignore Command Completes for
// commands they did not send (as for the kernel share's LTK replies).
import { EventEmitter } from 'node:events';
import { ADDRESS_TYPE, EVT, LE_EVT, OP, ROLE, RPA_TIMEOUT_S } from '../../base/codes/hci.js';
import { H4 } from '../../base/codes/hci.js';
import { generateRpa } from '../../base/crypto/random-address.js';
import type { DeviceAddress } from '../smp/engine-types.js';
import { addressToBuffer, addressToString, hciCommand } from './hci-packets.js';

import type { PrivacyMode } from '../smp/privacy-setup.js';

export interface HostPrivacySettings {
  mode: PrivacyMode;
  /** The local IRK, most significant octet first (as the Security Manager distributes it). */
  irk: Buffer;
  /** Seconds an RPA is used before a new one (Vol 4 Part E 7.8.45 range; 900 by default). */
  rpaTimeoutS: number;
  /** Milliseconds: the virtual radio's clock on `mock`, so that a test renews RPAs without waiting. */
  clock: () => number;
}

/** A bonded peer for the controller's resolving list: identity and IRK (MSB-first). */
export interface ResolvingPeer {
  identity: DeviceAddress;
  irk: Buffer;
}

export interface HostPrivacyEvents {
  /** A new RPA was set with LE Set Random Address. */
  rpa: [{ address: string; atMs: number }];
}

const MS_PER_S = 1000;
/** Where Own_Address_Type sits in each command's parameters (Vol 4 Part E 7.8.5, 7.8.10, 7.8.12, 7.8.64, 7.8.66). */
const OWN_ADDRESS_TYPE_AT = new Map<number, number>([
  [OP.LE_SET_ADVERTISING_PARAMETERS, 5],
  [OP.LE_SET_SCAN_PARAMETERS, 5],
  [OP.LE_CREATE_CONNECTION, 12],
  [OP.LE_SET_EXTENDED_SCAN_PARAMETERS, 0],
  [OP.LE_EXTENDED_CREATE_CONNECTION, 1],
]);
/** H4 indicator, opcode (2), parameter length (1). */
const COMMAND_HEADER = 4;
const ENABLE = 0x01;
/** LE Set Event Mask: 8 octets, least significant first; bit 9 is LE Enhanced Connection Complete (Vol 4 Part E 7.8.1). */
const LE_EVENT_MASK_LENGTH = 8;
const ENHANCED_CONNECTION_COMPLETE_OCTET = 1;
const ENHANCED_CONNECTION_COMPLETE_BIT = 0x02;
const DISABLE = 0x00;

export function checkRpaTimeout(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= RPA_TIMEOUT_S.MIN && seconds <= RPA_TIMEOUT_S.MAX;
}

export class HostPrivacy extends EventEmitter<HostPrivacyEvents> {
  private rpa: Buffer | undefined;
  private rpaAt = 0;
  private advertising = false;
  private scanning = false;
  private initiating = false;
  private started = false;
  private readonly peers: ResolvingPeer[] = [];
  /** Peers bonded while advertising, scanning or initiating: the list cannot change then (7.8.38), so they wait. */
  private pending: ResolvingPeer[] = [];
  /** The local IRK (MSB-first): settings.irk until a new identity replaces it. */
  private irk: Buffer;

  constructor(readonly settings: HostPrivacySettings) {
    super();
    if (settings.irk.length !== 16) throw new RangeError('privacy: the local IRK must be 16 octets');
    this.irk = settings.irk;
    if (!checkRpaTimeout(settings.rpaTimeoutS)) throw new RangeError(`privacy: the RPA timeout must be ${RPA_TIMEOUT_S.MIN}..${RPA_TIMEOUT_S.MAX} s`);
  }

  /** The RPA in use ('AA:BB:…'), once one was set. */
  get currentRpa(): string | undefined {
    return this.rpa && addressToString(this.rpa);
  }

  /** The local IRK in use (MSB-first). */
  get localIrk(): Buffer {
    return this.irk;
  }

  /**
   * A new identity (a factory reset that makes a new IRK, or a device that keeps its IRK and forgot its
   * peers): the resolving list is emptied, and the next RPA comes from `irk`. Returns the commands to
   * send now: while advertising, advertising stops, the list is cleared (controller privacy), the new RPA
   * is set and advertising starts again, as Linux does to change the address of an advertising set
   * (LE Set Random Address and LE Clear Resolving List are refused while advertising: Vol 4 Part E
   * 7.8.4, 7.8.40). Otherwise the new RPA is set on the address's next use.
   */
  newIdentity(irk: Buffer): Buffer[] {
    if (irk.length !== 16) throw new RangeError('privacy: the local IRK must be 16 octets');
    this.irk = irk;
    this.peers.length = 0;
    this.pending = [];
    this.rpa = undefined;
    if (!this.started || this.scanning || this.initiating) return [];
    return this.withAdvertisingPaused(this.settings.mode === 'controller' ? [hciCommand(OP.LE_CLEAR_RESOLVING_LIST, Buffer.alloc(0))] : []);
  }

  /**
   * The RPA timeout's own renewal (Vol 3 Part C 10.7.1.2: a new RPA every T_GAP(private_addr_int)), for a
   * device that keeps advertising or stays idle: when the timeout has passed on the clock, the commands
   * that set a new RPA now, advertising paused around it as Linux does (hci_sync.c rpa_expired). Nothing
   * while scanning or initiating (their next start renews it), nor before the address was first used.
   */
  renewNow(): Buffer[] {
    if (!this.started || !this.rpa || this.scanning || this.initiating) return [];
    if (this.settings.clock() - this.rpaAt < this.settings.rpaTimeoutS * MS_PER_S) return [];
    return this.withAdvertisingPaused([]);
  }

  /** `first`, then a new RPA; while advertising, advertising stops before and starts again after (7.8.4). */
  private withAdvertisingPaused(first: Buffer[]): Buffer[] {
    this.rpa = undefined;
    if (!this.advertising) return [...first, this.renewIfDue()!];
    this.advertising = false;
    const out = [hciCommand(OP.LE_SET_ADVERTISING_ENABLE, Buffer.from([0])), ...first, this.renewIfDue()!, hciCommand(OP.LE_SET_ADVERTISING_ENABLE, Buffer.from([ENABLE]))];
    this.advertising = true;
    return out;
  }

  /** Bonded peers for the resolving list (controller mode): given before the stack starts, and after each new bond. */
  addPeers(peers: readonly ResolvingPeer[]): Buffer[] {
    const fresh = peers.filter((p) => !this.peers.some((q) => q.identity.address === p.identity.address && q.identity.type === p.identity.type));
    this.peers.push(...fresh);
    if (this.settings.mode !== 'controller' || !this.started || fresh.length === 0) return [];
    const adds = fresh.map((p) => addToResolvingList(this.irk, p));
    // Advertising alone (a peripheral serving several centrals advertises while connected): paused
    // around the change, as Linux does (hci_sync.c pauses advertising to update the resolving list)
    // and Zephyr (bt_id_add). Scanning or initiating: the change waits for the next enable.
    if (this.advertising && !this.scanning && !this.initiating) {
      return [hciCommand(OP.LE_SET_ADVERTISING_ENABLE, Buffer.from([DISABLE])), ...adds, hciCommand(OP.LE_SET_ADVERTISING_ENABLE, Buffer.from([ENABLE]))];
    }
    if (this.busy) {
      this.pending.push(...fresh);
      return [];
    }
    return adds;
  }

  /**
   * One command from a stack: the commands to send in its place, in order (privacy's own first, then the
   * command with Own_Address_Type rewritten). Others pass unchanged.
   */
  onHostCommand(pkt: Buffer): Buffer[] {
    if (pkt[0] !== H4.COMMAND || pkt.length < COMMAND_HEADER) return [pkt];
    const op = pkt.readUInt16LE(1);
    const params = pkt.subarray(COMMAND_HEADER);
    const before: Buffer[] = [];
    if (op === OP.RESET) {
      // The controller forgets its list and addresses: everything is made again on the next use.
      this.started = false;
      this.rpa = undefined;
      this.pending = [];
      this.advertising = this.scanning = this.initiating = false;
      return [pkt];
    }
    // Controller privacy: LE Enhanced Connection Complete unmasked (bit 9), so that the controller says which
    // RPAs a link used (7.7.65.10), as Linux does with LL privacy (hci_sync.c use_enhanced_conn_complete).
    // The loaders hand noble and bleno the plain event (legacy-connection-complete.ts).
    if (op === OP.LE_SET_EVENT_MASK && this.settings.mode === 'controller' && params.length >= LE_EVENT_MASK_LENGTH) {
      const masked = Buffer.from(pkt);
      masked[COMMAND_HEADER + ENHANCED_CONNECTION_COMPLETE_OCTET]! |= ENHANCED_CONNECTION_COMPLETE_BIT;
      return [masked];
    }
    const enabling = (op === OP.LE_SET_ADVERTISING_ENABLE || op === OP.LE_SET_SCAN_ENABLE || op === OP.LE_SET_EXTENDED_SCAN_ENABLE) && params.length >= 1 && params[0] === ENABLE;
    const at = OWN_ADDRESS_TYPE_AT.get(op);
    let out = pkt;
    if (at !== undefined && params.length > at) {
      if (!this.started) before.push(...this.start());
      out = Buffer.from(pkt);
      out[COMMAND_HEADER + at] = this.settings.mode === 'host' ? ADDRESS_TYPE.RANDOM : ADDRESS_TYPE.RANDOM_IDENTITY;
    }
    // A new RPA where the controller takes one: before the address is first used, and before advertising
    // or scanning starts again once the timeout has passed (a stack restarting advertising after a link
    // sends only the enable).
    if (out !== pkt || (enabling && this.started)) {
      if (this.pending.length && !this.busy) before.push(...this.pending.splice(0).map((p) => addToResolvingList(this.irk, p)));
      const rpa = this.renewIfDue();
      if (rpa) before.push(rpa);
    }
    if (op === OP.LE_SET_ADVERTISING_ENABLE && params.length >= 1) this.advertising = params[0] === ENABLE;
    if ((op === OP.LE_SET_SCAN_ENABLE || op === OP.LE_SET_EXTENDED_SCAN_ENABLE) && params.length >= 1) this.scanning = params[0] === ENABLE;
    if (op === OP.LE_CREATE_CONNECTION || op === OP.LE_EXTENDED_CREATE_CONNECTION) this.initiating = true;
    return [...before, out];
  }

  /** Events from the controller: a connection ends initiating, and (as peripheral) advertising. */
  onControllerPacket(pkt: Buffer): void {
    if (pkt[0] !== H4.EVENT || pkt[1] !== EVT.LE_META || pkt.length < 8) return;
    const sub = pkt[3];
    if (sub !== LE_EVT.CONNECTION_COMPLETE && sub !== LE_EVT.ENHANCED_CONNECTION_COMPLETE) return;
    const status = pkt[4];
    const role = pkt[7];
    if (role === ROLE.CENTRAL || status !== 0) this.initiating = false;
    if (status === 0 && role === ROLE.PERIPHERAL) this.advertising = false; // Vol 6 Part B 4.4.2
  }

  /** Advertising, scanning or initiating: no LE Set Random Address, no resolving list change (7.8.4, 7.8.38). */
  private get busy(): boolean {
    return this.advertising || this.scanning || this.initiating;
  }

  /** Controller mode: RPA timeout, the list, address resolution on (7.8.45, 7.8.38, 7.8.44). */
  private start(): Buffer[] {
    this.started = true;
    if (this.settings.mode !== 'controller') return [];
    const timeout = Buffer.alloc(2);
    timeout.writeUInt16LE(this.settings.rpaTimeoutS);
    return [
      hciCommand(OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT, timeout),
      ...this.peers.map((p) => addToResolvingList(this.irk, p)),
      hciCommand(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, Buffer.from([ENABLE])),
    ];
  }

  /** LE Set Random Address with a new RPA when none is set or the timeout passed, and the controller allows it now. */
  private renewIfDue(): Buffer | undefined {
    const now = this.settings.clock();
    const due = !this.rpa || now - this.rpaAt >= this.settings.rpaTimeoutS * MS_PER_S;
    if (!due || this.advertising || this.scanning || this.initiating) return undefined;
    this.rpa = generateRpa(this.irk);
    this.rpaAt = now;
    this.emit('rpa', { address: addressToString(this.rpa), atMs: now });
    return hciCommand(OP.LE_SET_RANDOM_ADDRESS, this.rpa);
  }
}

/** LE Add Device To Resolving List: identity type, identity, peer IRK, local IRK (IRKs least significant octet first). */
function addToResolvingList(localIrk: Buffer, p: ResolvingPeer): Buffer {
  const type = p.identity.type === 'random' ? ADDRESS_TYPE.RANDOM : ADDRESS_TYPE.PUBLIC;
  return hciCommand(
    OP.LE_ADD_DEVICE_TO_RESOLVING_LIST,
    Buffer.concat([Buffer.from([type]), addressToBuffer(p.identity.address), Buffer.from(p.irk).reverse(), Buffer.from(localIrk).reverse()]),
  );
}
