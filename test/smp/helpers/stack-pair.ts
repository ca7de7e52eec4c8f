// A real bleno peripheral and a real noble central on one virtual radio, each running blebench's
// Security Manager (common/stack/smp through the loaders' SMP substitutes), with users on both sides
// who see and type the same numbers: what every over-the-stacks pairing test starts from.
import { until } from '../../helpers/until.js';
import { Radio } from '../../../common/stack/air/index.js';
import { loadProfile, type ResolvedProfile } from '../../../common/stack/gatt/index.js';
import type { PairingOutcome } from '../../../common/stack/smp/engine-types.js';
import type { LinkSession, SmpSetup } from '../../../common/stack/smp/link-session.js';
import { pairingConfig, type PairingConfig, type PairingDelegate } from '../../../common/stack/smp/pairing-config.js';
import type { KeyStore } from '../../../common/stack/smp/key-store.js';
import type { PrivacySetup } from '../../../common/stack/smp/privacy-setup.js';
import { withTimeout } from '../../../common/base/util/wait.js';
import { type NoblePeripheral } from '../../../central/noble/internals.js';
import { openWorld, type World } from '../../../world/open-world.js';

export type Side = 'central' | 'peripheral';
export interface Board {
  displayed: Partial<Record<Side, number>>;
  entered: Partial<Record<Side, number>>;
  compared: Partial<Record<Side, number>>;
}

export interface StackSide {
  config?: Partial<PairingConfig>;
  keyStore?: KeyStore;
  /** Numeric Comparison answer (default yes). */
  compare?: boolean;
  /** What this user types (default: what the other side shows, or `bothInput`). */
  typePasskey?: (board: Board) => number | null;
  /** This side's user instead of the board's (one who never answers, say). */
  delegate?: PairingDelegate;
  /** The SMP timeout (default the spec's 30 s). */
  timeoutMs?: number;
  /** Use an RPA made from this side's IRK (by the host or by the controller). */
  privacy?: PrivacySetup;
}

export type StackPair = World<{ peripheral: { profile: ResolvedProfile }; central: { kind: 'noble' } }> & {
  board: Board;
  sessions: Partial<Record<Side, LinkSession>>;
  /** Connects the central to the peripheral; the central's connection handle. */
  connect(): Promise<{ handle: number; peripheral: NoblePeripheral }>;
  /** The central starts pairing (or encrypts with its stored key) on its link; both outcomes. */
  pair(handle: number, timeoutMs?: number): Promise<Record<Side, PairingOutcome>>;
};

export const BOTH_INPUT = 314159;

export async function stackPair(setup: { central?: StackSide; peripheral?: StackSide; profile?: ResolvedProfile; radio?: Radio; addresses?: Partial<Record<'central' | 'peripheral', string>> } = {}): Promise<StackPair> {
  const board: Board = { displayed: {}, entered: {}, compared: {} };
  const sessions: StackPair['sessions'] = {};
  /** Sessions made so far per side: a new link's session is the one made after its connection began. */
  const made: Record<Side, number> = { central: 0, peripheral: 0 };
  const shown: Record<Side, { promise: Promise<number>; resolve: (n: number) => void }> = { central: deferred(), peripheral: deferred() };
  const other = (s: Side): Side => (s === 'central' ? 'peripheral' : 'central');
  const delegate = (side: Side): PairingDelegate => ({
    displayPasskey: (passkey) => {
      board.displayed[side] = passkey;
      shown[side].resolve(passkey);
    },
    enterPasskey: async () => {
      const s = setup[side] ?? {};
      const roles = sessions[side]?.runner?.engine.negotiated?.model.passkeyRoles;
      const bothType = roles?.initiator === 'input' && roles.responder === 'input';
      const n = s.typePasskey ? s.typePasskey(board) : bothType ? BOTH_INPUT : await shown[other(side)].promise;
      if (n !== null) board.entered[side] = n;
      return n;
    },
    compareNumbers: async (value) => {
      board.compared[side] = value;
      return setup[side]?.compare ?? true;
    },
  });
  const smp = (side: Side): SmpSetup => ({
    config: pairingConfig({ passkey: 'ask', numericComparison: 'ask', ...setup[side]?.config }),
    delegate: setup[side]?.delegate ?? delegate(side),
    ...(setup[side]?.timeoutMs !== undefined ? { timeoutMs: setup[side]!.timeoutMs! } : {}),
    ...(setup[side]?.keyStore ? { keyStore: setup[side]!.keyStore! } : {}),
    ...(setup[side]?.privacy ? { privacy: setup[side]!.privacy! } : {}),
    onSession: (s) => {
      sessions[side] = s;
      made[side]++;
    },
  });

  const profile = setup.profile ?? loadProfile('default');
  // A radio given is the caller's: the pair's close() leaves it open.
  const world = await openWorld({
    radio: setup.radio ?? { name: 'stack-pair' },
    transportOptions: {
      ...(setup.addresses?.peripheral ? { peripheral: { controller: { address: setup.addresses.peripheral } } } : {}),
      ...(setup.addresses?.central ? { central: { controller: { address: setup.addresses.central } } } : {}),
    },
    peripheral: { profile, smp: smp('peripheral') },
    central: { kind: 'noble', attBearers: true, smp: smp('central') },
  });
  const { ct, noble } = world;
  const uuid = profile.advertising.serviceUuids[0]!;

  return Object.assign(world, {
    board,
    sessions,
    async connect() {
      const peripheralSessionsBefore = made.peripheral;
      const n = noble.noble;
      const found = new Promise<NoblePeripheral>((resolve) => {
        const onDiscover = (p: NoblePeripheral) => {
          if (!p.advertisement.serviceUuids?.includes(uuid)) return;
          n.removeListener('discover', onDiscover);
          void n.stopScanningAsync().catch(() => {});
          resolve(p);
        };
        n.on('discover', onDiscover);
      });
      await n.startScanningAsync([], true);
      const peripheral = await withTimeout(found, { what: 'the peripheral to advertise', timeoutMs: 5000 });
      await withTimeout(peripheral.connectAsync(), { what: 'connection', timeoutMs: 5000 });
      const link = ct.tap.links().find((l) => l.connected && l.role === 'central');
      if (!link) throw new Error('the central tap saw no connection');
      // The peripheral's Security Manager session for this link may come after the central's connection
      // completes (its host answers its own events in turn): wait for it, so pair() never takes the last link's.
      await withTimeout(waitFor(() => made.peripheral > peripheralSessionsBefore || undefined), { what: "the peripheral's session for the new link", timeoutMs: 5000 });
      return { handle: link.handle, peripheral };
    },
    async pair(handle: number, timeoutMs = 5000): Promise<Record<Side, PairingOutcome>> {
      const central = noble.smpSession(handle);
      if (!central) throw new Error('no Security Manager session on the central link');
      await central.ready;
      const peripheralSession = await withTimeout(waitFor(() => sessions.peripheral), { what: 'the peripheral session', timeoutMs });
      await peripheralSession.ready;
      const c = central.nextOutcome();
      const p = peripheralSession.nextOutcome();
      const bearer = noble.bearer(handle);
      if (!bearer) throw new Error('no ATT bearer on the central link');
      bearer.startPairing(); // noble's AclStream.encrypt() → our sendPairingRequest() → 'secure'
      const [co, po] = await withTimeout(Promise.all([c, p]), { what: 'both pairing outcomes', timeoutMs });
      return { central: co, peripheral: po };
    },
  });
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function waitFor<T>(get: () => T | undefined): Promise<T> {
  return until(get, 'the stack pair to reach the expected state', 10_000);
}
