// explain_packets_per_s: a long btsnoop (one connection: pairing, then reads and notifications) explained as a
// stream in a fresh process; the time from open to result, and the process's peak memory, for 10k and 100k packets.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureWriter, openCapture, type HciRecord } from '../common/stack/capture/index.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/captures/clean.btsnoop', import.meta.url));
const EXPLAIN = new URL('../common/apps/explain/index.js', import.meta.url).href;

export async function makeCapture(path: string, packets: number): Promise<void> {
  const head: HciRecord[] = [];
  const cap = await openCapture(FIXTURE);
  for await (const r of cap.records()) if (r.type === 'hci') head.push(r);
  // Stop before the link goes down, then fill with ATT reads (request, response) on the same handle.
  const cut = head.findIndex((r) => r.kind === 'command' && r.packet.readUInt16LE(1) === 0x0406);
  const start = head.slice(0, cut < 0 ? head.length : cut);
  const read = start.filter((r) => r.kind === 'acl' && r.packet[9] === 0x0a).at(-1)!;
  const rsp = start.filter((r) => r.kind === 'acl' && r.packet[9] === 0x0b).at(-1)!;
  const w = new CaptureWriter(path, 'btsnoop-1002');
  let t = start.at(-1)!.unixMs;
  for (const r of start) w.write(r);
  for (let i = start.length; i < packets; i++) {
    t += 0.1;
    w.write({ ...(i % 2 ? rsp : read), unixMs: t });
  }
  w.close();
}

function runExplain(path: string): { ms: number; maxRssMb: number; findings: number } {
  const code = `const { explainFile } = await import(${JSON.stringify(EXPLAIN)});
const t0 = performance.now(); const r = await explainFile(${JSON.stringify(path)}); const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, findings: r.findings.length, records: r.records }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench: explain failed: ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`);
  return JSON.parse(r.stdout) as { ms: number; maxRssMb: number; findings: number };
}

export async function explainBench(): Promise<{ packetsPerS: number; rss10kMb: number; rss100kMb: number; method: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'blebench-bench-explain-'));
  try {
    const small = join(dir, '10k.btsnoop');
    const large = join(dir, '100k.btsnoop');
    await makeCapture(small, 10_000);
    await makeCapture(large, 100_000);
    const a = runExplain(small);
    const b = runExplain(large);
    return {
      packetsPerS: Math.round(100_000 / (b.ms / 1000)),
      rss10kMb: Number(a.maxRssMb.toFixed(1)),
      rss100kMb: Number(b.maxRssMb.toFixed(1)),
      method: 'a btsnoop 1002 made from fixtures/captures/clean.btsnoop (connect, pairing, encryption) then ATT Read Request/Response on the same link up to 10,000 and 100,000 packets; `explainFile` in a fresh process each (read as a stream, decoded, story and findings); rate = 100,000 / time from open to result; memory = the process\'s peak RSS (Node itself included)',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
