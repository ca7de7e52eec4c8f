// `--passkey ask` and `--numeric-comparison ask` in the consoles, in real terminals (tmux) on one
// `blebench air`: a person reads the passkey the peripheral console shows and types it into the
// central console; both people compare a number, one says no (0x0C Numeric Comparison Failed, the
// other console's question closes), then both say yes. The MITM-protected characteristic is read
// only after the pairings that are authenticated.
import { afterEach, describe, expect, it } from 'vitest';
import { blebench, root, useConsoleAir } from './console-air.js';
const ADDRESS = /(?:[0-9a-f]{2}:){5}[0-9a-f]{2}/;

const NC_FLAGS = ['--io-capability', 'DisplayYesNo', '--mitm', 'required', '--numeric-comparison', 'ask', '--no-bonding'];
const NC_QUESTION = /does it show (\d{6})\? \(y\/N\)/;

describe('pairing questions in the consoles, on one blebench air', () => {
  const rig = useConsoleAir('blebench-ask-');
  const { tmux, status } = rig;

  // A failed test must not leave its peripheral advertising for the next test's central to pick.
  const started: string[] = [];
  afterEach(() => {
    for (const name of started.splice(0)) tmux.killSession(name);
  });


  /** Both consoles up, the central connected to the peripheral. */
  async function consoles(p: string, c: string, peripheralFlags: string[], centralFlags: string[]): Promise<void> {
    started.push(p, c);
    tmux.start(p, [...blebench, 'peripheral', '--interactive', '--profile', 'default', '--transport', rig.transport, ...peripheralFlags], status(p), root);
    await tmux.waitForScreen(p, /waiting for a central/);
    tmux.start(c, [...blebench, 'central', '--interactive', '--policy', 'never', '--transport', rig.transport, ...centralFlags], status(c), root);
    await tmux.waitForScreen(c, /❯ blebench\s+([0-9A-F]{2}:){5}[0-9A-F]{2}/);
    await tmux.step(c, ['Enter'], /names from the "blebench default" profile/);
    await tmux.waitForScreen(c, /\? blebench \(.*\): what now\?\n❯ characteristic/);
    await tmux.waitForScreen(p, /▸ central .* connected, link handle/);
  }

  async function readAuthenticated(c: string, expected: RegExp): Promise<string> {
    await tmux.waitForScreen(c, /\? blebench \(.*\) \[encrypted\]: what now\?\n❯ characteristic/);
    await tmux.step(c, ['Enter'], /\? which characteristic\?/);
    tmux.type(c, 'Authenticated Read');
    await tmux.waitForScreen(c, /❯ Authenticated Read\s{2,}/);
    await tmux.step(c, ['Enter'], /\? "Authenticated Read": which operation\?/);
    return tmux.step(c, ['Enter'], expected);
  }

  async function quit(...names: string[]): Promise<void> {
    for (const n of names) {
      tmux.keys(n, 'C-c');
      expect(await tmux.exitStatus(status(n))).toBe(130);
    }
  }

  it('Passkey Entry: the central console asks for the passkey the peripheral console shows; typed right, the MITM-protected read succeeds', async () => {
    await consoles('pk-p', 'pk-c', ['--io-capability', 'DisplayOnly', '--passkey', 'random'], ['--io-capability', 'KeyboardOnly', '--mitm', 'required', '--passkey', 'ask']);

    // Before pairing the authenticated characteristic answers 0x05.
    await tmux.step('pk-c', ['Enter'], /\? which characteristic\?/);
    tmux.type('pk-c', 'Authenticated Read');
    await tmux.waitForScreen('pk-c', /❯ Authenticated Read\s{2,}/);
    await tmux.step('pk-c', ['Enter'], /\? "Authenticated Read": which operation\?/);
    await tmux.step('pk-c', ['Enter'], /✗ ATT 0x05 Insufficient Authentication/);

    tmux.type('pk-c', 'pair');
    await tmux.waitForScreen('pk-c', /❯ pair now/);
    const asked = await tmux.step('pk-c', ['Enter'], /\? pairing with .* \(LE Secure Connections Passkey Entry\): type the 6-digit passkey it shows \(empty cancels\)/);
    expect(asked).toMatch(/pairing with blebench's Security Manager \(IO capability KeyboardOnly, MITM required/);
    // The peripheral console shows it in a box, naming the central.
    const p = await tmux.waitForScreen('pk-p', /┃ {2}PASSKEY {2}(\d{6})/);
    const passkey = /┃ {2}PASSKEY {2}(\d{6})/.exec(p)![1]!;
    expect(p).toMatch(new RegExp(`┃  type it on ${ADDRESS.source} \\(Passkey Entry\\)`, 'i'));

    // A wrong shape is refused at the prompt, nothing is sent.
    await tmux.step('pk-c', { text: '12ab' }, /type the 6-digit passkey it shows \(empty cancels\) 12ab/);
    await tmux.step('pk-c', ['Enter'], /a passkey is 6 digits \(000000 to 999999\), "12ab" is not; leave it empty to cancel the pairing/);
    tmux.keys('pk-c', 'BSpace', 'BSpace', 'BSpace', 'BSpace');
    await tmux.step('pk-c', { text: passkey }, new RegExp(`empty cancels\\) ${passkey}`));
    const c = await tmux.step('pk-c', ['Enter'], /✓ paired: the link is encrypted, key size 16 octets/);
    expect(c).toMatch(/method: LE Secure Connections Passkey Entry/);
    await tmux.waitForScreen('pk-p', /▸ link to .* encrypted, key size 16 octets/);

    await readAuthenticated('pk-c', /✓ "Authenticated Read" = 10 octets: .* "needs MITM"/);
    await tmux.waitForScreen('pk-p', /Read Request for "Authenticated Read" \(handle 0x[0-9A-F]{4}\) → answered with 10 octets/);
    await quit('pk-c', 'pk-p');
    expect(tmux.screen('pk-c') + tmux.screen('pk-p')).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 120_000);

  it('Ctrl-C at the passkey question cancels the pairing and ends the console with 130, the link closed', async () => {
    await consoles('cc-p', 'cc-c', ['--io-capability', 'DisplayOnly', '--passkey', 'random'], ['--io-capability', 'KeyboardOnly', '--mitm', 'required', '--passkey', 'ask']);
    tmux.type('cc-c', 'pair');
    await tmux.waitForScreen('cc-c', /❯ pair now/);
    await tmux.step('cc-c', ['Enter'], /type the 6-digit passkey it shows \(empty cancels\)/);
    await tmux.waitForScreen('cc-p', /┃ {2}PASSKEY {2}\d{6}/);
    tmux.keys('cc-c', 'C-c');
    expect(await tmux.exitStatus(status('cc-c'))).toBe(130);
    expect(tmux.screen('cc-c')).toMatch(/interrupted: closing the link/);
    // The cancel went over the air before the link closed: Passkey Entry Failed from the central.
    await tmux.waitForScreen('cc-p', /▸ pairing with .* failed: the central sent 0x01 Passkey Entry Failed/);
    await tmux.waitForScreen('cc-p', /▸ central .* disconnected/);
    await quit('cc-p');
    expect(tmux.screen('cc-c') + tmux.screen('cc-p')).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 120_000);

  it('Numeric Comparison: both consoles show the same number; "no" on the central fails with 0x0C and closes the peripheral\'s question; an immediate retry meets the waiting interval (0x09)', async () => {
    await consoles('nc-p', 'nc-c', NC_FLAGS, NC_FLAGS);

    // The central's person says no.
    tmux.type('nc-c', 'pair');
    await tmux.waitForScreen('nc-c', /❯ pair now/);
    let c = await tmux.step('nc-c', ['Enter'], NC_QUESTION);
    const p = await tmux.waitForScreen('nc-p', NC_QUESTION);
    expect(NC_QUESTION.exec(p)![1]).toBe(NC_QUESTION.exec(c)![1]);
    expect(c).toMatch(/\? pairing with .* \(LE Secure Connections Numeric Comparison\): does it show/);
    tmux.type('nc-c', 'n');
    c = await tmux.step('nc-c', ['Enter'], /the numbers differ: the pairing fails with 0x0C Numeric Comparison Failed/);
    c = await tmux.waitForScreen('nc-c', /result: failed: .*0x0C Numeric Comparison Failed/);
    await tmux.waitForScreen('nc-p', /✗ the numeric comparison closed: the pairing ended: the peer sent Pairing Failed: Numeric Comparison Failed/);
    await tmux.waitForScreen('nc-p', /▸ pairing with .* failed: the central sent 0x0C Numeric Comparison Failed/);
    // The peripheral's menu is back, whole.
    await tmux.waitForScreen('nc-p', /\? serving "blebench default", central .* connected: what now\?\n❯ set a value/);

    // Pairing again at once: the peripheral is within its waiting interval (Core v5.4 Vol 3 Part H 2.3.6).
    await tmux.waitForScreen('nc-c', /\? blebench \(.*\): what now\?\n❯ characteristic/);
    tmux.type('nc-c', 'pair');
    await tmux.waitForScreen('nc-c', /❯ pair now/);
    await tmux.step('nc-c', ['Enter'], /✗ pairing failed: the peripheral sent Pairing Failed 0x09 Repeated Attempts/);
    await quit('nc-c', 'nc-p');
    expect(tmux.screen('nc-c') + tmux.screen('nc-p')).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 120_000);

  it('Numeric Comparison: "yes" on both consoles pairs with the same number, and the MITM-protected read succeeds', async () => {
    await consoles('ny-p', 'ny-c', NC_FLAGS, NC_FLAGS);
    tmux.type('ny-c', 'pair');
    await tmux.waitForScreen('ny-c', /❯ pair now/);
    let c = await tmux.step('ny-c', ['Enter'], NC_QUESTION);
    const p = await tmux.waitForScreen('ny-p', NC_QUESTION);
    expect(NC_QUESTION.exec(p)![1]).toBe(NC_QUESTION.exec(c)![1]);
    tmux.type('ny-p', 'y');
    await tmux.step('ny-p', ['Enter'], /✔ pairing with .* does it show \d{6}\? Yes/);
    tmux.type('ny-c', 'y');
    c = await tmux.step('ny-c', ['Enter'], /✓ paired: the link is encrypted, key size 16 octets/);
    expect(c).toMatch(/method: LE Secure Connections Numeric Comparison/);

    await readAuthenticated('ny-c', /✓ "Authenticated Read" = 10 octets: .* "needs MITM"/);
    await quit('ny-c', 'ny-p');
    expect(tmux.screen('ny-c') + tmux.screen('ny-p')).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 120_000);
});
