// Loading bleno over an HCI transport: fresh module instances with the transport's sockets, the hooks
// set, powered on; and the handle the peripheral role drives it with. See internals.ts for what bleno
// does that this folder works around.
import type { Bond } from '../../common/stack/smp/bond.js';
import { injectHciSocket, withTransportSockets } from '../../common/stack/hci/socket-injection.js';
import { toLegacyConnectionComplete } from '../../common/stack/hci/legacy-connection-complete.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { waitForPoweredOn } from '../../common/stack/hci/stack-power.js';
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import type { LinkSession, SmpSetup } from '../../common/stack/smp/link-session.js';
import { runRemovingProcessListeners } from '../../common/base/util/process-listeners.js';
import { stoppableAdapterPoll, type AdapterPoll } from '../../common/base/util/adapter-poll.js';
import { interceptGattAndSmp, type AttChannel, type PairingGate } from './hooks.js';
import { keepEveryConnection } from './connections.js';
import { withFilesCompiledOnce } from './compile-once.js';
import {
  BLENO_DIR,
  BLENO_HCI_BINDINGS_FILE,
  BLENO_HCI_FILE,
  BLENO_MAC_BINDINGS_FILE,
  BLENO_MGMT_FILE,
  BLENO_SMP_FILE,
  BlenoLoadError,
  blenoSlot,
  blenoVersion,
  checkInternals,
  dropBlenoModules,
  require,
  type Bleno,
  type BlenoInternals,
  type BlenoSmpPrototype,
} from './internals.js';
import { loadIrksParams, type MgmtIrkInfo } from '../../common/stack/hci/mgmt-irk-info.js';
import { MGMT_OP } from '../../common/base/codes/mgmt.js';
import { freshIrk } from '../../common/stack/smp/privacy-setup.js';
import { generateStaticAddress } from '../../common/base/crypto/random-address.js';
import { addressToString } from '../../common/stack/hci/hci-packets.js';
import type { DeviceAddress } from '../../common/stack/smp/engine-types.js';
import { blenoLocalAddress, blenoSmpSubstitute, parseLtkInfo, putMgmtIrk, putMgmtLtk, type BlenoHciAddress, type BlenoSmpState, type BlenoStoredKey } from './smp-substitute.js';

export interface LoadedBleno {
  bleno: Bleno;
  transport: HciTransport;
  version: string;
  internals: BlenoInternals;
  /** Stops advertising, drops the link, ends bleno's poll loop and its sockets. The transport stays open. */
  close(): Promise<void>;
  /** Every ATT PDU from the central goes to `channel`; bleno's ATT server then never sees one (without a channel, bleno's own answers). */
  setAttChannel(channel: AttChannel | undefined): void;
  /** Answers (or not) the next Pairing Requests before bleno's SMP does. */
  setPairingGate(gate: PairingGate | undefined): void;
  /** Sends one ATT PDU on a connection's ATT channel (bleno's L2CAP write); false when that link is gone. */
  sendAtt(connectionHandle: number, pdu: Buffer): boolean;
  /** The latest link's connection handle (undefined without a link). */
  connectionHandle(): number | undefined;
  /** Every link's connection handle, oldest first (connections.ts: one AclStream per central). */
  connectionHandles(): number[];
  /** How many centrals are served at once: advertising stays off while this many are connected. */
  readonly maxCentrals: number;
  /** HCI Disconnect with the given reason (Vol 4 Part E 7.1.6) on one link, or on every link. */
  disconnect(reason?: number, connectionHandle?: number): void;
  storedKeys(): BlenoStoredKey[];
  /** The centrals' IRKs handed to the kernel (MGMT Load Identity Resolving Keys), by identity. */
  storedIrks(): readonly MgmtIrkInfo[];
  /** Empties bleno's key list and loads the empty list into the kernel (or the transport's kernel share). */
  forgetKeys(): void;
  /**
   * With privacy: a new identity, as a re-flashed device that has no public address to keep takes one: a
   * new random static identity address (Vol 6 Part B 1.3.2.1) and a new IRK (or the same, `keepIrk`: another
   * unit flashed with one IRK), distributed from the next bonding on; the next RPA comes from that IRK.
   * Returns the new identity; undefined without privacy (the identity is then the controller's public address).
   */
  newIdentity(keepIrk: boolean): DeviceAddress | undefined;
  /** Tells `listener` of every Security Manager session as its link comes up (only when loaded with `smp`). */
  onSmpSession(listener: (connectionHandle: number, session: LinkSession) => void): void;
  /** blebench's Security Manager on a link, the latest by default (only when loaded with `smp`). */
  smpSession(connectionHandle?: number): LinkSession | undefined;
  /** Sends a Security Request on a link, the latest by default (Vol 3 Part H 2.4.6); false without `smp` or a link. */
  requestSecurity(connectionHandle?: number): boolean;
}

export interface LoadBlenoOptions {
  timeoutMs?: number;
  /**
   * Run blebench's Security Manager (common/stack/smp) on every connection instead of bleno's SMP (LE legacy
   * Just Works only); its keys go to the kernel (or the transport's kernel share) as bleno's did. Default
   * undefined: bleno's own SMP, behind the pairing gate.
   */
  smp?: SmpSetup;
  /** How many centrals are served at once (default DEFAULT_MAX_CENTRALS); advertising is enabled again after a connection while fewer are connected. */
  maxCentrals?: number;
}

/** Centrals served at once unless told otherwise. */
export const DEFAULT_MAX_CENTRALS = 4;

let loaded: LoadedBleno | undefined;

/** bleno is a singleton: one loaded instance per process at a time (close the previous one first). */
export async function loadBleno(transport: HciTransport, options: LoadBlenoOptions = {}): Promise<LoadedBleno> {
  if (transport.spec.kind === 'os') {
    throw new BlenoLoadError(
      `${transport.label}: there is no HCI below the OS stack, so bleno's HCI bindings (its ATT server, SMP, key list) cannot run on it: CoreBluetooth builds the attribute table and decides security; the os peripheral loads bleno's platform bindings with loadBlenoOs (peripheral/os/os-peripheral.ts)`,
    );
  }
  if (loaded || blenoSlot.os) throw new BlenoLoadError('bleno is already loaded in this process: close it before loading another');
  dropBlenoModules();
  if (!injectHciSocket(BLENO_HCI_FILE)) {
    throw new BlenoLoadError('bleno was loaded with the real bluetooth-hci-socket before blebench could put its transport in place');
  }
  if (options.smp?.privacy && !transport.enablePrivacy) throw new BlenoLoadError(privacyUnsupported(transport));
  const smpState: BlenoSmpState | undefined = options.smp ? { setup: options.smp, tap: transport.tap, sessions: new Map(), irks: [], transport } : undefined;
  const privacy = options.smp?.privacy;
  if (smpState && privacy) {
    // On before bleno starts: its one LE Set Advertising Parameters (at power-on) must carry the private
    // address type. One IRK for this device's whole life: the one its bonds hold, else a fresh one.
    smpState.privacyIrk = (await options.smp!.keyStore?.list())?.find((b) => b.role === 'peripheral' && b.localIrk)?.localIrk ?? freshIrk();
    transport.enablePrivacy!({ mode: privacy.mode, irk: smpState.privacyIrk, rpaTimeoutS: privacy.rpaTimeoutS });
  }

  // bleno knows only the plain LE Connection Complete (lib/hci-socket/hci.js processLeMetaEvent: 0x01 and
  // 0x03): where its controller sends LE Enhanced Connection Complete (controller privacy unmasks it, here
  // or in a kernel), bleno would never see the central connect. It gets the plain event instead
  // (legacy-connection-complete.ts; pinned in test/peripheral/pinned-bleno-drift-fails-loudly.test.ts).
  const bleno = withTransportSockets(transport, () => withFilesCompiledOnce(BLENO_DIR, () => {
    if (process.platform === 'darwin') {
      // lib/bleno.js requires ./mac/bindings on macOS: give it the hci-socket bindings under that name.
      const hciBindings = require(BLENO_HCI_BINDINGS_FILE) as unknown;
      require.cache[BLENO_MAC_BINDINGS_FILE] = {
        id: BLENO_MAC_BINDINGS_FILE,
        filename: BLENO_MAC_BINDINGS_FILE,
        loaded: true,
        exports: hciBindings,
        children: [],
        paths: [],
      } as unknown as NodeJS.Module;
    }
    if (smpState) {
      // bleno's acl-stream.js builds `new Smp(...)` from require('./smp'): ours from this load on. Its
      // mgmt.js (required by its smp.js only) opens the management socket here, with the transport's.
      smpState.mgmt = require(BLENO_MGMT_FILE) as BlenoInternals['mgmt'];
      require.cache[BLENO_SMP_FILE] = {
        id: BLENO_SMP_FILE,
        filename: BLENO_SMP_FILE,
        loaded: true,
        exports: blenoSmpSubstitute(smpState),
        children: [],
        paths: [],
      } as unknown as NodeJS.Module;
    }
    return require('@abandonware/bleno') as Bleno;
  }), toLegacyConnectionComplete);
  const internals: BlenoInternals = {
    bindings: require(BLENO_HCI_BINDINGS_FILE) as BlenoInternals['bindings'],
    mgmt: require(BLENO_MGMT_FILE) as BlenoInternals['mgmt'],
    smp: (require(BLENO_SMP_FILE) as { prototype: BlenoSmpPrototype }).prototype,
  };
  checkInternals(internals, !smpState);
  const gates = interceptGattAndSmp(internals, !smpState);
  const maxCentrals = options.maxCentrals ?? DEFAULT_MAX_CENTRALS;
  if (!Number.isInteger(maxCentrals) || maxCentrals < 1) throw new BlenoLoadError(`maxCentrals is a whole number from 1, not ${String(maxCentrals)}`);
  const connections = keepEveryConnection(internals, gates, maxCentrals);
  if (smpState) smpState.gates = gates;

  // Its adapter poll, wrapped before init first runs it: shutdown() clears the timer it left armed.
  const poll = stoppableAdapterPoll(internals.bindings._hci);
  // The first stateChange listener runs bindings.init() (binds and starts the socket).
  runRemovingProcessListeners(() => {
    bleno.on('stateChange', () => {});
  });
  const powered = waitForPoweredOn(bleno as unknown as NodeJS.EventEmitter, { stack: 'bleno', transport: transport.label, timeoutMs: options.timeoutMs ?? 5000 });
  try {
    await powered;
  } catch (err) {
    shutdown(internals, poll);
    dropBlenoModules();
    throw err;
  }

  if (smpState) {
    // Bonds kept from earlier runs: the kernel answers the LE Long Term Key Request from these.
    const local = blenoLocalAddress(internals.bindings._hci as unknown as BlenoHciAddress);
    // A store that cannot list its bonds is said, not taken as "no bonds" (every bonded central would
    // then meet a Negative Reply and lose its bond without a word).
    let bonds: Bond[] = [];
    try {
      bonds = (await options.smp?.keyStore?.list(local)) ?? [];
    } catch (err) {
      shutdown(internals, poll);
      dropBlenoModules();
      throw err;
    }
    for (const b of bonds) if (b.role === 'peripheral' && b.localLtk) putMgmtLtk(smpState.mgmt!, b.peer, b.localLtk, b.security);
    if (bonds.length) smpState.mgmt!.loadLongTermKeys();
    // Their IRKs: the kernel resolves a bonded central's new RPA to its identity with them.
    const irks = bonds.filter((b) => b.role === 'peripheral' && b.peerIrk);
    for (const b of irks) smpState.irks.push({ peerAddress: b.peer.address, peerAddressType: b.peer.type, irk: b.peerIrk! });
    // (the last one again through putMgmtIrk, which caps the list and loads it)
    if (irks.length) putMgmtIrk(smpState, irks.at(-1)!.peer, irks.at(-1)!.peerIrk);
    if (smpState.privacyIrk) {
      options.smp!.identity = { address: local, irk: smpState.privacyIrk };
      for (const b of irks) transport.addResolvingPeer!({ identity: b.peer, irk: b.peerIrk! });
    }
  }

  let closed = false;
  const handle: LoadedBleno = {
    bleno,
    transport,
    version: blenoVersion(),
    internals,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        bleno.stopAdvertising();
      } catch {
        /* not advertising */
      }
      for (const h of connections.links.keys()) {
        try {
          internals.bindings._hci.disconnect(h);
        } catch {
          /* the socket is gone */
        }
      }
      gates.att = undefined;
      gates.pairing = undefined;
      shutdown(internals, poll);
      bleno.removeAllListeners();
      dropBlenoModules();
      if (loaded === handle) loaded = blenoSlot.hci = undefined;
    },
    setAttChannel: (channel) => {
      gates.att = channel;
    },
    setPairingGate: (gate) => {
      gates.pairing = gate;
    },
    sendAtt: (connectionHandle, pdu) => {
      const link = connections.links.get(connectionHandle);
      link?.stream.write(L2CAP_CID.ATT, pdu);
      return link !== undefined;
    },
    connectionHandle: () => internals.bindings._handle ?? undefined,
    connectionHandles: () => [...connections.links.keys()],
    maxCentrals,
    disconnect: (reason, connectionHandle) => {
      for (const h of connectionHandle === undefined ? [...connections.links.keys()] : [connectionHandle]) if (connections.links.has(h)) internals.bindings._hci.disconnect(h, reason);
    },
    storedKeys: () => internals.mgmt._ltkInfos.map(parseLtkInfo),
    storedIrks: () => smpState?.irks ?? [],
    forgetKeys: () => {
      internals.mgmt.clearLongTermKeys();
      if (smpState?.irks.length) {
        smpState.irks = [];
        internals.mgmt.write(MGMT_OP.LOAD_IDENTITY_RESOLVING_KEYS, 0, loadIrksParams([]));
      }
    },
    newIdentity: (keepIrk) => {
      if (!smpState?.privacyIrk || !options.smp) return undefined;
      const irk = keepIrk ? smpState.privacyIrk : freshIrk();
      const address: DeviceAddress = { address: addressToString(generateStaticAddress()), type: 'random' };
      smpState.privacyIrk = irk;
      options.smp.identity = { address, irk };
      transport.newPrivacyIdentity?.(irk);
      return address;
    },
    onSmpSession: (listener) => {
      if (smpState) smpState.onSession = listener;
    },
    smpSession: (connectionHandle) => {
      const h = connectionHandle ?? internals.bindings._handle;
      return h === null ? undefined : smpState?.sessions.get(h);
    },
    requestSecurity: (connectionHandle) => {
      const h = connectionHandle ?? internals.bindings._handle;
      const session = h === null ? undefined : smpState?.sessions.get(h);
      session?.input({ type: 'request-security' });
      return session !== undefined;
    },
  };
  loaded = handle;
  blenoSlot.hci = handle;
  return handle;
}

/** Privacy rewrites the stack's commands on their way to the controller: only where blebench drives it. */
export function privacyUnsupported(transport: HciTransport): string {
  return `${transport.label}: privacy needs a transport blebench drives itself (mock, h4:, hci-user:, usb:, serial:); on a kernel or OS stack the system makes the addresses (BlueZ: \`btmgmt privacy on\`)`;
}

function shutdown(internals: BlenoInternals, poll: AdapterPoll): void {
  poll.stop();
  internals.bindings._hci._socket.stop();
  internals.mgmt._socket.stop();
}

