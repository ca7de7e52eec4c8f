import { until } from '../helpers/until.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BTSNOOP_EPOCH_OFFSET_US } from '../../common/stack/trace/btsnoop-format.js';
import { BtsnoopFormatError, decodeCapture, parseBtsnoop, readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { BtsnoopWriter } from '../../common/stack/trace/btsnoop-writer.js';
import { centralSession } from './packets.js';

const dir = mkdtempSync(join(tmpdir(), 'blebench-btsnoop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('btsnoop writer → reader', () => {
  it('writes the version 1 / datalink 1002 header and flags per record', async () => {
    const path = join(dir, 'a', 'b', 'flags.btsnoop');
    const w = new BtsnoopWriter(path);
    w.write('tx', Buffer.from([0x01, 0x03, 0x0c, 0x00]), 1_700_000_000_000_000);
    w.write('rx', Buffer.from([0x04, 0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00]), 1_700_000_000_000_001);
    w.write('tx', Buffer.from([0x02, 0x40, 0x00, 0x00, 0x00]), 1_700_000_000_000_002);
    w.write('rx', Buffer.from([0x02, 0x40, 0x20, 0x00, 0x00]), 1_700_000_000_000_003);
    await w.close();
    const raw = readFileSync(path);
    expect(raw.subarray(0, 16).toString('hex')).toBe(Buffer.from('btsnoop\0').toString('hex') + '00000001' + '000003ea');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    const cap = parseBtsnoop(raw);
    expect(cap).toMatchObject({ version: 1, datalink: 1002 });
    expect(cap.truncated).toBeUndefined();
    expect(cap.records.map((r) => r.flags)).toEqual([0b10, 0b11, 0b00, 0b01]);
    expect(cap.records.map((r) => r.dir)).toEqual(['tx', 'rx', 'tx', 'rx']);
    expect(cap.records[0]!.timestamp).toBe(1_700_000_000_000_000n + BTSNOOP_EPOCH_OFFSET_US);
    expect(cap.records[3]!.timestamp - cap.records[0]!.timestamp).toBe(3n);
    expect(cap.records[0]!).toMatchObject({ originalLength: 4, includedLength: 4, cumulativeDrops: 0, commandOrEvent: true });
  });

  it('round-trips any packets and timestamps exactly, across chunk boundaries', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom<'tx' | 'rx'>('tx', 'rx'), fc.uint8Array({ minLength: 1, maxLength: 700 }), fc.integer({ min: 0, max: 4_000_000_000_000_000 })), { maxLength: 60 }),
        async (records) => {
          const path = join(dir, `rt-${n++}.btsnoop`);
          const w = new BtsnoopWriter(path, { chunkBytes: 1024 });
          for (const [d, p, t] of records) w.write(d, Buffer.from(p), t);
          await w.close();
          const cap = await readBtsnoop(path);
          expect(cap.records).toHaveLength(records.length);
          cap.records.forEach((r, i) => {
            const [d, p, t] = records[i]!;
            expect(r.dir).toBe(d);
            expect(r.packet).toEqual(Buffer.from(p));
            expect(r.timestamp).toBe(BigInt(t) + BTSNOOP_EPOCH_OFFSET_US);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('flush() makes records readable while the writer stays open', async () => {
    const path = join(dir, 'live.btsnoop');
    const w = new BtsnoopWriter(path, { flushIntervalMs: 60_000 });
    for (const [d, p] of centralSession()) w.write(d, p);
    await w.flush();
    expect((await readBtsnoop(path)).records).toHaveLength(centralSession().length);
    await w.close();
    await w.close(); // idempotent
  });

  it('the timer writes a partly filled chunk without flush() or close()', async () => {
    const path = join(dir, 'timer.btsnoop');
    const w = new BtsnoopWriter(path, { flushIntervalMs: 10 });
    w.write('tx', Buffer.from([0x01, 0x03, 0x0c, 0x00]));
    // nothing calls flush() or close(): only the writer's own timer can put the record on disk
    const records = await until(async () => {
      const r = (await readBtsnoop(path)).records;
      return r.length > 0 ? r : undefined;
    }, 'the timer to write the chunk', 2000);
    expect(records).toHaveLength(1);
    await w.close();
  });

  it('throws at creation when the file cannot be created', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => new BtsnoopWriter(join(file, 'x.btsnoop'))).toThrow();
  });

  it('a capture survives process.exit() without close()', () => {
    // The child runs the built writer (dist/, built by npm test's pretest from the same sources, as every
    // e2e test's bin/blebench.js), writes, then exits at once.
    const writer = resolve(import.meta.dirname, '../../dist/common/stack/trace/btsnoop-writer.js');
    const path = join(dir, 'exit.btsnoop');
    const script = `import { BtsnoopWriter } from ${JSON.stringify(pathToFileURL(writer).href)};
      const w = new BtsnoopWriter(${JSON.stringify(path)}, { flushIntervalMs: 60000 });
      for (let i = 0; i < 5000; i++) w.write(i % 2 ? 'rx' : 'tx', Buffer.from([0x02, 0x40, 0x00, 0x03, 0x00, 1, 2, i & 0xff]));
      process.exit(0);`;
    execFileSync(process.execPath, ['--input-type=module', '-e', script]);
    const cap = parseBtsnoop(readFileSync(path));
    expect(cap.truncated).toBeUndefined();
    expect(cap.records).toHaveLength(5000);
    expect(cap.records[4999]!.packet.at(-1)).toBe(4999 & 0xff);
  });
});

describe('btsnoop reader', () => {
  it('rejects a file that is not btsnoop', () => {
    expect(() => parseBtsnoop(Buffer.from('hello world, not a capture'))).toThrow(BtsnoopFormatError);
  });

  it('returns the records before a truncated tail and says where', async () => {
    const path = join(dir, 'trunc.btsnoop');
    const w = new BtsnoopWriter(path);
    for (const [d, p] of centralSession()) w.write(d, p);
    await w.close();
    const whole = readFileSync(path);
    const cap = parseBtsnoop(whole.subarray(0, whole.length - 3));
    expect(cap.records).toHaveLength(centralSession().length - 1);
    expect(cap.truncated).toMatch(/record at offset \d+ says \d+ octets/);
  });

  it('decodes a capture into the same timeline the tap builds', async () => {
    const path = join(dir, 'decode.btsnoop');
    const w = new BtsnoopWriter(path);
    for (const [d, p] of centralSession()) w.write(d, p);
    await w.close();
    const entries = decodeCapture((await readBtsnoop(path)).records);
    expect(entries.find((e) => e.name === 'ATT Error Response')?.summary).toBe('ATT Error Response: Read Request handle 0x0003 → 0x05 Insufficient Authentication');
    expect(entries.filter((e) => e.layer === 'malformed')).toEqual([]);
  });
});
