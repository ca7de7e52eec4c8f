// Loads @abandonware/noble (1.9.2-26) over an HCI transport: a fresh instance per transport, with
// blebench's socket, guards, ATT bearers and (optionally) Security Manager in place. The os
// transport's platform bindings load in os-bindings.ts.
//
// What noble does that this module works around (design.md, "What the stacks do"):
// - require('@abandonware/noble') builds a singleton that opens the HCI socket at import; we build a
//   fresh instance per transport from lib/noble + lib/hci-socket/bindings instead (the hci-socket
//   bindings on every OS: the platform bindings are the `os` transport's business).
// - The socket it opens is the transport's, injected in place of bluetooth-hci-socket.
// - Its init adds SIGINT/exit handlers that exit the process; we take them out.
// - Its Hci polls isDevUp() every second forever, re-arming a timer it keeps no handle on; close() ends
//   that loop and clears the pending timer (common/base/util/adapter-poll.ts).
// - Its GATT client hides ATT errors and pairs on its own; NobleAttBearer (att-bearer.ts) takes each
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { injectHciSocket, withTransportSockets } from '../../common/stack/hci/socket-injection.js';
import { toLegacyConnectionComplete } from '../../common/stack/hci/legacy-connection-complete.js';
import { runRemovingProcessListeners } from '../../common/base/util/process-listeners.js';
import { stoppableAdapterPoll } from '../../common/base/util/adapter-poll.js';
import type { LinkSession, SmpSetup } from '../../common/stack/smp/link-session.js';
import { waitForPoweredOn } from '../../common/stack/hci/stack-power.js';
import { NobleAttBearer } from './att-bearer.js';
import { guardNobleInternals } from './guards.js';
import { NOBLE_HCI_FILE, NobleLoadError, nobleRequire, nobleVersion, type Noble, type NobleInternals } from './internals.js';
import { installNobleSmp, NobleSmpSession } from './smp-substitute.js';
import { freshIrk } from '../../common/stack/smp/privacy-setup.js';

export interface LoadedNoble {
  noble: Noble;
  transport: HciTransport;
  version: string;
  internals: NobleInternals;
  /** The ATT bearer of the live connection with this HCI handle (taken over when the link came up). */
  bearer(handle: number): NobleAttBearer | undefined;
  /** blebench's Security Manager on the connection with this HCI handle (only with the `smp` option). */
  smpSession(handle: number): LinkSession | undefined;
  /**
   * With privacy: a new IRK (MSB-first), as a phone whose bonds were all reset: distributed from the next
   * bonding on with the same identity address, the next RPA made from it. Undefined without privacy (the
   * Security Manager then distributes a fresh IRK at each bonding anyway).
   */
  newIrk(): Buffer | undefined;
  /** Stops scanning, drops links, ends noble's poll loop and its socket. The transport stays open. */
  close(): Promise<void>;
}

export interface LoadNobleOptions {
  /** Use the LE extended scanning/connection commands (noble's `extended` option). */
  extended?: boolean;
  /** How long to wait for noble to report poweredOn. */
  timeoutMs?: number;
  /**
   * Take every connection's ATT queue and SMP over with a NobleAttBearer (the central client does).
   * Default false: noble behaves as shipped, silent pairing included (the seam check shows that).
   */
  attBearers?: boolean;
  /**
   * Run blebench's Security Manager (common/stack/smp) on every connection instead of noble's SMP (LE legacy
   * Just Works only). Default undefined: noble's own SMP, as shipped.
   */
  smp?: SmpSetup;
}

export async function loadNoble(transport: HciTransport, options: LoadNobleOptions = {}): Promise<LoadedNoble> {
  if (transport.spec.kind === 'os') {
    throw new NobleLoadError(
      `${transport.label}: there is no HCI below the OS stack, so noble's HCI bindings cannot run on it; the os central loads noble's platform bindings with loadNobleOs (central/os/os-central.ts)`,
    );
  }
  if (!injectHciSocket(NOBLE_HCI_FILE)) {
    throw new NobleLoadError('noble was loaded with the real bluetooth-hci-socket before blebench could put its transport in place');
  }
  const privacy = options.smp?.privacy;
  if (privacy && !transport.enablePrivacy) throw new NobleLoadError(`${transport.label}: privacy needs a transport blebench drives itself (mock, h4:, hci-user:, usb:, serial:); on a kernel or OS stack the system makes the addresses (BlueZ: \`btmgmt privacy on\`)`);
  let privacyIrk: Buffer | undefined;
  if (privacy) {
    // On before noble scans or connects. One IRK for this device's whole life: the one its bonds hold
    // (the peripherals resolve our RPAs with it), else a fresh one. Bonded peers go into the resolving list.
    const bonds = ((await options.smp!.keyStore?.list()) ?? []).filter((b) => b.role === 'central');
    privacyIrk = bonds.find((b) => b.localIrk)?.localIrk ?? freshIrk();
    transport.enablePrivacy!({ mode: privacy.mode, irk: privacyIrk, rpaTimeoutS: privacy.rpaTimeoutS }, bonds.filter((b) => b.peerIrk).map((b) => ({ identity: b.peer, irk: b.peerIrk! })));
  }
  // Before bindings.js pulls in acl-stream.js, which binds `./smp` once per process.
  const smpFactories = installNobleSmp();
  guardNobleInternals();
  const NobleClass = nobleRequire('@abandonware/noble/lib/noble.js') as new (bindings: unknown) => Noble;
  const Bindings = nobleRequire('@abandonware/noble/lib/hci-socket/bindings.js') as new (options: object) => NobleInternals['bindings'];

  // noble parses LE Enhanced Connection Complete but reads its Peer_Address_Type 0x03 (a resolved random
  // static identity) as public (lib/hci-socket/hci.js processLeEnhancedConnComplete: `=== 0x01 ? 'random'
  // : 'public'`): it gets the plain event instead, which carries the identity with type 0x00/0x01
  // (legacy-connection-complete.ts; pinned in test/central/pinned-noble-drift-fails-loudly.test.ts).
  const bindings = withTransportSockets(transport, () => new Bindings({ extended: !!options.extended }), toLegacyConnectionComplete);
  const noble = new NobleClass(bindings);
  const internals: NobleInternals = { bindings };
  const sessions = new Map<number, LinkSession>();
  if (options.smp) {
    const setup = options.smp;
    smpFactories.set(bindings._hci, (acl, local, peer) => {
      const smp = new NobleSmpSession(acl, local, peer, setup, transport.tap, sessions);
      // Controller privacy: a peripheral bonded with its IRK goes into the resolving list (Vol 4 Part E 7.8.38).
      if (privacy) smp.session.on('bond', (b) => b.peerIrk && transport.addResolvingPeer?.({ identity: b.peer, irk: b.peerIrk }));
      return smp;
    });
  }

  // Its adapter poll, wrapped before init first runs it: close() clears the timer it left armed.
  const poll = stoppableAdapterPoll(bindings._hci);
  // Reading noble.state the first time runs bindings.init() synchronously (binds and starts the
  // socket); a first stateChange listener would do it on the next tick and swallow its errors.
  runRemovingProcessListeners(() => {
    void (noble as unknown as { state: string }).state;
  });
  try {
    await waitForPoweredOn(noble as unknown as NodeJS.EventEmitter, { stack: 'noble', transport: transport.label, timeoutMs: options.timeoutMs ?? 5000 });
  } catch (err) {
    // Never powered on: stop its adapter poll and socket, as close() does, so nothing is left running.
    poll.stop();
    bindings._hci._socket.stop();
    throw err;
  }
  if (privacyIrk) {
    // Our identity is the public address noble read; it and the IRK go out in key distribution (Vol 3 Part H 3.6.4/3.6.5).
    const address = (bindings._hci.address ?? '00:00:00:00:00:00').toUpperCase();
    options.smp!.identity = { address: { address, type: 'public' }, irk: privacyIrk };
  }

  // Take each connection's ATT queue and SMP over in the same turn noble builds them (its own
  // leConnComplete listener ran first), before any ATT PDU of that link can arrive.
  const bearers = new Map<number, NobleAttBearer>();
  if (options.attBearers) bindings._hci.on('leConnComplete', (status, handle, role) => {
    const gatt = bindings._gatts[handle];
    const aclStream = bindings._aclStreams[handle];
    if (status !== 0 || role !== 0 || !gatt || !aclStream) return;
    const bearer = new NobleAttBearer(handle, { gatt, aclStream });
    bearers.set(handle, bearer);
    bearer.once('end', () => {
      if (bearers.get(handle) === bearer) bearers.delete(handle);
    });
  });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      noble.stopScanning();
    } catch {
      /* not scanning */
    }
    // _handles maps both ways (uuid → handle and handle → uuid); the uuid keys are the links.
    for (const [key, handle] of Object.entries(bindings._handles)) {
      if (typeof handle !== 'number' || /^\d+$/.test(key)) continue;
      try {
        bindings.disconnect(key);
      } catch {
        /* gone already */
      }
    }
    poll.stop();
    bindings._hci._socket.stop();
  };
  const newIrk = () => {
    const identity = options.smp?.identity;
    if (!privacyIrk || !identity) return undefined;
    privacyIrk = freshIrk();
    options.smp!.identity = { address: identity.address, irk: privacyIrk };
    transport.newPrivacyIdentity?.(privacyIrk);
    return privacyIrk;
  };
  return { noble, transport, version: nobleVersion(), internals, bearer: (h) => bearers.get(h), smpSession: (h) => sessions.get(h), newIrk, close };
}

