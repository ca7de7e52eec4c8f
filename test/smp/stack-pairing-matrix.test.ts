// The pairing matrix (helpers/pairing-matrix-suite.ts) through the real stacks: noble as central and
// bleno as peripheral on the virtual radio, each with blebench's Security Manager plugged in where
// their acl-stream.js loads ./smp. Beyond what every pairing must show: the link is encrypted, and the
// taps show the pairing and the key the peripheral's kernel answered with. All 200 cells (5 × 5 IO
// capabilities × legacy/SC × MITM set by neither, initiator, responder, both).
import { expect } from 'vitest';
import { SMP_CODE } from '../../common/base/codes/smp.js';
import { METHOD } from './helpers/association-table.js';
import { pairingMatrixSuite } from './helpers/pairing-matrix-suite.js';
import { stackPair, BOTH_INPUT, type StackPair } from './helpers/stack-pair.js';

let pair: StackPair | undefined;

pairingMatrixSuite({
  names: { suite: 'pairing matrix over noble and bleno on mock (Vol 3 Part H tables 2.6-2.8)', initiator: 'central', responder: 'peripheral' },
  bothInput: BOTH_INPUT,
  pair: async (config) => {
    pair = await stackPair({ central: { config: config.central }, peripheral: { config: config.peripheral } });
    const { handle } = await pair.connect();
    const { central, peripheral } = await pair.pair(handle);
    return { central, peripheral, board: pair.board, handle, stacks: pair };
  },
  // What went over the air, as each side's tap saw it.
  alsoCheck: ({ handle, stacks }, { sc, cell }) => {
    const cl = stacks.ct.tap.link(handle)!;
    expect(cl.encrypted).toBe(true);
    expect(cl.pairing?.method).toBe(METHOD[cell]);
    expect(cl.pairing?.secureConnections).toBe(sc);
    const pl = stacks.pt.tap.links().find((l) => l.connected && l.role === 'peripheral')!;
    expect(pl.encrypted).toBe(true);
    expect(stacks.ct.tap.entries.some((e) => e.layer === 'smp' && e.dir === 'tx' && e.fields.code === SMP_CODE.PAIRING_REQUEST)).toBe(true);
    // The key the peripheral's kernel answered with is the bond's (bonding is on by default).
    expect(stacks.pt.kernelShare!.longTermKeys.filter((k) => !k.central)).toHaveLength(1);
  },
  teardown: async () => {
    await pair?.close();
    pair = undefined;
  },
});
