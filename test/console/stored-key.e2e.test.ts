// The central console with a kept key (--keys, the same --address across runs on one `blebench air`):
// the menu offers "encrypt with the stored key" beside "pair now" once a bond is kept for the peer,
// and not before; a read answered 0x0F says to choose it; choosing it encrypts with the stored key
// (no pairing). After the peripheral console forgets every bond, the same choice ends in 0x06 PIN or
// Key Missing with what to do (Core v5.4 Vol 3 Part H 2.4.4.1; Vol 6 Part B 5.1.3.1).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blebench, root, useConsoleAir } from './console-air.js';
const ADDRESS = 'C0:FF:EE:00:00:18';

describe('the central console with a kept key', () => {
  const rig = useConsoleAir('blebench-console-key-');
  const { tmux, status } = rig;

  it('offers "encrypt with the stored key" once a bond is kept, encrypts with it, and explains 0x06 after the peripheral forgot', async () => {
    const { transport } = rig;
    tmux.start('p', [...blebench, 'peripheral', '--interactive', '--profile', 'default', '--transport', transport], status('p'), root);
    await tmux.waitForScreen('p', /waiting for a central/);
    const keys = path.join(rig.dir, 'central-keys.json');
    const central = (name: string) => {
      tmux.start(name, [...blebench, 'central', '--interactive', '--policy', 'never', '--keys', keys, '--address', ADDRESS, '--transport', transport], status(name), root);
    };
    const connect = async (name: string) => {
      await tmux.waitForScreen(name, /❯ blebench\s+([0-9A-F]{2}:){5}[0-9A-F]{2}/);
      await tmux.step(name, ['Enter'], /names from the "blebench default" profile/);
      return tmux.waitForScreen(name, /\? blebench \(.*\): what now\?\n❯ characteristic/);
    };
    const quit = async (name: string) => {
      tmux.keys(name, 'C-c');
      expect(await tmux.exitStatus(status(name))).toBe(130);
    };

    // 1. No bond yet: no such item; pair now makes one (written to --keys).
    central('c1');
    let c = await connect('c1');
    expect(c).not.toMatch(/encrypt with the stored key/);
    tmux.type('c1', 'pair');
    await tmux.waitForScreen('c1', /❯ pair now/);
    await tmux.step('c1', ['Enter'], /✓ paired: the link is encrypted/);
    await quit('c1');

    // 2. A new run, the same identity: the item is there; a read gets 0x0F and says to choose it.
    central('c2');
    c = await connect('c2');
    expect(c).toMatch(/encrypt with the stored key \(the bond kept for this peer, no new pairing\)\n {2}pair now/);
    await tmux.step('c2', ['Enter'], /\? which characteristic\?/);
    tmux.type('c2', 'Encrypted Read');
    await tmux.waitForScreen('c2', /❯ Encrypted Read\s{2,}/);
    await tmux.step('c2', ['Enter'], /\? "Encrypted Read": which operation\?/);
    c = await tmux.step('c2', ['Enter'], /✗ ATT 0x0F Insufficient Encryption/);
    expect(c).toMatch(/choose "encrypt with the stored key" \(no new pairing\), or "pair now"/);
    await tmux.waitForScreen('c2', /what now\?\n❯ characteristic/);
    tmux.type('c2', 'encrypt');
    await tmux.waitForScreen('c2', /❯ encrypt with the stored key/);
    c = await tmux.step('c2', ['Enter'], /✓ encrypted with the stored key, key size 16 octets/);
    expect(c).not.toMatch(/Pairing Request/);
    await quit('c2');

    // 3. The peripheral forgets every bond (its factory reset); the kept key now meets 0x06.
    tmux.type('p', 'forget');
    await tmux.waitForScreen('p', /❯ forget every bond/);
    await tmux.step('p', ['Enter'], /forgot every bond/);
    central('c3');
    await connect('c3');
    tmux.type('c3', 'encrypt');
    await tmux.waitForScreen('c3', /❯ encrypt with the stored key/);
    c = await tmux.step('c3', ['Enter'], /✗ encryption failed: HCI 0x06 PIN or Key Missing/);
    await tmux.waitForScreen('c3', /what now: the peripheral has no key for this bond \(it was reset, or is another device\); choose "pair now"/);
    await quit('c3');
    tmux.keys('p', 'C-c');
    expect(await tmux.exitStatus(status('p'))).toBe(130);
    expect(tmux.screen('c3') + tmux.screen('p')).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 150_000);
});
