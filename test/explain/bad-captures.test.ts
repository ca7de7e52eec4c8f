// Damaged and foreign files: the right message and exit code, never a stack trace. The command lines go
// to one node (cliSession): what `blebench explain` prints and returns, each as its own process would.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cliSession } from '../helpers/cli-batch.js';

const tmp = mkdtempSync(join(tmpdir(), 'blebench-explain-'));
const session = cliSession();
afterAll(async () => {
  await session.close();
  rmSync(tmp, { recursive: true, force: true });
});
const source = readFileSync('fixtures/captures/pairing-refused.btsnoop');

async function explain(name: string, bytes: Buffer, ...args: string[]) {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  const r = await session.run('explain', path, ...args);
  expect(r.signal).toBeNull();
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

describe('explain on damaged or foreign files', () => {
  it('an empty file: exit 2, said to be empty', async () => {
    const r = await explain('empty.btsnoop', Buffer.alloc(0));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is empty/);
  });
  it('random bytes: exit 2, not a capture blebench reads, the first octets named', async () => {
    const bytes = Buffer.from('9f3c20e1d7a655b0c4e8127aa1f0' + '55'.repeat(40), 'hex');
    const r = await explain('random.bin', bytes);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is not a capture blebench reads \(its first octets are 9f3c20e1d7a655b0\)/);
  });
  it('a btsnoop cut mid-record: read up to the cut, the record and offset named, findings still given', async () => {
    const r = await explain('cut.btsnoop', source.subarray(0, source.length - 5));
    expect(r.status).toBe(1);
    const m = /damaged: reading stopped at record (\d+) at offset (\d+): the file ends inside the record/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeLessThan(source.length);
    expect(r.stdout).toContain('- pairing-refused');
  });
  it('a btsnoop cut inside its first record: nothing readable, exit 2', async () => {
    const r = await explain('cut-first.btsnoop', source.subarray(0, 16 + 10));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nothing could be read \(record 1 at offset 16/);
  });
  it('a gzip\'d btsnoop is read as the btsnoop inside', async () => {
    const r = await explain('snoop.btsnoop.gz', gzipSync(source), '--json');
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout) as { format: { gzip: boolean; format: string }; findings: { id: string }[] };
    expect(j.format).toMatchObject({ gzip: true, format: 'btsnoop' });
    expect(j.findings.map((f) => f.id)).toEqual(['pairing-refused']);
  });
  it('a truncated gzip stream: read up to the damage, named', async () => {
    const gz = gzipSync(source);
    const r = await explain('cut.btsnoop.gz', gz.subarray(0, gz.length - 200));
    expect([1, 2]).toContain(r.status);
    expect(r.stdout + r.stderr).toMatch(/record \d+ at offset \d+/);
  });
  it('control characters in a note reach the terminal escaped', async () => {
    // A btsnoop 2001 capture with one System Note carrying ESC and a bidi override.
    const header = Buffer.concat([Buffer.from('btsnoop\0', 'latin1'), Buffer.from([0, 0, 0, 1, 0, 0, 0x07, 0xd1])]);
    const text = Buffer.from('evil \u001b[2J\u202e note\0', 'utf8');
    const rec = Buffer.alloc(24);
    rec.writeUInt32BE(text.length, 0);
    rec.writeUInt32BE(text.length, 4);
    rec.writeUInt32BE(12, 8); // System Note, controller 0
    rec.writeUInt32BE(0x00e03ab4, 16);
    const r = await explain('note.btsnoop', Buffer.concat([header, rec, text]));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('evil \\x1b[2J\\u202e note');
    expect(r.stdout).not.toContain('\u001b');
  });
  it('--connection past the last connection: exit 2, how many there are', async () => {
    const r = await explain('two.btsnoop', source, '--connection', '9');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/the capture has 1 connection/);
  });
});
