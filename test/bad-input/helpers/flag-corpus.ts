// Broken command lines for every command, generated from rules: an unknown flag, a flag missing its
// value, a bad choice, bad numbers, bad transport specs, bad passkeys and key sizes, conflicting flags.
// Each case is a command line that is valid except for one thing, and the flag (or word) the message
// must name. The valid part ends fast if the broken part were ever accepted: a transport that cannot
// open (exit 3), never a run that waits.
import { DEAD_TRANSPORT } from './corpus.js';

export interface FlagCase {
  command: string;
  rule: string;
  args: string[];
  /** What the message must name: the flag, or the word at fault. */
  names: string;
}

const SCENARIO = 'fixtures/scenarios/encrypted-write.yaml';

/** The valid base of each command (before the case's own flags). */
export const BASES: Record<string, string[]> = {
  run: ['run', SCENARIO, '--role', 'central', '--transport', DEAD_TRANSPORT],
  peripheral: ['peripheral', '--transport', DEAD_TRANSPORT],
  central: ['central', '--target', 'blebench', '--transport', DEAD_TRANSPORT],
  doctor: ['doctor'],
};

export const BAD_TRANSPORTS = [
  'bogus',
  'h4',
  'h4:unix:',
  'h4:tcp:localhost',
  'h4:tcp:localhost:0',
  'h4:tcp:localhost:70000',
  'h4:tcp:localhost:http',
  'hci:x',
  'hci:1234',
  'hci-user:-1',
  'usb:zz:01',
  'usb:1',
  'serial:',
  'serial:/dev/ttyX@12',
  'serial:/dev/ttyX@abc',
  'serial:/dev/ttyX,fast',
];

const KEY_SIZES = ['6', '17', 'abc', '', '7.5'];
const PASSKEYS = ['1234567', '-5', 'abc', '12.5', ''];

/** Drop `--transport DEAD` from a base so the case can give its own. */
const withoutTransport = (base: string[]) => base.filter((a, i) => a !== '--transport' && base[i - 1] !== '--transport');

function commonCases(command: string): FlagCase[] {
  const base = BASES[command]!;
  const out: FlagCase[] = [
    { command, rule: 'unknown flag', args: [...base, '--bogus-flag'], names: '--bogus-flag' },
    { command, rule: 'misspelt flag', args: [...base, '--log-levle', 'info'], names: '--log-levle' },
    { command, rule: '--log-level missing its value', args: [...base, '--log-level'], names: '--log-level' },
    { command, rule: 'bad --log-level choice', args: [...base, '--log-level', 'loud'], names: '--log-level' },
    { command, rule: 'bad --log-format choice', args: [...base, '--log-format', 'xml'], names: '--log-format' },
    { command, rule: '--transport missing its value', args: [...withoutTransport(base), '--transport'], names: '--transport' },
  ];
  for (const t of BAD_TRANSPORTS) out.push({ command, rule: `bad transport ${JSON.stringify(t)}`, args: [...withoutTransport(base), '--transport', t], names: '--transport' });
  return out;
}

function pairingCases(command: string): FlagCase[] {
  const base = BASES[command]!;
  const out: FlagCase[] = [
    { command, rule: 'bad --io-capability', args: [...base, '--io-capability', 'Keyboard'], names: '--io-capability' },
    { command, rule: 'bad --mitm', args: [...base, '--mitm', 'maybe'], names: '--mitm' },
    { command, rule: 'bad --sc', args: [...base, '--sc', 'perhaps'], names: '--sc' },
    { command, rule: 'bad --numeric-comparison', args: [...base, '--numeric-comparison', 'later'], names: '--numeric-comparison' },
    { command, rule: '--keys missing its value', args: [...base, '--keys'], names: '--keys' },
    { command, rule: 'conflicting key sizes: --min-key-size above --max-key-size', args: [...base, '--min-key-size', '12', '--max-key-size', '8'], names: '--min-key-size' },
  ];
  for (const v of KEY_SIZES) {
    out.push({ command, rule: `bad --min-key-size ${JSON.stringify(v)}`, args: [...base, '--min-key-size', v], names: '--min-key-size' });
    out.push({ command, rule: `bad --max-key-size ${JSON.stringify(v)}`, args: [...base, '--max-key-size', v], names: '--max-key-size' });
  }
  for (const v of PASSKEYS) out.push({ command, rule: `bad --passkey ${JSON.stringify(v)}`, args: [...base, '--passkey', v], names: '--passkey' });
  // --privacy takes host or controller; --rpa-timeout 1..3600 s (Core v5.4 Vol 4 Part E 7.8.45), and only with --privacy
  out.push({ command, rule: 'bad --privacy (choice)', args: [...base, '--privacy', 'always'], names: '--privacy' });
  for (const v of ['0', '3601', '-1', '1.5', 'soon', '']) out.push({ command, rule: `bad --rpa-timeout ${JSON.stringify(v)}`, args: [...base, '--privacy', '--rpa-timeout', v], names: '--rpa-timeout' });
  out.push({ command, rule: '--rpa-timeout without --privacy', args: [...base, '--rpa-timeout', '60'], names: '--rpa-timeout' });
  return out;
}

export function flagCorpus(): FlagCase[] {
  const out: FlagCase[] = [];
  for (const command of ['run', 'peripheral', 'central']) out.push(...commonCases(command));
  for (const command of ['peripheral', 'central']) out.push(...pairingCases(command));
  const c = BASES.central!;
  out.push(
    { command: 'central', rule: 'bad --policy', args: [...c, '--policy', 'sometimes'], names: '--policy' },
    { command: 'central', rule: 'unknown --methods word', args: [...c, '--methods', 'just-works,teleport'], names: '--methods' },
    { command: 'central', rule: 'empty --methods', args: [...c, '--methods', ''], names: '--methods' },
    { command: 'central', rule: 'empty --target', args: ['central', '--target', '', '--transport', DEAD_TRANSPORT], names: '--target' },
    { command: 'central', rule: '--target missing off mock', args: ['central', '--transport', DEAD_TRANSPORT], names: '--target' },
    { command: 'central', rule: '--target missing its value', args: ['central', '--transport', DEAD_TRANSPORT, '--target'], names: '--target' },
    { command: 'central', rule: '--interactive without a terminal', args: [...c, '--interactive'], names: '--interactive' },
  );
  for (const t of ['0', '-1', 'abc', '1.5', '', '10s', '2147483648', '99999999999999999999']) out.push({ command: 'central', rule: `bad --timeout ${JSON.stringify(t)}`, args: [...c, '--timeout', t], names: '--timeout' });
  out.push({ command: 'central', rule: '--keys an empty path', args: [...c, '--keys', ''], names: '--keys' });
  const p = BASES.peripheral!;
  out.push(
    { command: 'peripheral', rule: '--profile missing its value', args: [...p, '--profile'], names: '--profile' },
    { command: 'peripheral', rule: 'unknown built-in profile name', args: [...p, '--profile', 'defualt'], names: 'defualt' },
    { command: 'peripheral', rule: '--interactive without a terminal', args: [...p, '--interactive'], names: '--interactive' },
  );
  const r = BASES.run!;
  out.push(
    { command: 'run', rule: 'bad --reporter', args: [...r, '--reporter', 'xml'], names: '--reporter' },
    { command: 'run', rule: 'bad --role', args: [...r, '--role', 'everybody'], names: '--role' },
    { command: 'run', rule: '--out missing its value', args: [...r, '--out'], names: '--out' },
    { command: 'run', rule: '--seam-check with a scenario file', args: ['run', '--seam-check', SCENARIO], names: '--seam-check' },
    { command: 'run', rule: 'conflicting --role central with --transport mock', args: ['run', SCENARIO, '--role', 'central', '--transport', 'mock'], names: '--role' },
  );
  for (const s of ['-1', 'abc', '4294967296', '1.5', '']) out.push({ command: 'run', rule: `bad --seed ${JSON.stringify(s)}`, args: [...r, '--seed', s], names: '--seed' });
  out.push(
    { command: 'doctor', rule: 'unknown flag', args: ['doctor', '--bogus-flag'], names: '--bogus-flag' },
    { command: 'doctor', rule: 'an argument it does not take', args: ['doctor', 'extra'], names: 'doctor' },
    { command: '(none)', rule: 'unknown command', args: ['no-such-command'], names: 'no-such-command' },
    { command: '(none)', rule: 'misspelt command', args: ['centrl'], names: 'centrl' },
    { command: '(none)', rule: 'unknown top-level flag', args: ['--bogus-flag'], names: '--bogus-flag' },
  );
  return out;
}

/** `blebench air` waits for a signal once it listens, so its cases run as real processes (with a time limit). */
export function airFlagCorpus(): FlagCase[] {
  const command = 'air';
  return [
    { command, rule: 'no --listen', args: ['air'], names: '--listen' },
    { command, rule: '--listen missing its value', args: ['air', '--listen'], names: '--listen' },
    { command, rule: 'unknown scheme', args: ['air', '--listen', 'udp:1.2.3.4:5'], names: '--listen' },
    { command, rule: 'not loopback', args: ['air', '--listen', 'tcp:0.0.0.0:0'], names: '--listen' },
    { command, rule: 'port out of range', args: ['air', '--listen', 'tcp:127.0.0.1:99999'], names: '--listen' },
    { command, rule: 'port not a number', args: ['air', '--listen', 'tcp:127.0.0.1:http'], names: '--listen' },
    { command, rule: 'empty unix path', args: ['air', '--listen', 'unix:'], names: '--listen' },
    { command, rule: 'unknown flag', args: ['air', '--listen', 'unix:/nonexistent/x.sock', '--bogus-flag'], names: '--bogus-flag' },
    { command, rule: 'bad --log-level choice', args: ['air', '--listen', 'unix:/nonexistent/x.sock', '--log-level', 'loud'], names: '--log-level' },
    { command, rule: 'unix: in a folder that does not exist', args: ['air', '--listen', 'unix:/nonexistent/blebench-air/x.sock'], names: '/nonexistent/blebench-air does not exist' },
    { command, rule: 'pty: in a folder that does not exist', args: ['air', '--listen', 'pty:/nonexistent/blebench-air/tty'], names: '/nonexistent/blebench-air does not exist' },
    { command, rule: 'unix: at a directory', args: ['air', '--listen', 'unix:/tmp'], names: 'is a directory' },
    { command, rule: '--btsnoop a directory', args: ['air', '--listen', 'tcp:127.0.0.1:0', '--btsnoop', '/tmp'], names: '--btsnoop' },
    { command, rule: '--btsnoop in a folder that does not exist', args: ['air', '--listen', 'tcp:127.0.0.1:0', '--btsnoop', '/nonexistent/blebench-air/c.btsnoop'], names: '--btsnoop' },
  ];
}
