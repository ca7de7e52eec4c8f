// Ctrl-C at any moment ends a console with 130, the link closed: not only at an open prompt.
// - Enter and Ctrl-C read in one chunk (typed before the console read either: a busy machine): the
//   prompt Enter settled dropped the 0x03 that followed, and the console waited at its next menu for
//   ever (common/apps/console/keyboard-interrupt.ts).
// - A SIGINT handled while a prompt is open (a Ctrl-C between two prompts whose signal the event loop
//   took after the next prompt opened; or SIGTERM, `kill -INT`): inquirer's signal-exit, finding its
//   handler the only one, killed the process with the signal: 130 from the shell, but no link closed
//   and no key store write waited for (bin/interactive.ts).
import { describe, expect, it } from 'vitest';
import { blebench, root, useConsoleAir } from './console-air.js';

const CLOSED = /interrupted: closing the link\n(?:.*\n)*?link to ([0-9A-F]{2}:){5}[0-9A-F]{2} closed/;

describe('Ctrl-C between prompts', () => {
  const rig = useConsoleAir('blebench-console-ctrl-c-');
  const { tmux, status } = rig;

  it('the central console ends 130 with the link closed, whether Ctrl-C comes with the key that closed a menu or as a signal at an open one', async () => {
    const { transport } = rig;
    tmux.start('p', [...blebench, 'peripheral', '--interactive', '--profile', 'default', '--transport', transport], status('p'), root);
    await tmux.waitForScreen('p', /waiting for a central/);
    const connected = async (name: string) => {
      tmux.start(name, [...blebench, 'central', '--interactive', '--transport', transport], status(name), root);
      await tmux.waitForScreen(name, /❯ blebench\s+([0-9A-F]{2}:){5}[0-9A-F]{2}/);
      await tmux.step(name, ['Enter'], /names from the "blebench default" profile/);
      await tmux.waitForScreen(name, /\? blebench \(.*\): what now\?\n❯ characteristic/);
    };

    // Enter and Ctrl-C in one write to the terminal: the menu closes on Enter, the link's security is
    // printed, and the Ctrl-C that came with the Enter ends the console before (or at) the next menu.
    await connected('together');
    tmux.type('together', 'security');
    await tmux.waitForScreen('together', /❯ security of the link/);
    tmux.keys('together', 'Enter', 'C-c');
    expect(await tmux.exitStatus(status('together'))).toBe(130);
    expect(tmux.screen('together')).toMatch(CLOSED);

    // SIGINT, then SIGTERM, handled while a menu is open: the console closes the link itself.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const name = signal.toLowerCase();
      await connected(name);
      process.kill(tmux.programPid(name), signal);
      expect(await tmux.exitStatus(status(name))).toBe(130);
      expect(tmux.screen(name)).toMatch(CLOSED);
    }

    tmux.keys('p', 'C-c');
    expect(await tmux.exitStatus(status('p'))).toBe(130);
    expect(['together', 'sigint', 'sigterm', 'p'].map((n) => tmux.screen(n)).join('')).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 120_000);

  it('the peripheral console ends 130 when Ctrl-C comes with the key that closed its menu', async () => {
    const { transport } = rig;
    tmux.start('pp', [...blebench, 'peripheral', '--interactive', '--profile', 'default', '--transport', transport], status('pp'), root);
    await tmux.waitForScreen('pp', /waiting for a central/);
    tmux.type('pp', 'bonds');
    await tmux.waitForScreen('pp', /❯ bonds: show the keys kept/);
    tmux.keys('pp', 'Enter', 'C-c');
    expect(await tmux.exitStatus(status('pp'))).toBe(130);
    expect(tmux.screen('pp')).toMatch(/interrupted: closing/);
  }, 60_000);
});
