// A handful of faults through the real CLI (`blebench run` on the virtual radio, scenarios with
// `faults:`): a scenario whose step meets the fault fails with exit 1 and the report names the HCI
// status; a scenario that expects the fault's outcome passes with exit 0. Controller errors are
// scenario data too (`refuse-command`). No stack trace on stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { internalErrorIn, stackTraceIn } from '../bad-input/helpers/cli.js';
import { Tally } from './helpers/tally.js';

const tally = new Tally('faults (through the CLI)', 'exit codes as expected, the HCI status named');
afterAll(() => console.log(tally.line()));

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-cli-faults-'));

function scenario(name: string, faults: string[], steps: string[], centralSm = '', peripheralSm = ''): string {
  const file = path.join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
  const lines = [
    `name: ${name}`,
    'description: a fault from the fault corpus',
    'qualification: []',
    'tags: [fault]',
    'time-limit-ms: 15000',
    'peripheral:',
    '  profile: default',
    ...(peripheralSm ? [`  security-manager: ${peripheralSm}`] : []),
    'faults:',
    ...faults.map((f) => `  - ${f}`),
    'central:',
    '  pairing: never',
    ...(centralSm ? [`  security-manager: ${centralSm}`] : []),
    '  steps:',
    ...steps.map((s) => `    - ${s}`),
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}

function run(file: string) {
  const r = spawnSync(process.execPath, ['bin/blebench.js', 'run', file, '--seed', '1'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, BLEBENCH_DEBUG: '', COLUMNS: '400' } });
  expect(internalErrorIn(r.stdout + r.stderr), r.stderr).toBeUndefined();
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SC_NC = '{ io-capability: DisplayYesNo, mitm: true, sc: only, numeric-comparison: accept }';

const CASES: Array<{ name: string; file: () => string; code: number; names: RegExp }> = [
  {
    name: 'LE Create Connection refused with 0x07: the connect step fails (exit 1) naming it',
    file: () => scenario('create connection refused', ['refuse-command: { command: LE Create Connection, status: Memory Capacity Exceeded }'], ['connect:']),
    code: 1,
    names: /HCI 0x07 Memory Capacity Exceeded/,
  },
  {
    name: 'LE Create Connection refused with 0x0C, and the scenario expects it: exit 0',
    file: () => scenario('create connection refused as expected', ['refuse-command: { command: LE Create Connection }'], ['connect:\n      expect: { outcome: HCI 0x0C Command Disallowed }']),
    code: 0,
    names: /passed/,
  },
  {
    name: 'LE Enable Encryption refused with 0x02 after SC pairing: the pair step fails (exit 1) naming it',
    file: () => scenario('encryption refused by the controller', ['refuse-command: { command: LE Enable Encryption, status: 0x02 }'], ['connect:', 'pair:\n      expect: { security: { encrypted: true } }'], SC_NC, SC_NC),
    code: 1,
    names: /HCI 0x02 Unknown Connection Identifier/,
  },
  {
    name: 'link lost at the peripheral\'s SC Pairing DHKey Check: the pair step fails (exit 1) naming 0x08',
    file: () => scenario('link lost at DHKey Check', ['disconnect: { pdu: SMP Pairing DHKey Check, sent-by: peripheral }'], ['connect:', 'pair:\n      expect: { security: { encrypted: true } }'], SC_NC, SC_NC),
    code: 1,
    names: /HCI 0x08 Connection Timeout/,
  },
  {
    name: 'link lost at the Read Response of a read: exit 1 naming 0x08',
    file: () => scenario('link lost during a read', ['disconnect: { pdu: ATT Read Response, sent-by: peripheral }'], ['connect:', 'discover:', 'read: Long Value']),
    code: 1,
    names: /HCI 0x08 Connection Timeout/,
  },
];

describe('faults through blebench run', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    let ok = false;
    try {
      const r = run(c.file());
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(c.code);
      expect(r.stdout).toMatch(c.names);
      expect(stackTraceIn(r.stderr), r.stderr).toBeUndefined();
      ok = true;
    } finally {
      tally.count(ok);
    }
  });
});
