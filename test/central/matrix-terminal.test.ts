// The matrix as a new user reads it in a terminal: every line fits the width (60, 100, 200 columns),
// the verdict comes before the table, each cell's reason only with --verbose, SIG names instead of
// numbers (Appearance decoded), the paired column saying per cell what the link really was, colour and
// ✓/✗ only when the style asks for them. The default profile served by the project's own peripheral.
import { describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { loadProfile } from '../../common/stack/gatt/load-profile.js';
import { runMatrix } from '../../central/matrix/run-matrix.js';
import { renderMatrixTable } from '../../central/matrix/render-table.js';
import { cellLinks } from '../../central/matrix/cell-link.js';
import type { MatrixResult } from '../../central/matrix/matrix-types.js';
import { plainStyle, visibleWidth, type TextStyle } from '../../common/base/output/style.js';

const world = useWorld();

async function walk(withProfile: boolean): Promise<MatrixResult> {
  const profile = loadProfile('default');
  const w = await world({ radio: { name: 'matrix-terminal' }, peripheral: { profile }, central: { policy: 'on-error', timeoutMs: 3000 } });
  const found = await w.client.find({ kind: 'name', value: profile.advertising.localName });
  return runMatrix(w.client, found, { policy: 'on-error', ...(withProfile ? { profile } : {}) });
}

/** The row of a characteristic (its name, then the padding: "Encrypted Read" is not "Encrypted Read Answering 0x0F"). */
const rows = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}  `));
const rowOf = (text: string, name: string) => rows(text, name)[0];

describe('the matrix in a terminal', () => {
  it('fits 60, 100 and 200 columns, verbose or not; verdict first; reasons only with --verbose', async () => {
    const r = await walk(true);
    // every cell of every phase, counted from the walk (the GATT service's own characteristics among them)
    const cells = r.phases.reduce((n, p) => n + p.cells.length, 0);
    expect(cells).toBeGreaterThan(0);
    for (const width of [60, 100, 200]) {
      for (const verbose of [false, true]) {
        const text = renderMatrixTable(r, { style: plainStyle(width), verbose });
        const long = text.split('\n').filter((l) => visibleWidth(l) > width);
        expect(long, `width ${width}${verbose ? ' --verbose' : ''}`).toEqual([]);
        const lines = text.split('\n');
        const verdict = lines.findIndex((l) => l.startsWith(`verdict: OK: all ${cells} cell(s)`));
        const header = lines.findIndex((l) => l.startsWith('characteristic '));
        expect(verdict).toBeGreaterThan(-1);
        expect(header).toBeGreaterThan(verdict);
        expect(lines.includes('why:')).toBe(verbose);
        // Every cell has its reason in the verbose text (a line of its own, its wrapped rest indented deeper), none without.
        const why = lines.indexOf('why:');
        const reasons = why < 0 ? [] : lines.slice(why + 1, lines.indexOf('', why)).filter((l) => /^ {2}\S/.test(l));
        expect(reasons.length).toBe(verbose ? cells : 0);
        if (verbose) expect(reasons.every((l) => / × /.test(l))).toBe(true);
      }
    }
    // At 200 columns both phases stand side by side: one row per characteristic × operation.
    const wide = renderMatrixTable(r, { style: plainStyle(200) });
    expect(rows(wide, 'Encrypted Read')).toHaveLength(1);
    // At 60 they are stacked: the row comes once per phase.
    const narrow = renderMatrixTable(r, { style: plainStyle(60) });
    expect(rows(narrow, 'Encrypted Read')).toHaveLength(2);
  });

  it('names from the SIG table and the profile, the Appearance decoded, one spelling for the address and UUIDs', async () => {
    const r = await walk(true);
    const text = renderMatrixTable(r, { style: plainStyle(200) });
    expect(rowOf(text, 'Device Name')).toMatch(/read +"blebench"/);
    expect(rowOf(text, 'Appearance')).toContain('Generic Computer (0x0080)');
    expect(rowOf(text, 'Service Changed')).toMatch(/indicate +subscribed/);
    expect(text).not.toMatch(/^2a0[015] /m);
    expect(text).toContain(`${r.target.address.toUpperCase()} (public)`);
    expect(text).toContain('services B1EB1000-7E57-4B3E-9C1D-2F5E0B1C7A90');
    expect(text).not.toMatch(/b1eb1000|b1:eb/);
  });

  it('with no profile given, the cells carry the names of the built-in profile that names them, said in the header', async () => {
    const r = await walk(false);
    expect(r.namedBy).toBe('blebench default');
    const names = r.phases[0]!.cells.map((c) => c.characteristic.name);
    expect(names).toContain('Encrypted Read');
    const text = renderMatrixTable(r, { style: plainStyle(200) });
    expect(text).toContain('names from the built-in profile "blebench default"');
    expect(rowOf(text, 'Encrypted Read')).toBeDefined();
    expect(text).toContain(`verdict: ${r.phases.reduce((n, p) => n + p.cells.length, 0)} cell(s) walked (no profile to compare with)`);
  });

  it('the paired column says per cell what the link was: not encrypted yet, paired now, then encrypted', async () => {
    const r = await walk(true);
    const paired = r.phases.find((p) => p.name === 'paired')!;
    const links = cellLinks(paired);
    const at = (name: string, op = 'read') => links[paired.cells.findIndex((c) => c.characteristic.name === name && c.operation === op)];
    // The cells before the first 0x05 ran unencrypted; that one made the central pair; the rest ran encrypted.
    const first = paired.cells.findIndex((c) => c.pairing);
    expect(first).toBeGreaterThan(0);
    expect(links.slice(0, first).every((l) => l === 'not encrypted yet')).toBe(true);
    expect(links[first]).toBe('paired now');
    expect(links.slice(first + 1).every((l) => l === 'encrypted')).toBe(true);
    expect(at('Open Read')).toBe('not encrypted yet');
    expect(at('Encrypted Read')).toBe('paired now');
    expect(at('Encrypted Everything')).toBe('encrypted');
    const text = renderMatrixTable(r, { style: plainStyle(200) });
    expect(rowOf(text, 'Encrypted Read')).toMatch(/"needs encryption" \(6e65[0-9a-f]*…\) +paired now$/);
    expect(rowOf(text, 'Open Read')).toMatch(/not encrypted yet$/);
    expect(text).toContain('link per cell: not encrypted yet: no cell before it had made the central pair');
    expect(text).not.toContain('after pairing');
  });

  it('colour and ✓/✗ only when the style has them; the plain text has no escape at all', async () => {
    const r = await walk(true);
    const differing: MatrixResult = { ...r, differences: ['"Encrypted Read" × read (unencrypted): differs'] };
    differing.phases = r.phases.map((p) => ({ ...p, cells: p.cells.map((c) => (c.characteristic.name === 'Encrypted Read' && p.name === 'unencrypted' ? { ...c, difference: 'differs' } : c)) }));
    const plain = renderMatrixTable(differing, { style: plainStyle(200) });
    expect(plain).not.toContain('\u001b');
    expect(plain).not.toMatch(/[✓✗]/);
    expect(plain).toContain('  DIFF "Encrypted Read" × read (unencrypted): differs');
    const tty: TextStyle = { color: true, symbols: true, width: 200 };
    const coloured = renderMatrixTable(differing, { style: tty });
    expect(coloured).toContain('\u001b[31mverdict: FAIL');
    expect(coloured).toContain('\u001b[31m  ✗ "Encrypted Read"');
    expect(coloured).toMatch(/\u001b\[32m"blebench" \(626c6562656e6368\) *\u001b\[39m/);
    expect(coloured).toMatch(/\u001b\[33mATT 0x05 Insufficient Authentication/);
    // Marks without colour (NO_COLOR on a terminal): ✗, no escape.
    const marksOnly = renderMatrixTable(differing, { style: { ...tty, color: false } });
    expect(marksOnly).toContain('✗ ');
    expect(marksOnly).not.toContain('\u001b');
    // The same lines, whatever the look: colour takes no columns.
    expect(coloured.split('\n').map(visibleWidth)).toEqual(marksOnly.split('\n').map(visibleWidth));
  });
});
