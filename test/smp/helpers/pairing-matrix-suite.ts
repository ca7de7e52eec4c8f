// One pairing matrix, run against every pairing (as test/hci/transport-compliance.ts is run against
// every transport): every pair of IO capabilities × {LE legacy, LE Secure Connections} × MITM flags.
// Per cell, whatever pairs: the association model and the key's security match Core v5.4 Vol 3 Part H
// 2.3.5.1 (tables 2.6-2.8, written out in association-table.ts from the spec, independently of
// pairingMethod()), both sides derive the same key, and both users saw and typed the same passkey or
// compared the same number. What only one pairing can show (the keys distributed, the taps) is its
// setup's `alsoCheck`.
import { afterEach, describe, expect, it } from 'vitest';
import type { PairingOutcome } from '../../../common/stack/smp/engine-types.js';
import { IO_CAPABILITY_NAMES, type IoCapabilityName, type PairingConfig } from '../../../common/stack/smp/pairing-config.js';
import { expectedCell, METHOD, type Cell } from './association-table.js';

/** What the users saw and typed, side by side. */
export interface MatrixBoard {
  displayed: { central?: number; peripheral?: number };
  entered: { central?: number; peripheral?: number };
  compared: { central?: number; peripheral?: number };
}

export type Paired = Extract<PairingOutcome, { result: 'paired' }>;

/** One cell's pairing: each side's outcome and the users' board. */
export interface MatrixRun {
  central: PairingOutcome;
  peripheral: PairingOutcome;
  board: MatrixBoard;
}

export interface MatrixCell {
  central: IoCapabilityName;
  peripheral: IoCapabilityName;
  sc: boolean;
  cell: Cell;
}

/** `R`: what a pairing returns beyond the outcomes and the board, for its own checks. */
export interface PairingMatrixSetup<R extends MatrixRun = MatrixRun> {
  /** What the initiating and responding sides are called in the tests' names. */
  names: { initiator: string; responder: string; suite: string };
  /** The number both users type when both sides input (table 2.8, KeyboardOnly vs KeyboardOnly). */
  bothInput: number;
  /** Pair one cell with these configurations (the central initiates). */
  pair(config: { central: Partial<PairingConfig>; peripheral: Partial<PairingConfig> }): Promise<R>;
  /** What only this pairing shows, checked after the common checks. */
  alsoCheck?(run: R & { central: Paired; peripheral: Paired }, cell: MatrixCell): void | Promise<void>;
  teardown?(): Promise<void>;
}

const MITM = { neither: [false, false], initiator: [true, false], responder: [false, true], both: [true, true] } as const;

export function paired(o: PairingOutcome): Paired {
  if (o.result !== 'paired') throw new Error(`expected a pairing, got ${JSON.stringify(o)}`);
  return o;
}

export function pairingMatrixSuite<R extends MatrixRun>(setup: PairingMatrixSetup<R>): void {
  describe(setup.names.suite, () => {
    afterEach(async () => {
      await setup.teardown?.();
    });
    for (const sc of [false, true]) {
      for (const [mitmName, [iMitm, rMitm]] of Object.entries(MITM)) {
        describe(`${sc ? 'LE Secure Connections' : 'LE legacy'}, MITM flag set by ${mitmName}`, () => {
          for (const ini of IO_CAPABILITY_NAMES) {
            for (const res of IO_CAPABILITY_NAMES) {
              const cell = expectedCell(ini, res, sc, iMitm || rMitm);
              it(`${setup.names.initiator} ${ini} × ${setup.names.responder} ${res} → ${METHOD[cell]}${cell.startsWith('PE') ? ` (${cell})` : ''}`, async () => {
                const secureConnections = sc ? 'allowed' : 'no';
                const run = await setup.pair({
                  central: { ioCapability: ini, mitm: iMitm ? 'requested' : 'no', secureConnections },
                  peripheral: { ioCapability: res, mitm: rMitm ? 'requested' : 'no', secureConnections },
                });
                const c = paired(run.central);
                const p = paired(run.peripheral);
                for (const o of [c, p]) expect(o.security).toEqual({ method: METHOD[cell], authenticated: cell !== 'JW', secureConnections: sc, keySize: 16 });
                expect(c.linkKey.equals(p.linkKey)).toBe(true);
                // Both users saw and typed the same number.
                const b = run.board;
                if (cell === 'PE:r') expect([b.displayed.peripheral, b.displayed.central]).toEqual([b.entered.central, undefined]);
                if (cell === 'PE:i') expect([b.displayed.central, b.displayed.peripheral]).toEqual([b.entered.peripheral, undefined]);
                if (cell === 'PE:b') expect([b.entered.central, b.entered.peripheral]).toEqual([setup.bothInput, setup.bothInput]);
                if (cell === 'NC') {
                  expect(b.compared.central).toBeTypeOf('number');
                  expect(b.compared.central).toBe(b.compared.peripheral);
                } else expect(b.compared).toEqual({});
                if (!cell.startsWith('PE')) expect(b.entered).toEqual({});
                await setup.alsoCheck?.({ ...run, central: c, peripheral: p }, { central: ini, peripheral: res, sc, cell });
              });
            }
          }
        });
      }
    }
  });
}
