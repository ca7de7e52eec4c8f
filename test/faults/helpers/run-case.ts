// One link-loss case: a fresh rig with key files from an earlier pairing, the fault rule on the radio,
// the operation, and what came of it: the first error the central's operations ended with, how long
// after the fault fired, the peripheral's disconnection, and both key files. The error must be one the
// CLI prints as a named error with what to do, not as an "internal error".
import { expect } from 'vitest';
import type { FaultRule } from '../../../common/stack/air/index.js';
import type { ResolvedProfile } from '../../../common/stack/gatt/index.js';
import { waitForEvent } from '../../../common/base/util/wait.js';
import type { CentralConnection } from '../../../central/connection.js';
import type { DisconnectInfo } from '../../../peripheral/server-types.js';
import { cliWordsFor, internalErrorIn } from '../../bad-input/helpers/cli.js';
import { checkKeyFile, keyFileFrom, type KeyFileVerdict } from './key-files.js';
import { startRig, type PairingMethodCase, type Rig } from './rig.js';

/** The central's operations must end this soon after the link drops (they time out at CASE_TIMEOUT_MS). */
export const ERROR_BOUND_MS = 1500;
export const CASE_TIMEOUT_MS = 4000;

export interface CaseSetup {
  profile: ResolvedProfile;
  method: PairingMethodCase;
  /** Key files of an earlier pairing, copied for this case. */
  keys: { central: string; peripheral: string };
  rule: FaultRule;
  /** Before the fault is armed (e.g. subscribe first); not timed. */
  prepare?: (rig: Rig, conn: CentralConnection) => Promise<unknown>;
  /** The operation under test; a returned error value counts like a thrown one. */
  operation: (rig: Rig, conn: CentralConnection) => Promise<unknown>;
}

export interface CaseResult {
  fired: boolean;
  /** The first error the central's operations ended with (the operation, then a read on the link). */
  error: unknown;
  /** From the fault firing to that error. */
  afterMs: number;
  peripheralDisconnect: DisconnectInfo | undefined;
  keys: { central: KeyFileVerdict; peripheral: KeyFileVerdict };
}

export async function runCase(s: CaseSetup, probeRead: (rig: Rig, conn: CentralConnection) => Promise<unknown>): Promise<CaseResult> {
  const central = keyFileFrom(s.keys.central, 'central-keys.json');
  const peripheral = keyFileFrom(s.keys.peripheral, 'peripheral-keys.json');
  const rig = await startRig({ profile: s.profile, method: s.method, centralKeys: central.file, peripheralKeys: peripheral.file, timeoutMs: CASE_TIMEOUT_MS });
  let error: unknown;
  let endedAt = 0;
  let peripheralDisconnect: DisconnectInfo | undefined;
  try {
    const gone = waitForEvent<[DisconnectInfo]>(rig.server, 'disconnect', { what: 'the peripheral to see the link drop', timeoutMs: CASE_TIMEOUT_MS * 2 });
    const conn = await rig.connect();
    await s.prepare?.(rig, conn);
    rig.radio.faults.add(s.rule);
    const attempt = async (op: () => Promise<unknown>) => {
      try {
        const r = await op();
        return r instanceof Error ? r : undefined;
      } catch (e) {
        return e;
      }
    };
    error = await attempt(() => s.operation(rig, conn));
    if (error === undefined) error = await attempt(() => probeRead(rig, conn));
    endedAt = Date.now();
    [peripheralDisconnect] = await gone.catch(() => [undefined] as const);
  } finally {
    await rig.close();
  }
  // What the CLI would print for it: an error of the family, never an "internal error".
  if (error !== undefined) expect(internalErrorIn(cliWordsFor(error).words), String(error)).toBeUndefined();
  const hit = rig.radio.faults.hits[0];
  const paired = (side: 'central' | 'peripheral') => rig.outcomes[side].some((o) => o.result === 'paired');
  return {
    fired: hit !== undefined,
    error,
    afterMs: hit ? endedAt - hit.at : Number.NaN,
    peripheralDisconnect,
    keys: { central: checkKeyFile(central, paired('central')), peripheral: checkKeyFile(peripheral, paired('peripheral')) },
  };
}
