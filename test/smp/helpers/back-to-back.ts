// Two pairing engines wired back to back in memory, with a minimal controller in between: PDUs go
// across in order (never re-entrantly), the central's LE Enable Encryption becomes the peripheral's LE
// Long Term Key Request, and both get Encryption Change; when the keys differ the central gets status
// 0x06 PIN or Key Missing (a stand-in: on the virtual radio, common/stack/air/encryption.ts, the link drops
// with 0x3D MIC Failure instead, Core v5.4 Vol 6 Part B 5.1.3.1, Vol 4 Part E 7.7.8).
import { HCI_STATUS } from '../../../common/base/codes/hci.js';
import { PairingEngine } from '../../../common/stack/smp/pairing-engine.js';
import { SmpRunner } from '../../../common/stack/smp/pairing-runner.js';
import { pairingConfig, type PairingConfig, type PairingDelegate } from '../../../common/stack/smp/pairing-config.js';
import type { DeviceAddress, EngineEnvironment, LongTermKey, PairingOutcome, SmpAction } from '../../../common/stack/smp/engine-types.js';

export const CENTRAL_ADDRESS: DeviceAddress = { address: 'C0:11:22:33:44:55', type: 'random' };
export const PERIPHERAL_ADDRESS: DeviceAddress = { address: '00:1B:DC:07:31:88', type: 'public' };

export type Side = 'central' | 'peripheral';

/** What the users on both sides saw and typed. */
export interface Board {
  displayed: Partial<Record<Side, number>>;
  entered: Partial<Record<Side, number>>;
  compared: Partial<Record<Side, number>>;
}

export interface SideSetup {
  config?: Partial<PairingConfig>;
  env?: Partial<EngineEnvironment>;
  /** What this side's user types: default the number the other side shows (or `bothInput` when both type). */
  typePasskey?: (board: Board) => number | null;
  /** Numeric Comparison answer when config says 'ask' (default yes). */
  compare?: boolean;
  /** This side's user, instead of the board's (a user who never answers, say). */
  delegate?: PairingDelegate;
}

export interface Setup {
  central?: SideSetup;
  peripheral?: SideSetup;
  /** The number both users type when both sides input (table 2.8, KeyboardOnly vs KeyboardOnly). */
  bothInput?: number;
  /** Rewrite (or drop: undefined) an SMP PDU on its way. */
  tamper?: (from: Side, pdu: Buffer) => Buffer | undefined;
  timeoutMs?: number;
}

export interface Pair {
  central: SmpRunner;
  peripheral: SmpRunner;
  board: Board;
  /** Every SMP PDU that crossed, in order. */
  air: { from: Side; pdu: Buffer }[];
  actions: { side: Side; action: SmpAction }[];
  /** Both sides' next outcomes. */
  outcomes(): Promise<{ central: PairingOutcome; peripheral: PairingOutcome }>;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export function backToBack(setup: Setup = {}): Pair {
  const board: Board = { displayed: {}, entered: {}, compared: {} };
  const shown: Record<Side, ReturnType<typeof deferred<number>>> = { central: deferred(), peripheral: deferred() };
  const air: Pair['air'] = [];
  const actions: Pair['actions'] = [];
  const queue: (() => void)[] = [];
  let draining = false;
  const later = (f: () => void) => {
    queue.push(f);
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  };
  const drain = () => {
    while (queue.length) queue.shift()!();
    draining = false;
  };
  const other = (s: Side): Side => (s === 'central' ? 'peripheral' : 'central');

  const delegate = (side: Side): PairingDelegate => {
    const s = setup[side] ?? {};
    return {
      displayPasskey: (passkey) => {
        board.displayed[side] = passkey;
        shown[side].resolve(passkey);
      },
      enterPasskey: async () => {
        let n: number | null;
        const roles = runners[side].engine.negotiated?.model.passkeyRoles;
        const bothType = roles?.initiator === 'input' && roles.responder === 'input';
        if (s.typePasskey) n = s.typePasskey(board);
        else if (bothType) n = setup.bothInput ?? 123456;
        else n = await shown[other(side)].promise;
        if (n !== null) board.entered[side] = n;
        return n;
      },
      compareNumbers: async (value) => {
        board.compared[side] = value;
        return s.compare ?? true;
      },
    };
  };

  let pendingLtk: LongTermKey | undefined;
  const runners = {} as Record<Side, SmpRunner>;
  for (const side of ['central', 'peripheral'] as const) {
    const s = setup[side] ?? {};
    const env: EngineEnvironment = {
      role: side === 'central' ? 'initiator' : 'responder',
      local: side === 'central' ? CENTRAL_ADDRESS : PERIPHERAL_ADDRESS,
      peer: side === 'central' ? PERIPHERAL_ADDRESS : CENTRAL_ADDRESS,
      ...s.env,
    };
    const engine = new PairingEngine(pairingConfig({ passkey: 'ask', numericComparison: 'ask', ...s.config }), env);
    runners[side] = new SmpRunner({
      engine,
      delegate: s.delegate ?? delegate(side),
      timeoutMs: setup.timeoutMs,
      observe: (action) => actions.push({ side, action }),
      link: {
        sendPdu: (pdu) => {
          const sent = setup.tamper ? setup.tamper(side, pdu) : pdu;
          if (!sent) return;
          air.push({ from: side, pdu: sent });
          later(() => runners[other(side)].input({ type: 'pdu', pdu: sent }));
        },
        startEncryption: (ltk) => {
          pendingLtk = ltk;
          later(() => runners.peripheral.input({ type: 'ltk-request', ediv: ltk.ediv, rand: ltk.rand }));
        },
        ltkReply: (ltk) => {
          const ok = !!ltk && !!pendingLtk && ltk.key.equals(pendingLtk.key);
          const status = ok ? HCI_STATUS.SUCCESS : HCI_STATUS.PIN_OR_KEY_MISSING;
          pendingLtk = undefined;
          later(() => {
            runners.central.input({ type: 'encryption', encrypted: ok, status });
            if (ok) runners.peripheral.input({ type: 'encryption', encrypted: true, status });
          });
        },
      },
    });
  }
  return {
    ...runners,
    board,
    air,
    actions,
    outcomes: async () => {
      const [central, peripheral] = await Promise.all([runners.central.nextOutcome(), runners.peripheral.nextOutcome()]);
      return { central, peripheral };
    },
  };
}
