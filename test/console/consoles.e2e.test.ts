// Both consoles in real terminals (tmux) on one `blebench air`: the central picks the peripheral from
// its live scan list, reads the encrypted characteristic and sees 0x05 explained (policy never),
// pairs, reads the value, has a bad value refused before anything is sent, subscribes; the
// peripheral console sees every request and sends a notification, which prints in the central's
// console above its open menu; Ctrl-C ends each with 130, the link closed.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startChild } from '../helpers/child.js';
import { hasTmux } from './tmux.js';
import { blebench, root, useConsoleAir } from './console-air.js';

describe('--interactive without a terminal', () => {
  for (const role of ['central', 'peripheral'] as const) {
    it(`blebench ${role} --interactive with stdin not a TTY exits 2 saying it needs a terminal`, async () => {
      const child = startChild(blebench[0]!, [...blebench.slice(1), role, '--interactive', '--transport', 'mock']);
      const code = await new Promise<number | null>((resolve) => child.proc.once('exit', (c) => resolve(c)));
      expect(code).toBe(2);
      expect(child.stderr()).toMatch(/--interactive needs a terminal, and stdin and stdout are not one/);
      expect(child.stderr()).toMatch(/what to do: run it in a terminal/);
      expect(child.stderr()).not.toMatch(/\n\s+at .+:\d+:\d+/);
    });
  }
});

describe('the consoles in real terminals, on one blebench air', () => {
  it('tmux is installed (.ci/run installs it)', () => {
    expect(hasTmux()).toBe(true);
  });

  const rig = useConsoleAir('blebench-console-');
  const { tmux, status } = rig;

  it('pick, read 0x05 explained, pair, read the value, refuse a bad value, subscribe, see a notification; Ctrl-C exits 130', async () => {
    const { transport } = rig;
    // The peripheral console, its profile picked from the list.
    tmux.start('p', [...blebench, 'peripheral', '--interactive', '--transport', transport], status('p'), root);
    await tmux.waitForScreen('p', /\? which profile to serve\?\n❯ default/);
    await tmux.step('p', ['Enter'], /serving "blebench default" as blebench \(([0-9A-F]{2}:){5}[0-9A-F]{2}\).*waiting for a central/);

    // The central console: the peripheral appears in the live scan list; pick it.
    // With --keys the central pairs with blebench's Security Manager and keeps the bond in that file.
    const keys = path.join(rig.dir, 'central-keys.json');
    tmux.start('c', [...blebench, 'central', '--interactive', '--policy', 'never', '--keys', keys, '--transport', transport], status('c'), root);
    await tmux.waitForScreen('c', /❯ blebench\s+([0-9A-F]{2}:){5}[0-9A-F]{2}\s+-?\d+ dBm\s+B1EB1000-7E57-4B3E-9C1D-2F5E0B1C7A90\s+\[profile blebench default\]/);
    await tmux.step('c', ['Enter'], /names from the "blebench default" profile/);
    await tmux.waitForScreen('c', /\? blebench \(.*\): what now\?\n❯ characteristic/);
    await tmux.waitForScreen('p', /▸ central .* connected, link handle/);

    const pick = async (name: string) => {
      await tmux.step('c', ['Enter'], /\? which characteristic\?/);
      tmux.type('c', name);
      await tmux.waitForScreen('c', new RegExp(`❯ ${name}\\s{2,}`));
      await tmux.step('c', ['Enter'], new RegExp(`\\? "${name}": which operation\\?`));
    };

    // Read the encrypted characteristic before pairing: 0x05, in words, and what to do.
    await pick('Encrypted Read');
    let c = await tmux.step('c', ['Enter'], /✗ ATT 0x05 Insufficient Authentication: the link must be paired/);
    expect(c).toMatch(/what now: the pairing policy is "never", so the central did not pair: choose "pair now", then try again/);
    await tmux.waitForScreen('p', /Read Request for "Encrypted Read" \(handle 0x[0-9A-F]{4}\) → answered 0x05 Insufficient Authentication/);

    // Pair explicitly.
    tmux.type('c', 'pair');
    await tmux.waitForScreen('c', /❯ pair now/);
    c = await tmux.step('c', ['Enter'], /✓ paired: the link is encrypted, key size 16 octets/);
    expect(c).toMatch(/method: LE legacy Just Works/);
    await tmux.waitForScreen('p', /▸ link to .* encrypted, key size 16 octets/);

    // Read it again: the value.
    await tmux.waitForScreen('c', /\? blebench \(.*\) \[encrypted\]: what now\?/);
    await pick('Encrypted Read');
    await tmux.step('c', ['Enter'], /✓ "Encrypted Read" = 16 octets: 6e 65 65 64 .* "needs encryption"/);
    await tmux.waitForScreen('p', /Read Request for "Encrypted Read" \(handle 0x[0-9A-F]{4}\) → answered with 16 octets/);

    // A bad value is refused at the prompt: nothing reaches the peripheral until it is valid.
    await pick('Long Value');
    await tmux.step('c', ['Down'], /❯ write \(Write Request/);
    await tmux.step('c', ['Enter'], /\? value for "Long Value": type it as/);
    await tmux.step('c', ['Enter'], /\? value for "Long Value" \(hex octets\)/);
    await tmux.step('c', { text: 'abc' }, /\(hex octets\) abc/);
    await tmux.step('c', ['Enter'], /3 hex digits is an odd number/);
    expect(tmux.screen('p')).not.toMatch(/Request for "Long Value"/);
    await tmux.step('c', ['BSpace', 'BSpace', 'BSpace'], /\(hex octets\) *\n/);
    await tmux.step('c', { text: '0102' }, /\(hex octets\) 0102/);
    await tmux.step('c', ['Enter'], /✓ written to "Long Value": 2 octets: 01 02/);
    await tmux.waitForScreen('p', /Write Request for "Long Value" \(handle 0x[0-9A-F]{4}\) → accepted/);

    // Subscribe to the encrypted notifications.
    await pick('Encrypted Notify');
    await tmux.step('c', ['Enter'], /✓ subscribed to notifications of "Encrypted Notify"/);
    await tmux.waitForScreen('p', /enabled notifications of "Encrypted Notify"/);
    await tmux.waitForScreen('c', /\? blebench \(.*\) \[encrypted\]: what now\?\n❯ characteristic/);

    // The peripheral console sends a notification with a typed value.
    tmux.type('p', 'notify');
    await tmux.waitForScreen('p', /❯ notify: send a notification/);
    await tmux.step('p', ['Enter'], /\? notify which characteristic\?/);
    tmux.type('p', 'Encrypted Notify');
    await tmux.waitForScreen('p', /❯ Encrypted Notify\s{2,}/);
    await tmux.step('p', ['Enter'], /\? send which value of "Encrypted Notify"\?/);
    await tmux.step('p', ['Down'], /❯ a new value/);
    await tmux.step('p', ['Enter'], /\? value to send from "Encrypted Notify": type it as/);
    tmux.type('p', 'utf8');
    await tmux.waitForScreen('p', /❯ utf8/);
    await tmux.step('p', ['Enter'], /\? value to send from "Encrypted Notify" \(UTF-8 text\)/);
    await tmux.step('p', { text: 'hello-e2e' }, /\(UTF-8 text\) hello-e2e/);
    await tmux.step('p', ['Enter'], /✓ notification of "Encrypted Notify" sent to .*: 9 octets: 68 65 6c 6c 6f 2d 65 32 65 "hello-e2e"/);

    // It arrives in the central console, printed above the menu that is still open and intact.
    c = await tmux.waitForScreen('c', /◂ notification from "Encrypted Notify" \(handle 0x[0-9A-F]{4}\): 9 octets: 68 65 6c 6c 6f 2d 65 32 65 "hello-e2e"/);
    const after = c.slice(c.lastIndexOf('◂ notification'));
    expect(after).toMatch(/^◂ notification[^\n]*\n\? blebench \(.*\) \[encrypted\]: what now\?\n❯ characteristic: read, write, subscribe\n  pair now\n/);
    // The menu still answers keys after the event.
    tmux.type('c', 'security');
    await tmux.waitForScreen('c', /❯ security of the link/);
    await tmux.step('c', ['Enter'], /  encrypted: yes, key size 16 octets/);

    // Ctrl-C at a prompt: the link is closed, exit 130.
    await tmux.waitForScreen('c', /\? blebench \(.*\) \[encrypted\]: what now\?\n❯ characteristic/);
    tmux.keys('c', 'C-c');
    expect(await tmux.exitStatus(status('c'))).toBe(130);
    // keys saved: the bond made by "pair now" is on disk, private to its owner
    expect(statSync(keys).mode & 0o777).toBe(0o600);
    const store = JSON.parse(readFileSync(keys, 'utf8')) as { bonds: Array<{ peerLtk?: { key: string } }> };
    expect(store.bonds).toHaveLength(1);
    expect(store.bonds[0]!.peerLtk?.key).toMatch(/^[0-9a-f]{32}$/);
    c = tmux.screen('c');
    expect(c).toMatch(/interrupted: closing the link/);
    expect(c).toMatch(/link to ([0-9A-F]{2}:){5}[0-9A-F]{2} closed/);
    await tmux.waitForScreen('p', /▸ central .* disconnected: 0x13 Remote User Terminated Connection \(the central closed it\)/);

    tmux.keys('p', 'C-c');
    expect(await tmux.exitStatus(status('p'))).toBe(130);
    expect(tmux.screen('p')).toMatch(/interrupted: closing/);
    // No stack trace on either screen.
    expect(tmux.screen('c') + tmux.screen('p')).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 120_000);
});
