// Interoperability with an independent host stack, part 2: blebench's central against a ble-host
// 1.0.3 peripheral serving the default profile (translated into ble-host's GATT database with its
// permissions: test/helpers/ble-host-profile.ts), over `blebench air`. The security matrix
// (`blebench central --json`) under noble's own SMP and under blebench's Security Manager (Just
// Works, Passkey Entry, Numeric Comparison), judged cell by cell from the profile; and the scenarios
// of the default suite that need nothing of the peripheral but the profile (`blebench run --role
// central`), a bonded reconnection among them. The count line at the end is what CI prints.
import { afterAll, describe, it, vi } from 'vitest';
import { loadScenario } from '../../common/scenario/load-scenario.js';
import { bleHostGattPlan } from '../helpers/ble-host-profile.js';
import { Agreement } from './agreement.js';
import { judgeMatrix, type MatrixJson } from './blebench-central-cells.js';
import { DEFAULT_PROFILE as profile, PASSKEY, openBench } from './interop-bench.js';

/** Two tests at a time: each starts node programs, and the machine has 2 cores. */
vi.setConfig({ maxConcurrency: 2 });

const ledger = new Agreement('interop, blebench central × ble-host peripheral');
afterAll(() => console.log(ledger.line()));

/** What the ble-host peripheral is told to do when asked to pair (see its header). */
const PAIRING_ANSWERS = { pairing: { passkey: PASSKEY, numericComparison: 'accept' } };

interface CentralCase {
  name: string;
  flags: string[];
  /** Each paired phase's pairing, as the central's report from the tap gives it. */
  pairings: Array<{ phase: string; method: string; secureConnections: boolean; keySize?: number }>;
}

const CENTRAL_CASES: CentralCase[] = [
  { name: "noble's own SMP (LE legacy Just Works), pairing on 0x05/0x0F", flags: [], pairings: [{ phase: 'paired', method: 'Just Works', secureConnections: false }] },
  {
    name: "blebench's Security Manager: Just Works, then Passkey Entry (the central shows 123456, ble-host types it)",
    flags: ['--methods', 'just-works,passkey', '--io-capability', 'DisplayOnly', '--passkey', String(PASSKEY)],
    pairings: [
      { phase: 'paired:just-works', method: 'Just Works', secureConnections: true },
      { phase: 'paired:passkey', method: 'Passkey Entry', secureConnections: true },
    ],
  },
  {
    name: "blebench's Security Manager: Just Works with a 10-octet key (Strong Key Read answers 0x0C, ble-host's key-size rule)",
    flags: ['--methods', 'just-works', '--max-key-size', '10'],
    pairings: [{ phase: 'paired:just-works', method: 'Just Works', secureConnections: true, keySize: 10 }],
  },
  { name: "blebench's Security Manager: Numeric Comparison (both accept)", flags: ['--methods', 'numeric-comparison'], pairings: [{ phase: 'paired:numeric-comparison', method: 'Numeric Comparison', secureConnections: true }] },
];

describe.concurrent('blebench central against a ble-host peripheral serving the default profile over blebench air', () => {
  it.for(CENTRAL_CASES)('$name: the matrix agrees with the profile', async (c, { expect, onTestFinished }) => {
    const a = new Agreement();
    const bench = await openBench();
    onTestFinished(() => bench.close());
    await bench.bleHost('peripheral', { ...PAIRING_ANSWERS, ...bleHostGattPlan(profile) }).waitFor('ready', 10_000);
    const r = await bench.blebench(['central', '--transport', `h4:${bench.air}`, '--target', profile.advertising.localName, '--profile', 'default', '--json', ...c.flags], 30_000);
    const matrix = JSON.parse(r.stdout) as MatrixJson;
    judgeMatrix(a, profile, c.name, matrix);
    for (const want of c.pairings) {
      const p = matrix.phases.find((x) => x.name === want.phase)?.pairings.at(-1);
      a.check(`${c.name} / ${want.phase}: pairing`, { result: 'encrypted', method: want.method, secureConnections: want.secureConnections, keySize: want.keySize ?? 16 }, p && { result: p.result, method: p.method, secureConnections: p.secureConnections, keySize: p.keySize });
    }
    a.check(`${c.name}: the central's own verdict`, { exit: 0, differences: [] }, { exit: r.code, differences: matrix.differences });
    ledger.absorb(a);
    expect(a.disagreements, r.stderr.slice(-2000)).toEqual([]);
  });
});

/**
 * Scenarios of the default suite that need nothing of the peripheral but the profile (no behaviours,
 * no peripheral-side timeline): Read Blob and Prepare Write, pairing on 0x05, the key-size check, and
 * a bonded reconnection with no Pairing Request.
 */
const PROFILE_ONLY_SCENARIOS = [
  'open-read',
  'encrypted-read-before-pairing',
  'encrypted-read-pairs-on-error',
  'encrypted-write',
  'strong-key-read',
  'authenticated-read-just-works-not-enough',
  'long-value',
  'sm-bonded-reconnect-no-pairing-request',
].map((n) => `fixtures/scenarios/${n}.yaml`);

interface RunJson {
  scenarios: Array<{ file: string; status: string; reason: string | null; steps: Array<{ label: string; verdicts: Array<{ ok: boolean; message: string }> }> }>;
}

describe('blebench run --role central: profile-only scenarios against a ble-host peripheral', () => {
  it('every step verdict holds; the bonded reconnection encrypts with the stored key, and ble-host misreports that key', async ({ expect, onTestFinished }) => {
    const a = new Agreement();
    const bench = await openBench();
    onTestFinished(() => bench.close());
    const plan = bleHostGattPlan(profile);
    // The scenarios' own initial values (long-value sets one longer than the ATT_MTU).
    for (const file of PROFILE_ONLY_SCENARIOS) {
      for (const v of loadScenario(file).peripheral.values) {
        plan.services.flatMap((x) => x.characteristics).find((x) => x.name === v.characteristic.name)!.value = v.value.toString('hex');
      }
    }
    const peripheral = bench.bleHost('peripheral', { ...PAIRING_ANSWERS, ...plan });
    await peripheral.waitFor('ready', 10_000);
    const r = await bench.blebench(['run', ...PROFILE_ONLY_SCENARIOS, '--role', 'central', '--transport', `h4:${bench.air}`, '--reporter', 'json', '--seed', '1'], 40_000);
    const run = JSON.parse(r.stdout) as RunJson;
    a.check('scenarios run', PROFILE_ONLY_SCENARIOS.length, run.scenarios.length);
    for (const sc of run.scenarios) {
      a.check(`${sc.file}: status`, 'passed', sc.status === 'passed' ? 'passed' : `${sc.status}: ${sc.reason}`);
      for (const step of sc.steps) for (const v of step.verdicts) a.check(`${sc.file}: ${step.label}: ${v.message}`, true, v.ok);
    }
    // ble-host bug (peripheral role): when a bonded central encrypts with the stored LTK, smp.js
    // reports `{ mitm: ltk.mitm, sc: ltk.mitm, keySize: ltk.length }`: sc copied from mitm (an LE
    // Secure Connections bond from Just Works reads as legacy) and no key size (the record has no
    // `length`), so its `encrypted-mitm-sc` permission would judge such a link wrongly.
    const lines = peripheral.lines();
    const reconnected = lines.findIndex((l) => l.event === 'connected' && l.hasLtk === true);
    const bondedWith = lines.slice(0, reconnected).filter((l) => l.event === 'paired').at(-1);
    a.check('the bond the reconnection uses: LE Secure Connections Just Works', { sc: true, mitm: false }, bondedWith && { sc: bondedWith.sc, mitm: bondedWith.mitm });
    a.bleHostFinding(
      "as a peripheral, encryption with a stored LTK is reported with sc = the key's mitm flag and no key size (smp.js: sc: ltk.mitm, keySize: ltk.length)",
      { event: 'encrypt', status: 0, level: { mitm: false, sc: false } },
      reconnected >= 0 ? lines.slice(reconnected).find((l) => l.event === 'encrypt') : undefined,
    );
    ledger.absorb(a);
    expect(a.disagreements, r.stderr.slice(-2000)).toEqual([]);
  });
});
