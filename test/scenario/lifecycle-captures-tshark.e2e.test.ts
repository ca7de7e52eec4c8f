// Every bond-lifecycle and privacy scenario's captures (`blebench run --btsnoop DIR`: the scenarios
// tagged lifecycle, privacy or bonding) read in tshark with no malformed packet (`tshark -r F -Y
// _ws.malformed` prints nothing) and no error-level expert info, and tshark decodes what each one is
// about: the Pairing Failed 0x03 of a refused re-pairing, the Encryption Change 0x06 of a reset
// peripheral, the LE Enhanced Connection Complete of controller privacy with the RPA it resolved, the
// one IRK two peripherals share, the new IRK a central distributes when it bonds again.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../common/apps/scenario/index.js';
import { tsharkBatch, tsharkQueries } from '../helpers/tshark-batch.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const dir = mkdtempSync(path.join(tmpdir(), 'blebench-lifecycle-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const capture = (scenario: string, side: 'central' | 'peripheral') => `fixtures.scenarios.${scenario}.${side}.btsnoop`;
/** btsnoop header (16 octets) and at least 20 records (24-octet record headers). */
const SOME_PACKETS = 16 + 20 * 24;

const TAGS = new Set(['lifecycle', 'privacy', 'bonding']);
const scenarios = readdirSync(path.join(root, 'fixtures/scenarios'))
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => `fixtures/scenarios/${f}`)
  .filter((f) => loadScenario(f, { cwd: root }).tags.some((t) => TAGS.has(t)));

describe('bond-lifecycle and privacy captures in tshark', () => {
  it('no malformed packet; each lifecycle decoded', () => {
    // every bond-* and privacy-* scenario is among them (a new one without the tags would be missed)
    const named = readdirSync(path.join(root, 'fixtures/scenarios')).filter((f) => /^(bond|privacy)-/.test(f));
    expect(scenarios.map((f) => path.basename(f))).toEqual(expect.arrayContaining(named));
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    const run = spawnSync(process.execPath, [cli, 'run', ...scenarios, '--seed', '5', '--btsnoop', dir], { cwd: root, encoding: 'utf8', timeout: 150_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const files = readdirSync(dir).filter((f) => f.endsWith('.btsnoop'));
    // one capture per host: the peripheral's and each central's
    expect(files).toHaveLength(scenarios.reduce((n, f) => n + 1 + Math.max(1, loadScenario(f, { cwd: root }).centrals.length), 0));
    // every capture with one tshark start (test/helpers/tshark-batch.ts): each file's frames, as tshark -r FILE -Y gives them
    const bad = tsharkBatch(files.map((f) => path.join(dir, f)), { filter: '_ws.malformed || _ws.expert.severity >= error' });
    for (const f of files) {
      expect(statSync(path.join(dir, f)).size, f).toBeGreaterThan(SOME_PACKETS);
      expect(bad.get(path.join(dir, f))!.rows, f).toEqual([]);
    }
    // what each lifecycle is about, one query per capture: summary lines in one start, fields in another
    const at = (scenario: string, side: 'central' | 'peripheral', filter: string) => ({ file: path.join(dir, capture(scenario, side)), filter });
    const [refused, reset] = tsharkQueries([at('bond-central-forgot-repairing-refused', 'central', 'btsmp.reason == 0x03'), at('bond-peripheral-reset-central-stops', 'central', 'bthci_evt.status == 0x06')]);
    const info = (q: typeof refused) => q!.rows.map((r) => r[1]).join('\n');
    expect(info(refused)).toMatch(/Pairing Failed: Authentication Requirements/);
    expect(info(reset)).toMatch(/Encrypt/);
    const [enhanced, irks, central] = tsharkQueries(
      [
        // controller privacy: the enhanced event, the identity with type 0x02 and the RPA on the air
        at('privacy-bonded-central-new-rpa-controller', 'peripheral', 'bthci_evt.le_meta_subevent == 0x0a && bthci_evt.le_peer_address_type == 0x02'),
        // two units, one IRK: both Identity Information PDUs the peripheral sent (p2p_dir 0) carry the same key
        at('privacy-peripherals-sharing-one-irk', 'peripheral', 'btsmp.opcode == 0x08'),
        // a central bonding again: two Identity Information PDUs from it, two IRKs
        at('privacy-central-new-irk-rebond', 'central', 'btsmp.opcode == 0x08'),
      ],
      { fields: ['bthci_evt.le_peer_rpa', 'frame.p2p_dir', 'btsmp.id_resolving_key'] },
    );
    const rpa = enhanced!.rows.map((r) => r[1]).join('\n');
    expect(rpa).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(rpa).not.toBe('00:00:00:00:00:00');
    const sent = (q: typeof irks) => q!.rows.filter((r) => r[2] === '0').map((r) => r[3]);
    expect(sent(irks)).toHaveLength(2);
    expect(sent(irks)[0]).toBe(sent(irks)[1]);
    expect(sent(central)).toHaveLength(2);
    expect(sent(central)[0]).not.toBe(sent(central)[1]);
  }, 240_000);
});
