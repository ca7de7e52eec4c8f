// --as in the consoles, the story's first cause by hand: `peripheral --interactive --as macos` (a Mac
// app's CBPeripheralManager, which refuses incoming pairing) and `central --interactive --as ios` on one
// `blebench air`. Each console says what its persona changes; the iPhone's read of Encrypted Read meets
// 0x05, it sends iOS's Pairing Request (KeyboardDisplay, Bonding + MITM + SC) and the Mac refuses it.
// Two personas at once in the console, and a broken persona, are exit 2 before any terminal is asked for.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { blebench, root, useConsoleAir } from './console-air.js';

describe('--as in the consoles', () => {
  const rig = useConsoleAir('blebench-console-persona-');
  const { tmux, status } = rig;

  it('central --as ios against peripheral --as macos: the persona lines, iOS\'s Pairing Request, the Mac\'s refusal', async () => {
    const { transport } = rig;
    tmux.start('p', [...blebench, 'peripheral', '--interactive', '--as', 'macos', '--transport', transport], status('p'), root);
    let p = await tmux.waitForScreen('p', /waiting for a central/);
    expect(p).toContain('as macOS: a Pairing Request: refused (Pairing Failed 0x05 Pairing Not Supported;');
    expect(p).toContain('"Encrypted Read" × read: readEncryptionRequired; answers 0x05 until the link is encrypted');
    tmux.start('c', [...blebench, 'central', '--interactive', '--as', 'ios', '--transport', transport], status('c'), root);
    let c = await tmux.waitForScreen('c', /❯ blebench\s+([0-9A-F]{2}:){5}[0-9A-F]{2}/i);
    expect(c).toContain('(pairing policy on-error)');
    expect(c).toContain('as iOS (fixtures/personas/ios.yaml): its Pairing Request KeyboardDisplay, bonding yes, MITM yes, Secure Connections allowed, max key size 16; it pairs after 0x05, 0x0F; when the peer has no key for its bond (0x06) it stops');
    expect(c).toContain('as iOS: not acted out: privacy: a resolvable private address (the central keeps one address in the console)');
    await tmux.step('c', ['Enter'], /names from the "blebench default" profile/);
    await tmux.waitForScreen('c', /what now\?\n❯ characteristic/);
    await tmux.step('c', ['Enter'], /\? which characteristic\?/);
    tmux.type('c', 'Encrypted Read');
    await tmux.waitForScreen('c', /❯ Encrypted Read\s{2,}/);
    await tmux.step('c', ['Enter'], /\? "Encrypted Read": which operation\?/);
    c = await tmux.step('c', ['Enter'], /✗ .*Pairing Not Supported/);
    // The pairing the read started: iOS's Pairing Request (noble/noble#243), refused by the Mac.
    expect(c).toContain('pairing (on-error: ATT 0x05 Insufficient Authentication), started by the central');
    expect(c).toContain('Pairing Request  central: KeyboardDisplay, Bonding MITM SC, OOB absent, max key 16, initiator keys EncKey IdKey, responder keys EncKey IdKey');
    p = await tmux.waitForScreen('p', /pairing with .* failed: this peripheral sent 0x05 Pairing Not Supported/);
    tmux.keys('c', 'C-c');
    expect(await tmux.exitStatus(status('c'))).toBe(130);
    tmux.keys('p', 'C-c');
    expect(await tmux.exitStatus(status('p'))).toBe(130);
    expect(tmux.screen('c') + tmux.screen('p')).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 120_000);

  it('two personas in the central console, an unknown one in the peripheral console: exit 2, named, no terminal needed', () => {
    const two = spawnSync(blebench[0]!, [...blebench.slice(1), 'central', '--interactive', '--as', 'ios,android'], { encoding: 'utf8', cwd: root });
    expect(two.status).toBe(2);
    expect(two.stderr).toContain('--as with --interactive: the console is one central, so one persona');
    const unknown = spawnSync(blebench[0]!, [...blebench.slice(1), 'peripheral', '--interactive', '--as', 'nokia'], { encoding: 'utf8', cwd: root });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no persona named "nokia"');
  });
});
