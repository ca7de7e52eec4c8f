// explain_packets_per_s: a long btsnoop (one connection: pairing, then reads and notifications) explained as a
// stream in a fresh process; the time from open to result, and the process's peak memory, for 10k and 100k packets
// (`--explain-packets N`: N and N/10, the figures' names saying which: explain_rss_mb_100k, explain_rss_mb_2k, …).
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

function runExplain(path: string): { ms: number; maxRssMb: number; findings: number; records: number } {
  const code = `const { explainFile } = await import(${JSON.stringify(EXPLAIN)});
const t0 = performance.now(); const r = await explainFile(${JSON.stringify(path)}); const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, findings: r.findings.length, records: r.records }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench: explain failed: ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`);
  return JSON.parse(r.stdout) as { ms: number; maxRssMb: number; findings: number; records: number };
}

/** A packet count as the figures' names say it: 100000 → 100k, 2500 → 2500. */
const countName = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

export async function explainBench(packets = 100_000): Promise<{ figures: Record<string, number>; method: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'blebench-bench-explain-'));
  const smallPackets = Math.round(packets / 10);
  try {
    const small = join(dir, 'small.btsnoop');
    const large = join(dir, 'large.btsnoop');
    await makeCapture(small, smallPackets);
    await makeCapture(large, packets);
    const a = runExplain(small);
    const b = runExplain(large);
    if (a.records !== smallPackets || b.records !== packets) throw new Error(`bench: explain read ${a.records} and ${b.records} records of captures of ${smallPackets} and ${packets} packets`);
    return {
      figures: {
        explain_packets_per_s: Math.round(packets / (b.ms / 1000)),
        [`explain_rss_mb_${countName(smallPackets)}`]: Number(a.maxRssMb.toFixed(1)),
        [`explain_rss_mb_${countName(packets)}`]: Number(b.maxRssMb.toFixed(1)),
      },
      method: `a btsnoop 1002 made from fixtures/captures/clean.btsnoop (connect, pairing, encryption) then ATT Read Request/Response on the same link up to ${smallPackets.toLocaleString('en')} and ${packets.toLocaleString('en')} packets; \`explainFile\` in a fresh process each (read as a stream, decoded, story and findings); rate = ${packets.toLocaleString('en')} / time from open to result; memory = the process's peak RSS (Node itself included)`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
