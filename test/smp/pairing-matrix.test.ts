// The pairing matrix (helpers/pairing-matrix-suite.ts) with two engines back to back: beyond what
// every pairing must show, the keys asked for arrive (and below, key distribution case by case).
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { type KeySet } from '../../common/stack/smp/pairing-config.js';
import { generateP256KeyPair } from '../../common/stack/smp/p256.js';
import { f4 } from '../../common/stack/smp/toolbox.js';
import { backToBack, PERIPHERAL_ADDRESS } from './helpers/back-to-back.js';
import { paired, pairingMatrixSuite } from './helpers/pairing-matrix-suite.js';

const IDENTITY = { address: { address: 'F0:F1:F2:F3:F4:F5', type: 'public' as const }, irk: randomBytes(16) };

// Two engines back to back; beyond the common checks, the keys each side distributed.
pairingMatrixSuite({
  names: { suite: 'pairing matrix: IO capabilities × legacy/SC × MITM (Vol 3 Part H tables 2.6-2.8)', initiator: 'initiator', responder: 'responder' },
  bothInput: 314159,
  pair: async (config) => {
    const pair = backToBack({ central: { config: config.central, env: { identity: IDENTITY } }, peripheral: { config: config.peripheral }, bothInput: 314159 });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    return { central, peripheral, board: pair.board, ready: pair.actions.find((a) => a.action.type === 'ltk-ready') };
  },
  alsoCheck: ({ central: c, peripheral: p, ready }, { sc }) => {
    for (const o of [c, p]) expect(o.bonded).toBe(true);
    expect(ready?.side).toBe('peripheral');
    expect(ready?.action.type === 'ltk-ready' && ready.action.ltk.key.equals(p.linkKey)).toBe(true);
    // Key distribution: EncKey and IdKey both ways (the default). SC: the LTK is f5's on both sides.
    if (sc) {
      expect(c.peer.ltk!.key.equals(c.linkKey)).toBe(true);
      expect(p.local.ltk!.key.equals(c.linkKey)).toBe(true);
      expect(c.peer.ltk!.ediv).toBe(0);
    } else {
      expect(c.peer.ltk).toEqual(p.local.ltk);
      expect(p.peer.ltk).toEqual(c.local.ltk);
      expect(c.peer.ltk!.key.equals(c.linkKey)).toBe(false); // the STK is not the LTK
    }
    expect(p.peerIdentity).toEqual(IDENTITY.address);
    expect(p.peer.irk!.equals(IDENTITY.irk)).toBe(true);
    expect(c.peerIdentity).toEqual(PERIPHERAL_ADDRESS);
    expect(c.peer.irk).toEqual(p.local.irk);
  },
});
describe('key distribution delivers what was asked (Vol 3 Part H 3.6.1)', () => {
  const cases: { name: string; ask: { initiator: KeySet; responder: KeySet }; agree: { initiator: KeySet; responder: KeySet } }[] = [
    { name: 'nothing', ask: { initiator: {}, responder: {} }, agree: { initiator: { encKey: true, idKey: true, signKey: true }, responder: { encKey: true, idKey: true, signKey: true } } },
    { name: 'every key both ways', ask: { initiator: { encKey: true, idKey: true, signKey: true }, responder: { encKey: true, idKey: true, signKey: true } }, agree: { initiator: { encKey: true, idKey: true, signKey: true }, responder: { encKey: true, idKey: true, signKey: true } } },
    { name: 'the responder agrees to less than asked', ask: { initiator: { signKey: true }, responder: { encKey: true, idKey: true, signKey: true } }, agree: { initiator: {}, responder: { encKey: true } } },
  ];
  for (const sc of [false, true]) {
    for (const k of cases) {
      it(`${sc ? 'SC' : 'legacy'}: ${k.name}`, async () => {
        const secureConnections = sc ? 'allowed' : 'no';
        const pair = backToBack({ central: { config: { keyDistribution: k.ask, secureConnections } }, peripheral: { config: { keyDistribution: k.agree, secureConnections } } });
        pair.central.input({ type: 'pair' });
        const { central, peripheral } = await pair.outcomes();
        const c = paired(central);
        const p = paired(peripheral);
        const want = (side: 'initiator' | 'responder', key: keyof KeySet) => !!k.ask[side][key] && !!k.agree[side][key];
        // Responder → initiator.
        expect(!!c.peer.irk).toBe(want('responder', 'idKey'));
        expect(!!c.peer.csrk).toBe(want('responder', 'signKey'));
        expect(!!c.peer.ltk).toBe(sc || want('responder', 'encKey'));
        // Initiator → responder.
        expect(!!p.peer.irk).toBe(want('initiator', 'idKey'));
        expect(!!p.peer.csrk).toBe(want('initiator', 'signKey'));
        expect(!!p.peer.ltk).toBe(sc || want('initiator', 'encKey'));
        if (c.peer.csrk) expect(c.peer.csrk.equals(p.local.csrk!)).toBe(true);
        if (p.peer.csrk) expect(p.peer.csrk.equals(c.local.csrk!)).toBe(true);
        // No Encryption Information under SC: EncKey is ignored there.
        if (sc) expect(pair.air.some((x) => x.pdu[0] === 0x06 || x.pdu[0] === 0x07)).toBe(false);
      });
    }
  }
  it('without bonding no keys are distributed and the pairing is not a bond', async () => {
    const pair = backToBack({ central: { config: { bonding: false } } });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    expect(paired(central).bonded).toBe(false);
    expect(paired(peripheral).peer).toEqual({ ltk: paired(peripheral).peer.ltk });
    expect(pair.air[0]!.pdu.subarray(5).equals(Buffer.from([0, 0]))).toBe(true);
  });
  it('a smaller maximum key size on one side gives that size, and the keys are masked to it (Vol 3 Part H 2.3.4)', async () => {
    const pair = backToBack({ central: { config: { secureConnections: 'no' } }, peripheral: { config: { maxKeySize: 10, minKeySize: 7 } } });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    const c = paired(central);
    expect(c.security.keySize).toBe(10);
    expect(c.linkKey.subarray(0, 6).equals(Buffer.alloc(6))).toBe(true);
    expect(paired(peripheral).local.ltk!.key.subarray(0, 6).equals(Buffer.alloc(6))).toBe(true);
  });
});

describe('OOB (Vol 3 Part H 2.3.5.4, 2.3.5.6.4)', () => {
  it('LE legacy with the same TK on both sides: OOB, authenticated', async () => {
    const tk = randomBytes(16);
    const pair = backToBack({ central: { config: { secureConnections: 'no', oob: { legacyTk: tk } } }, peripheral: { config: { oob: { legacyTk: tk } } } });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    expect(paired(central).security).toMatchObject({ method: 'OOB', authenticated: true, secureConnections: false });
    expect(paired(peripheral).linkKey.equals(paired(central).linkKey)).toBe(true);
  });
  it('LE legacy with a TK on one side only: the IO capabilities decide (both flags needed, table 2.6)', async () => {
    const pair = backToBack({ central: { config: { secureConnections: 'no', oob: { legacyTk: randomBytes(16) } } } });
    pair.central.input({ type: 'pair' });
    expect(paired((await pair.outcomes()).central).security.method).toBe('Just Works');
  });
  const oobData = () => {
    const keyPair = generateP256KeyPair();
    const r = randomBytes(16);
    return { local: { keyPair, r }, shared: { r, c: f4(keyPair.x, keyPair.x, r, 0) } };
  };
  it('SC with OOB data both ways: OOB, authenticated', async () => {
    const a = oobData();
    const b = oobData();
    const pair = backToBack({
      central: { config: { oob: { secureConnections: { local: a.local, peer: b.shared } } } },
      peripheral: { config: { oob: { secureConnections: { local: b.local, peer: a.shared } } } },
    });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    expect(paired(central).security).toMatchObject({ method: 'OOB', authenticated: true, secureConnections: true });
    expect(paired(peripheral).linkKey.equals(paired(central).linkKey)).toBe(true);
  });
  it('SC with OOB data one way (only the central has the peripheral\'s): still OOB (table 2.7)', async () => {
    const b = oobData();
    const pair = backToBack({ central: { config: { oob: { secureConnections: { peer: b.shared } } } }, peripheral: { config: { oob: { secureConnections: { local: b.local } } } } });
    pair.central.input({ type: 'pair' });
    const { central, peripheral } = await pair.outcomes();
    expect(paired(central).security.method).toBe('OOB');
    expect(paired(peripheral).linkKey.equals(paired(central).linkKey)).toBe(true);
  });
  it('the spec\'s debug key pair pairs too (useDebugKeys)', async () => {
    const pair = backToBack({ central: { config: { useDebugKeys: true } } });
    pair.central.input({ type: 'pair' });
    const { central } = await pair.outcomes();
    expect(paired(central).security.secureConnections).toBe(true);
    const pk = pair.air.find((x) => x.from === 'central' && x.pdu[0] === 0x0c)!.pdu;
    expect(Buffer.from(pk.subarray(1, 33)).reverse().toString('hex')).toBe('20b003d2f297be2c5e2c83a7e9f9a5b9eff49111acf4fddbcc0301480e359de6');
  });
});

it('SC: the addresses on the connection feed f5 — same keys and nonces, another central address, another LTK', async () => {
  const run = async (address: string) => {
    const central = { address, type: 'random' as const };
    const pair = backToBack({
      central: { config: { useDebugKeys: true }, env: { local: central, random: (n) => Buffer.alloc(n, 1) } },
      peripheral: { config: { useDebugKeys: true }, env: { peer: central, random: (n) => Buffer.alloc(n, 2) } },
    });
    pair.central.input({ type: 'pair' });
    return paired((await pair.outcomes()).central);
  };
  const a = await run('C0:00:00:00:00:01');
  const again = await run('C0:00:00:00:00:01');
  const b = await run('C0:00:00:00:00:02');
  expect(a.security.secureConnections).toBe(true);
  expect(a.linkKey.equals(again.linkKey)).toBe(true);
  expect(a.linkKey.equals(b.linkKey)).toBe(false);
});

it('SC Passkey Entry runs 20 rounds of Confirm and Random each way (Vol 3 Part H 2.3.5.6.3)', async () => {
  const pair = backToBack({ central: { config: { ioCapability: 'KeyboardOnly', mitm: 'requested' } }, peripheral: { config: { ioCapability: 'DisplayOnly' } } });
  pair.central.input({ type: 'pair' });
  await pair.outcomes();
  for (const from of ['central', 'peripheral'] as const) {
    expect(pair.air.filter((x) => x.from === from && x.pdu[0] === 0x03)).toHaveLength(20);
    expect(pair.air.filter((x) => x.from === from && x.pdu[0] === 0x04)).toHaveLength(20);
  }
});
