// Privacy in both roles over the real stacks: noble and bleno on the virtual radio, blebench's Security
// Manager on both. A central that bonded from an RPA and distributed its IRK and identity address
// (Core v5.4 Vol 3 Part H 3.6.4/3.6.5) comes back from a new RPA, renewed on the radio's clock (Vol 6
// Part B 1.3.2.2), and the peripheral finds its bond by identity, resolving the RPA with ah over the
// stored IRKs on the host (Vol 3 Part H 2.2.2) or with its controller's resolving list: encrypted with
// the stored key, no Pairing Request (Vol 3 Part H 2.4.4.1).
import { afterEach, describe, expect, it } from 'vitest';
import { Radio } from '../../common/stack/air/index.js';
import { SMP_CODE } from '../../common/base/codes/smp.js';
import { OP } from '../../common/base/codes/hci.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { rpaResolvesWith } from '../../common/stack/smp/identity-resolver.js';
import { peerAddressLine } from '../../common/stack/trace/address-line.js';
import type { PrivacyMode } from '../../common/stack/smp/privacy-setup.js';
import { withTimeout } from '../../common/base/util/wait.js';
import { until } from '../helpers/until.js';
import { stackPair, type StackPair } from './helpers/stack-pair.js';

let pair: StackPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const RPA_TIMEOUT_S = 900;
const smpTx = (p: StackPair, code: number) => p.ct.tap.entries.filter((e) => e.layer === 'smp' && e.dir === 'tx' && e.fields.code === code);

/** A radio whose clock a test moves on (the RPA timeout runs on it). */
function skewedRadio() {
  let skewMs = 0;
  const radio = new Radio({ name: 'privacy', clock: () => performance.now() + skewMs });
  return { radio, advance: (s: number) => void (skewMs += s * 1000) };
}

async function bondThenComeBack(resolution: PrivacyMode | 'none', opts: { centralIdKey?: boolean } = {}) {
  const { radio, advance } = skewedRadio();
  const centralKeys = new MemoryKeyStore();
  const peripheralKeys = new MemoryKeyStore();
  pair = await stackPair({
    radio,
    central: {
      keyStore: centralKeys,
      privacy: { mode: 'host', rpaTimeoutS: RPA_TIMEOUT_S },
      ...(opts.centralIdKey === false ? { config: { keyDistribution: { initiator: { encKey: true, idKey: false }, responder: { encKey: true, idKey: true } } } } : {}),
    },
    peripheral: { keyStore: peripheralKeys, ...(resolution === 'controller' ? { privacy: { mode: 'controller', rpaTimeoutS: RPA_TIMEOUT_S } } : {}) },
  });
  const first = await pair.connect();
  const firstLink = pair.pt.tap.links().find((l) => l.connected)!;
  const paired = await pair.pair(first.handle);
  expect(paired.central).toMatchObject({ result: 'paired', bonded: true });
  await until(async () => (await peripheralKeys.list()).length === 1 && (await centralKeys.list()).length === 1, 'both key stores to hold the bond');
  await withTimeout(first.peripheral.disconnectAsync(), { what: 'disconnection', timeoutMs: 5000 });
  advance(RPA_TIMEOUT_S + 1);
  const requestsBefore = smpTx(pair, SMP_CODE.PAIRING_REQUEST).length;
  const second = await pair.connect();
  const secondLink = pair.pt.tap.links().find((l) => l.connected)!;
  return { pair, first, firstLink, second, secondLink, requestsBefore, centralKeys, peripheralKeys };
}

describe('privacy: a bonded central back with a new RPA', () => {
  it('the central connects from an RPA of its IRK, distributes IRK and identity, and the bond is kept under its identity', async () => {
    const { pair: p, firstLink, secondLink, peripheralKeys } = await bondThenComeBack('none');
    const [bond] = await peripheralKeys.list();
    // the identity is the central controller's public address, not the RPA it used on the air
    expect(bond!.peer.type).toBe('public');
    expect(bond!.peer.address).not.toBe(firstLink.peerAddress);
    expect(bond!.peerIrk).toBeDefined();
    for (const l of [firstLink, secondLink]) {
      expect(l.peerAddressType, 'random on the air').toBe(1);
      expect(rpaResolvesWith(bond!.peerIrk, { address: l.peerAddress, type: 'random' }), `${l.peerAddress} resolves with the central's IRK`).toBe(true);
    }
    expect(secondLink.peerAddress, 'a new RPA after the timeout').not.toBe(firstLink.peerAddress);
    expect(firstLink.peerIdentity, 'the identity distributed on the first link').toEqual({ ...bond!.peer, via: 'distributed' });
    // the central's host set each RPA with LE Set Random Address
    const set = p.ct.tap.entries.filter((e) => e.dir === 'tx' && e.raw[0] === 0x01 && e.raw.readUInt16LE(1) === OP.LE_SET_RANDOM_ADDRESS);
    expect(set.length).toBeGreaterThanOrEqual(2);
  });

  for (const resolution of ['none', 'controller'] as const) {
    const how = resolution === 'none' ? 'on the host: ah over the stored IRKs, the controller has no resolving list' : "through the peripheral controller's resolving list";
    it(`is found by identity ${how}, and encrypts with the stored key: no Pairing Request`, async () => {
      const { pair: p, second, secondLink, requestsBefore } = await bondThenComeBack(resolution);
      if (resolution === 'controller') {
        // the controller resolved it: LE Enhanced Connection Complete (unmasked with controller privacy) gives
        // the identity with type 0x02 and the RPA on the air (Vol 4 Part E 7.7.65.10); bleno got the plain event
        expect(secondLink.peerAddressType).toBe(0x02);
        const [bond] = await p.sessions.peripheral!.ready.then(() => [p.sessions.peripheral!.bond!]);
        expect(secondLink.peerAddress.toUpperCase()).toBe(bond!.peer.address);
        expect(rpaResolvesWith(bond!.peerIrk, { address: secondLink.peerRpa!, type: 'random' }), 'the peer RPA the controller resolved').toBe(true);
        expect(peerAddressLine(secondLink)).toBe(`RPA ${secondLink.peerRpa!.toUpperCase()} → identity ${bond!.peer.address} (public), resolved by the controller`);
      }
      const again = await p.pair(second.handle);
      expect(again.central).toMatchObject({ result: 'encrypted', with: 'stored-key' });
      expect(again.peripheral).toMatchObject({ result: 'encrypted', with: 'stored-key' });
      expect(smpTx(p, SMP_CODE.PAIRING_REQUEST), 'no Pairing Request on the second link').toHaveLength(requestsBefore);
      expect(p.pt.tap.link(secondLink.handle)!.ltkNegativeReply ?? false).toBe(false);
      expect(p.sessions.peripheral!.resolvedVia).toBe(resolution === 'none' ? 'irk' : 'identity');
      // the peripheral's timeline link carries both: the RPA on the air and the identity it resolved to
      const bond = (await p.sessions.peripheral!.ready, p.sessions.peripheral!.bond!);
      if (resolution === 'none') {
        expect(p.pt.tap.link(secondLink.handle)!.peerIdentity).toEqual({ ...bond.peer, via: 'irk' });
        // one line for people: the RPA on the air, and the identity behind it
        expect(peerAddressLine(p.pt.tap.link(secondLink.handle)!)).toBe(`RPA ${secondLink.peerAddress.toUpperCase()} → identity ${bond.peer.address} (public)`);
      }
    });
  }

  it('a restarted central keeps its IRK (the one its bonds hold): the restarted peripheral finds the bond by the stored IRK', async () => {
    const { pair: p, first, centralKeys, peripheralKeys } = await bondThenComeBack('none');
    void first;
    const [centralBond] = await centralKeys.list();
    expect(centralBond!.localIrk).toBeDefined();
    await p.close();
    // the same controllers (public addresses: the identities) with new stacks, as after a restart
    const addresses = { central: centralBond!.local.address, peripheral: centralBond!.peer.address };
    pair = await stackPair({ addresses, central: { keyStore: centralKeys, privacy: { mode: 'host', rpaTimeoutS: RPA_TIMEOUT_S } }, peripheral: { keyStore: peripheralKeys } });
    const again = await pair.connect();
    const link = pair.pt.tap.links().find((l) => l.connected)!;
    expect(rpaResolvesWith(centralBond!.localIrk, { address: link.peerAddress, type: 'random' }), 'an RPA of the same IRK').toBe(true);
    const o = await pair.pair(again.handle);
    expect(o.central).toMatchObject({ result: 'encrypted', with: 'stored-key' });
    expect(o.peripheral).toMatchObject({ result: 'encrypted', with: 'stored-key' });
    expect(pair.sessions.peripheral!.resolvedVia).toBe('irk');
    expect(pair.sessions.peripheral!.peerIdentity).toEqual(centralBond!.local);
  });

  it('without the IRK distributed the new RPA is a stranger: the peripheral has no key (LTK Negative Reply)', async () => {
    const { pair: p, second, secondLink } = await bondThenComeBack('none', { centralIdKey: false });
    const [bond] = await p.sessions.peripheral!.ready.then(() => [p.sessions.peripheral!.bond]);
    expect(bond, 'no bond found for the new RPA').toBeUndefined();
    const central = p.noble.smpSession(second.handle)!;
    await central.ready;
    const outcome = central.nextOutcome();
    p.noble.bearer(second.handle)!.startPairing();
    const o = await withTimeout(outcome, { what: "the central's outcome", timeoutMs: 5000 });
    expect(o).toMatchObject({ result: 'failed' });
    expect(p.pt.tap.link(secondLink.handle)!.ltkNegativeReply).toBe(true);
    expect(p.ct.tap.link(second.handle)!.encryptionStatus, 'Encryption Change 0x06 PIN or Key Missing').toBe(0x06);
  });
});
