// The pairing matrix again, now through the real stacks: noble as central and bleno as peripheral on
// the virtual radio, each with blebench's Security Manager plugged in where their acl-stream.js loads
// ./smp. Per cell: the association model and the key's security match Core v5.4 Vol 3 Part H tables
// 2.6-2.8; both users saw/typed the same passkey or compared the same number; the link is encrypted
// with the agreed key size, and the central's tap shows the pairing and the Encryption Change. All 200
// cells (5 × 5 IO capabilities × legacy/SC × MITM set by neither, initiator, responder, both).
import { afterEach, describe, expect, it } from 'vitest';
import { SMP_CODE } from '../../common/codes/smp.js';
import { IO_CAPABILITY_NAMES, type IoCapabilityName } from '../../common/smp/pairing-config.js';
import type { PairingOutcome } from '../../common/smp/engine-types.js';
import { expectedCell, METHOD } from './helpers/association-table.js';
import { stackPair, BOTH_INPUT, type StackPair } from './helpers/stack-pair.js';

let pair: StackPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const MITM = { neither: [false, false], initiator: [true, false], responder: [false, true], both: [true, true] } as const;

function paired(o: PairingOutcome) {
  if (o.result !== 'paired') throw new Error(`expected a pairing, got ${JSON.stringify(o)}`);
  return o;
}

describe('pairing matrix over noble and bleno on mock (Vol 3 Part H tables 2.6-2.8)', () => {
  for (const sc of [false, true]) {
    for (const [mitmName, [iMitm, rMitm]] of Object.entries(MITM)) {
      describe(`${sc ? 'LE Secure Connections' : 'LE legacy'}, MITM flag set by ${mitmName}`, () => {
        for (const ini of IO_CAPABILITY_NAMES) {
          for (const res of IO_CAPABILITY_NAMES) {
            const cell = expectedCell(ini, res, sc, iMitm || rMitm);
            it(`central ${ini} × peripheral ${res} → ${METHOD[cell]}${cell.startsWith('PE') ? ` (${cell})` : ''}`, async () => {
              const secureConnections = sc ? 'allowed' : 'no';
              pair = await stackPair({
                central: { config: { ioCapability: ini as IoCapabilityName, mitm: iMitm ? 'requested' : 'no', secureConnections } },
                peripheral: { config: { ioCapability: res as IoCapabilityName, mitm: rMitm ? 'requested' : 'no', secureConnections } },
              });
              const { handle } = await pair.connect();
              const { central, peripheral } = await pair.pair(handle);
              const c = paired(central);
              const p = paired(peripheral);
              for (const o of [c, p]) expect(o.security).toEqual({ method: METHOD[cell], authenticated: cell !== 'JW', secureConnections: sc, keySize: 16 });
              expect(c.linkKey.equals(p.linkKey)).toBe(true);
              const b = pair.board;
              if (cell === 'PE:r') expect([b.displayed.peripheral, b.displayed.central]).toEqual([b.entered.central, undefined]);
              if (cell === 'PE:i') expect([b.displayed.central, b.displayed.peripheral]).toEqual([b.entered.peripheral, undefined]);
              if (cell === 'PE:b') expect([b.entered.central, b.entered.peripheral]).toEqual([BOTH_INPUT, BOTH_INPUT]);
              if (cell === 'NC') {
                expect(b.compared.central).toBeTypeOf('number');
                expect(b.compared.central).toBe(b.compared.peripheral);
              } else expect(b.compared).toEqual({});
              // What went over the air, as each side's tap saw it.
              const cl = pair.ct.tap.link(handle)!;
              expect(cl.encrypted).toBe(true);
              expect(cl.pairing?.method).toBe(METHOD[cell]);
              expect(cl.pairing?.secureConnections).toBe(sc);
              const pl = pair.pt.tap.links().find((l) => l.connected && l.role === 'peripheral')!;
              expect(pl.encrypted).toBe(true);
              expect(pair.ct.tap.entries.some((e) => e.layer === 'smp' && e.dir === 'tx' && e.fields.code === SMP_CODE.PAIRING_REQUEST)).toBe(true);
              // The key the peripheral's kernel answered with is the bond's (bonding is on by default).
              expect(pair.pt.kernelShare!.longTermKeys.filter((k) => !k.central)).toHaveLength(1);
            });
          }
        }
      });
    }
  }
});
