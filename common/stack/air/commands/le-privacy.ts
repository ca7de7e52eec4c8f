// LL Privacy commands: the resolving list and what the controller does with it.
// Core v5.4 Vol 4 Part E 7.8.38 - 7.8.45, 7.8.77; Vol 6 Part B 4.7. IRKs travel least significant
// octet first, as every multi-octet HCI value; the list keeps them in the spec's order for ah.
import { HCI_STATUS, OP, PRIVACY_MODE, RPA_TIMEOUT_S } from '../../../base/codes/hci.js';
import { RESOLVING_LIST_SIZE } from '../capabilities.js';
import { entryFor, localRpaOf } from '../privacy.js';
import { DEFAULT_PRIVACY_MODE } from '../state.js';
import type { VirtualController } from '../controller.js';
import { inRange, ok, type CommandSpec } from './types.js';

const IRK_LENGTH = 16;
const ADDRESS_LENGTH = 6;
/** Peer_Identity_Address_Type + Peer_Identity_Address. */
const IDENTITY_LENGTH = 1 + ADDRESS_LENGTH;
/** Peer_Identity_Address_Type: 0x00 public, 0x01 random (static) identity. */
const MAX_IDENTITY_TYPE = 0x01;

const msbFirst = (irkLe: Buffer): Buffer => Buffer.from(irkLe).reverse();

/** Advertising, scanning or initiating is under way (the list is in use). */
function active(c: VirtualController): boolean {
  const s = c.state;
  return s.adv.enabled || s.scan.enabled || s.initiating !== undefined;
}

/**
 * 7.8.38/39/40, 7.8.77: the list (and privacy modes) cannot change while address resolution is
 * enabled and advertising, scanning or a Create Connection is outstanding: 0x0C Command Disallowed.
 */
function listLocked(c: VirtualController): boolean {
  return c.state.privacy.addressResolutionEnabled && active(c);
}

/** Peer identity at p[0..6]: the list entry, or an error status. */
function withEntry(c: VirtualController, p: Buffer, fn: (i: number) => Buffer | number): Buffer | number {
  if (p[0]! > MAX_IDENTITY_TYPE) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  const e = entryFor(c, p[0]!, p.subarray(1, IDENTITY_LENGTH));
  // not in the resolving list: 0x02 Unknown Connection Identifier (7.8.39, 7.8.42, 7.8.43, 7.8.77)
  return e ? fn(c.state.privacy.resolvingList.indexOf(e)) : HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER;
}

function add(c: VirtualController, p: Buffer): Buffer | number {
  if (listLocked(c)) return HCI_STATUS.COMMAND_DISALLOWED;
  const type = p[0]!;
  if (type > MAX_IDENTITY_TYPE) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  const identity = Buffer.from(p.subarray(1, IDENTITY_LENGTH));
  const peerIrk = msbFirst(p.subarray(IDENTITY_LENGTH, IDENTITY_LENGTH + IRK_LENGTH));
  const localIrk = msbFirst(p.subarray(IDENTITY_LENGTH + IRK_LENGTH));
  const list = c.state.privacy.resolvingList;
  // 7.8.38: an entry with the same identity, or the same non-zero peer IRK, is refused with 0x12
  const zeroPeerIrk = peerIrk.every((b) => b === 0);
  if (entryFor(c, type, identity) || (!zeroPeerIrk && list.some((e) => e.peerIrk.equals(peerIrk)))) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
  if (list.length >= RESOLVING_LIST_SIZE) return HCI_STATUS.MEMORY_CAPACITY_EXCEEDED;
  list.push({ peerIdentityType: type, peerIdentity: identity, peerIrk, localIrk, privacyMode: DEFAULT_PRIVACY_MODE });
  return ok().build();
}

export const lePrivacyCommands: ReadonlyArray<readonly [number, CommandSpec]> = [
  // 7.8.38 LE Add Device To Resolving List: type, identity, Peer_IRK, Local_IRK
  [OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, { length: IDENTITY_LENGTH + 2 * IRK_LENGTH, answer: 'complete', run: ({ c, params }) => add(c, params) }],
  // 7.8.39 LE Remove Device From Resolving List
  [
    OP.LE_REMOVE_DEVICE_FROM_RESOLVING_LIST,
    {
      length: IDENTITY_LENGTH,
      answer: 'complete',
      run: ({ c, params }) => (listLocked(c) ? HCI_STATUS.COMMAND_DISALLOWED : withEntry(c, params, (i) => (c.state.privacy.resolvingList.splice(i, 1), ok().build()))),
    },
  ],
  // 7.8.40 LE Clear Resolving List
  [
    OP.LE_CLEAR_RESOLVING_LIST,
    { length: 0, answer: 'complete', run: ({ c }) => (listLocked(c) ? HCI_STATUS.COMMAND_DISALLOWED : ((c.state.privacy.resolvingList = []), ok().build())) },
  ],
  // 7.8.41 LE Read Resolving List Size
  [OP.LE_READ_RESOLVING_LIST_SIZE, { length: 0, answer: 'complete', returns: 1, run: () => ok().u8(RESOLVING_LIST_SIZE).build() }],
  // 7.8.42 LE Read Peer Resolvable Address: the peer's RPA this controller last resolved; none yet is
  // answered 0x02 as for an unknown identity (as Zephyr's controller does)
  [
    OP.LE_READ_PEER_RESOLVABLE_ADDRESS,
    {
      length: IDENTITY_LENGTH,
      answer: 'complete',
      returns: ADDRESS_LENGTH,
      run: ({ c, params }) =>
        withEntry(c, params, (i) => {
          const rpa = c.state.privacy.resolvingList[i]!.peerRpa;
          return rpa ? ok().bytesOf(rpa).build() : HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER;
        }),
    },
  ],
  // 7.8.43 LE Read Local Resolvable Address: the RPA in use with that peer (renewed when due);
  // an all-zero local IRK has none: 0x02
  [
    OP.LE_READ_LOCAL_RESOLVABLE_ADDRESS,
    {
      length: IDENTITY_LENGTH,
      answer: 'complete',
      returns: ADDRESS_LENGTH,
      run: ({ c, params }) =>
        withEntry(c, params, (i) => {
          const rpa = localRpaOf(c, c.state.privacy.resolvingList[i]!);
          return rpa ? ok().bytesOf(rpa).build() : HCI_STATUS.UNKNOWN_CONNECTION_IDENTIFIER;
        }),
    },
  ],
  // 7.8.44 LE Set Address Resolution Enable: not while advertising, scanning or initiating
  [
    OP.LE_SET_ADDRESS_RESOLUTION_ENABLE,
    {
      length: 1,
      answer: 'complete',
      run: ({ c, params }) => {
        if (params[0]! > 1) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
        if (active(c)) return HCI_STATUS.COMMAND_DISALLOWED;
        c.state.privacy.addressResolutionEnabled = params[0] === 1;
        return ok().build();
      },
    },
  ],
  // 7.8.45 LE Set Resolvable Private Address Timeout: 0x0001 - 0x0E10 s
  [
    OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT,
    {
      length: 2,
      answer: 'complete',
      run: ({ c, params }) => {
        const t = params.readUInt16LE(0);
        if (!inRange(t, RPA_TIMEOUT_S.MIN, RPA_TIMEOUT_S.MAX)) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
        c.state.privacy.rpaTimeoutS = t;
        return ok().build();
      },
    },
  ],
  // 7.8.77 LE Set Privacy Mode: type, identity, Privacy_Mode (0x00 network, 0x01 device)
  [
    OP.LE_SET_PRIVACY_MODE,
    {
      length: IDENTITY_LENGTH + 1,
      answer: 'complete',
      run: ({ c, params }) => {
        if (listLocked(c)) return HCI_STATUS.COMMAND_DISALLOWED;
        const mode = params[IDENTITY_LENGTH]!;
        if (mode !== PRIVACY_MODE.NETWORK && mode !== PRIVACY_MODE.DEVICE) return HCI_STATUS.INVALID_HCI_COMMAND_PARAMETERS;
        return withEntry(c, params, (i) => ((c.state.privacy.resolvingList[i]!.privacyMode = mode), ok().build()));
      },
    },
  ],
];
