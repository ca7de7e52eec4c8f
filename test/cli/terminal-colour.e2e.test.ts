// Colour on a terminal only, decided by the process itself: under a pseudo-terminal (util-linux
// `script`) `blebench central` and `blebench run` paint; NO_COLOR=1 or --no-color stop the colour (the
// ✓/✗ marks of a terminal stay); a pipe gets neither. Every command that prints a table takes --no-color.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../bin/main.js';

const ESC = '\u001b[';
const SCENARIO = 'fixtures/scenarios/open-read.yaml';

/** The command under a pseudo-terminal: its stdout is a TTY (`script -qec CMD /dev/null`). */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cmd = ['node', 'bin/blebench.js', ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '', TERM: 'xterm', ...env } });
  return { code: r.status, out: r.stdout };
}

describe('colour only on a terminal', () => {
  it('blebench central paints its verdict and cells under a terminal, and fits 100 columns when the terminal does not say', () => {
    const r = onTerminal(['central', '--log-level', 'silent'], { COLUMNS: '' });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${ESC}32mverdict: OK`);
    expect(r.out).toMatch(/\u001b\[33mATT 0x05/);
    const plain = r.out.replace(/\u001b\[[0-9;]*m/g, '').split(/\r?\n/);
    expect(plain.filter((l) => [...l].length > 100)).toEqual([]);
  }, 60_000);

  it('blebench run paints PASS on a terminal; NO_COLOR=1 and --no-color stop it; a pipe never has it', () => {
    expect(onTerminal(['run', SCENARIO]).out).toContain(`${ESC}32mPASS`);
    for (const r of [onTerminal(['run', SCENARIO], { NO_COLOR: '1' }), onTerminal(['run', SCENARIO, '--no-color'])]) {
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^PASS +open read/m);
      expect(r.out).not.toContain(ESC);
    }
    const piped = spawnSync(process.execPath, ['bin/blebench.js', 'run', SCENARIO], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '' } });
    expect(piped.stdout).toMatch(/^PASS +open read/m);
    expect(piped.stdout).not.toContain(ESC);
  }, 60_000);

  it('every command that prints a table or a report takes --no-color', async () => {
    const program = await buildProgram();
    for (const name of ['central', 'run', 'doctor', 'explain', 'fuzz']) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      expect(cmd.options.map((o) => o.long), name).toContain('--no-color');
    }
  });
});
