// `blebench peripheral` as a user runs it (after `npm run build`): a broken profile is exit 2 naming
// the file and the path inside it, no stack trace; alone on the mock transport it starts,
// advertises, says it waits, and stops cleanly on SIGINT.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cliSession } from '../helpers/cli-batch.js';
import { OP } from '../../common/base/codes/hci.js';
import { decodeCapture, readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { startChild, type Child } from '../helpers/child.js';

// Its refused command lines run in one node, one after another (cliSession, test/helpers/cli-batch.ts).
const cli = cliSession({ caseLimitMs: 20_000 });
afterAll(() => cli.close());
const blebench = (...args: string[]) => cli.run(...args);
const STACK_FRAME = /\n\s+at .+\(.+:\d+:\d+\)/;

const C = '/services/0/characteristics/0';
const BROKEN = [
  { file: 'bad-json.json', path: null, says: /not valid JSON/ },
  { file: 'unknown-property.json', path: `${C}/propertys`, says: /unknown property "propertys"/ },
  { file: 'notify-security-without-notify.json', path: `${C}/security/notify`, says: /cannot notify/ },
  { file: 'duplicate-uuid.json', path: '/services/0/characteristics/1/uuid', says: /already used/ },
  { file: 'bad-uuid.json', path: `${C}/uuid`, says: /is not a Bluetooth UUID/ },
];

describe('blebench peripheral --profile with a broken file', () => {
  it.each(BROKEN)('$file: exit 2, names the file and $path, no stack trace', async ({ file, path: at, says }) => {
    const r = await blebench('peripheral', '--transport', 'mock', '--profile', `test/gatt/broken/${file}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`test/gatt/broken/${file}`);
    if (at) expect(r.stderr).toContain(at);
    expect(r.stderr).toMatch(/line \d+/);
    expect(r.stderr).toMatch(says);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stdout).not.toMatch(/advertising|waiting/);
  });

  it.each(['0', 'two', '-1'])('--max-centrals %s: exit 2 naming the flag, no stack trace', async (n) => {
    const r = await blebench('peripheral', '--transport', 'mock', '--max-centrals', n);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-centrals .*expected a positive whole number/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown profile name: exit 2 with a message, no stack trace', async () => {
    const r = await blebench('peripheral', '--transport', 'mock', '--profile', 'no-such-profile');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-profile');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('blebench peripheral --transport mock, alone', () => {
  let child: Child | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await child?.stop('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts, advertises, says it waits, and exits 0 on SIGINT', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'blebench-peripheral-'));
    const capture = path.join(dir, 'peripheral.btsnoop');
    child = startChild(process.execPath, ['bin/blebench.js', 'peripheral', '--transport', 'mock', '--btsnoop', capture, '--log-format', 'json']);
    const [line] = await child.waitForLine(/serving "blebench default" as blebench \([0-9a-fA-F:]{17}\) on mock; waiting for a central/, 15_000);
    expect(line).toBeTruthy();
    const logs = () => child!.stderr().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(logs().some((l) => /waiting for a central/.test(l.msg))).toBe(true);
    const code = await child.stop('SIGINT');
    expect(code, `exit ${code} signal ${child.proc.signalCode}; stdout: ${child.stdout()} stderr: ${child.stderr().slice(-800)}`).toBe(0);
    expect(logs().some((l) => l.msg === 'stopping')).toBe(true);
    expect(child.stderr()).not.toMatch(STACK_FRAME);
    // what went to the controller: advertising was switched on
    const entries = decodeCapture((await readBtsnoop(capture)).records);
    const enable = entries.find((e) => e.layer === 'hci-cmd' && e.fields.opcode === OP.LE_SET_ADVERTISING_ENABLE && e.raw.at(-1) === 1);
    expect(enable, 'LE Set Advertising Enable (on) in the capture').toBeDefined();
  });
});
