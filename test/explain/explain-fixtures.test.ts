// explain on each pattern's fixture, in every format: it names that pattern and no other, with evidence frames
// whose packets tshark reads as the same thing (a Pairing Failed frame is SMP 0x05 in tshark too).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliSession } from '../helpers/cli-batch.js';
import { PATTERNS as ALL_PATTERNS, explainFile } from '../../common/apps/explain/index.js';
import { tsharkRowsOf, type Row } from '../capture/decoded-rows.js';

const DIR = 'fixtures/captures';
const FORMATS = ['btsnoop', 'btsnoop-1001', 'btsnoop-2001', 'pklg', 'pklg-be', 'pcapng'];
const PATTERNS = ['no-pairing-after-security-error', 'pairing-refused', 'security-too-low-after-pairing', 'key-size-too-small', 'passkey-or-confirm-failed', 'numeric-comparison-rejected', 'repeated-attempts', 'peripheral-lost-bond',
  'key-mismatch', 'central-lost-bond', 'encryption-not-restored-on-reconnect', 'mitm-unreachable', 'sc-only-vs-legacy', 'security-request-ignored', 'pairing-timeout', 'rpa-not-resolved'];

/** The command's lines go to one node: what `blebench explain` prints and returns, each as its own process would. */
const session = cliSession();
afterAll(() => session.close());
const explain = async (...args: string[]) => {
  const r = await session.run('explain', ...args);
  expect(r.signal).toBeNull();
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
};

/** tshark's rows of every pattern's fixture in every format, read with one tshark start for all (decoded-rows.ts). */
let tsharkRead: Map<string, Row[]> | undefined;
const tsharkRows = (file: string): Row[] => (tsharkRead ??= tsharkRowsOf(PATTERNS.flatMap((p) => FORMATS.map((fmt) => join(DIR, `${p}.${fmt}`))))).get(file)!;

/** What tshark must show at an evidence frame, from the evidence's words. */
function agrees(what: string, row: Row | undefined): boolean {
  if (!row) return false;
  if (what.startsWith('Pairing Failed')) return row.smp === '0x05';
  if (what.startsWith('Pairing Request')) return row.smp === '0x01';
  if (what.startsWith('Pairing Response')) return row.smp === '0x02';
  if (what.startsWith('Security Request')) return row.smp === '0x0b';
  if (what.startsWith('disconnection')) return row.event === '0x05';
  if (what.startsWith('ATT ')) return row.att === '0x01';
  if (what.startsWith('Encryption Change')) return row.event === '0x08';
  if (what.startsWith('LE Enable Encryption')) return row.kind === 'command';
  return true;
}

describe('explain names the pattern each fixture shows, and only it', () => {
  it('a clean capture (pairing, encryption, reads) has no findings and says so; exit 0', async () => {
    const r = await explain(join(DIR, 'clean.btsnoop'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('findings: none');
    expect(r.stdout).toMatch(/encrypted after Just Works pairing/);
  });
  for (const pattern of PATTERNS) {
    for (const fmt of FORMATS) {
      const file = join(DIR, `${pattern}.${fmt}`);
      it(`${pattern}.${fmt}: ${pattern}, evidence frames tshark agrees with`, async () => {
        const r = await explainFile(file);
        expect(r.findings.map((f) => f.id)).toEqual([pattern]);
        const rows = new Map(tsharkRows(file).map((x) => [x.frame, x]));
        for (const e of r.findings[0]!.evidence) expect(agrees(e.what, rows.get(e.frame)), `frame ${e.frame} (${e.what})`).toBe(true);
      });
    }
  }
  it('the JSON names the pattern by id, exit 1', async () => {
    const r = await explain('--json', join(DIR, 'pairing-refused.pklg'));
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout) as { findings: { id: string; evidence: { frame: number }[] }[]; connections: { hostRole: string }[] };
    expect(j.findings.map((f) => f.id)).toEqual(['pairing-refused']);
    expect(j.connections[0]!.hostRole).toBe('central');
  });
  it('--central puts what that platform is known to do first, marked as the user\'s central', async () => {
    const r = await explain('--central', 'noble', join(DIR, 'no-pairing-after-security-error.btsnoop'));
    expect(r.status).toBe(1);
    const known = r.stdout.split('\n').filter((l) => l.trim().startsWith('known on'));
    expect(known[0]).toMatch(/^\s+known on noble \(your central\): .*\[noble\/noble#295\]/);
    expect((await explain('--central', 'nokia', join(DIR, 'clean.btsnoop'))).status).toBe(2);
  });
  it('every pattern has a fixture capture, and every fixture is a pattern or clean', () => {
    const names = new Set(readdirSync(DIR).filter((f) => FORMATS.some((x) => f.endsWith(`.${x}`))).map((f) => f.split('.')[0]));
    expect([...names].sort()).toEqual(['clean', ...Object.keys(ALL_PATTERNS)].sort());
  });
});
