// `npm test`'s tool check (scripts/check-test-tools.mjs): on a machine without tshark, btmon, tmux and chromium
// a user who is not root gets the exact install command within seconds, never a test failing minutes
// in; as root with apt-get the missing packages are installed without questions.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript (it runs before anything is built), no declarations
import { checkTestTools, which } from '../../scripts/check-test-tools.mjs';
import { letOthersReach } from '../helpers/reachable-by-others.js';

const SCRIPT = path.resolve('scripts/check-test-tools.mjs');
// The check runs as nobody: the checkout must be reachable by it.
letOthersReach(process.cwd());
const TOOLS = ['tshark', 'mergecap', 'capinfos', 'btmon', 'tmux', 'chromium'];
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder readable by everyone, to be the whole PATH. */
function binDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'blebench-tools-'));
  chmodSync(d, 0o755);
  dirs.push(d);
  return d;
}

/** This machine's PATH as one folder of links, without the test tools. */
function pathWithoutTools(): string {
  const d = binDir();
  const linked = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (TOOLS.includes(name) || linked.has(name)) continue;
      linked.add(name);
      symlinkSync(path.join(dir, name), path.join(d, name));
    }
  }
  return d;
}

function fakeProgram(dir: string, name: string, body = 'exit 0'): void {
  writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

/** Runs the check in a child as a user who is not root (nobody, via setpriv, when the test runs as root). */
function runAsUser(envPath: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const node = process.execPath;
  const asRoot = process.getuid?.() === 0;
  const setpriv = which('setpriv');
  if (asRoot && !setpriv) throw new Error('running as root without setpriv (util-linux): cannot drop to another user');
  const [cmd, args] = asRoot ? [setpriv!, ['--reuid=65534', '--regid=65534', '--clear-groups', node, SCRIPT]] : [node, [SCRIPT]];
  const t0 = performance.now();
  const p = spawn(cmd, args, { env: { PATH: envPath, HOME: tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`the tool check did not end within 5 s; stderr so far: ${stderr}`));
    }, 5000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: performance.now() - t0 });
    });
  });
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('the tool check before vitest', () => {
  it('not root, tshark/mergecap/capinfos/btmon/tmux/chromium off the PATH, apt-get on it: exit 1 within 5 s with the apt-get command', async () => {
    const d = pathWithoutTools();
    for (const t of TOOLS) expect(which(t, d)).toBeUndefined();
    expect(which('apt-get', d), 'this test needs apt-get on the PATH (a Debian machine)').toBeDefined();
    const r = await runAsUser(d);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(5000);
    const sudo = which('sudo', d) ? 'sudo ' : '';
    expect(r.stderr).toContain(`${sudo}apt-get install -y --no-install-recommends tshark wireshark-common bluez tmux chromium`);
    if (!sudo) expect(r.stderr).toContain('(as root)');
    for (const t of TOOLS) expect(r.stderr).toMatch(new RegExp(`^  ${t}: `, 'm'));
    expect(r.stderr).toContain('then run `npm test` again');
    noStack(r.stderr);
  });

  it('not root on a dnf system: the dnf command with its package names', async () => {
    const d = binDir();
    fakeProgram(d, 'dnf');
    fakeProgram(d, 'sudo');
    fakeProgram(d, 'tmux');
    const r = await runAsUser(d);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sudo dnf install -y wireshark-cli bluez chromium\n');
    expect(r.stderr).not.toMatch(/^  tmux:/m);
  });

  it('on macOS with Homebrew: brew install, and btmon named as Linux-only', async () => {
    const d = binDir();
    fakeProgram(d, 'brew');
    const r = await runAsUser(d);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('    brew install wireshark tmux chromium\n');
    expect(r.stderr).toContain('btmon: brew has no package for it (btmon is Linux-only)');
  });

  it('root with apt-get: apt-get update once, then a non-interactive install of the missing packages', () => {
    const d = binDir();
    const log = path.join(d, 'apt.log');
    // A stand-in apt-get that logs its calls and, on install, puts the programs on the PATH.
    fakeProgram(d, 'apt-get', `echo "$DEBIAN_FRONTEND $*" >> ${log}\ncase "$1" in install) for t in ${TOOLS.join(' ')}; do printf '#!/bin/sh\\n' > ${d}/$t; /bin/chmod 755 ${d}/$t; done;; esac`);
    const said: string[] = [];
    const code = checkTestTools({ envPath: d, isRoot: true, say: (s: string) => said.push(s) });
    expect(code).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['noninteractive update -q', 'noninteractive install -y -q --no-install-recommends tshark wireshark-common bluez tmux chromium']);
    expect(said.join('')).toContain('tshark, mergecap, capinfos, btmon, tmux, chromium installed');
  });

  it('root with apt-get that fails: exit 1, the command to run, what is still missing', () => {
    const d = binDir();
    fakeProgram(d, 'apt-get', 'exit 100');
    const said: string[] = [];
    expect(checkTestTools({ envPath: d, isRoot: true, say: (s: string) => said.push(s) })).toBe(1);
    expect(said.join('')).toContain('apt-get could not install everything');
    expect(said.join('')).toContain('    apt-get install -y --no-install-recommends tshark wireshark-common bluez tmux chromium\n');
  });

  it('everything present: exit 0 at once', () => {
    const d = binDir();
    for (const t of TOOLS) fakeProgram(d, t);
    const said: string[] = [];
    expect(checkTestTools({ envPath: d, isRoot: false, say: (s: string) => said.push(s) })).toBe(0);
    expect(said.join('')).toBe('test tools: tshark, mergecap, capinfos, btmon, tmux, chromium found\n');
  });
});
