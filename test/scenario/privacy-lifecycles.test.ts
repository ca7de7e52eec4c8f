// The privacy lifecycles of issue 18 (fixtures/scenarios/privacy-*.yaml added with them) on the virtual
// radio with real noble and bleno: a peripheral reset with a new identity, two peripherals sharing one
// IRK, a central bonding again with a new IRK. Each passes, and each fails when its knob is turned, so the
// timelines show the knob's effect; the new IRK is checked on the air, not taken from the scenario.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainFile } from '../../common/apps/explain/explain-capture.js';
import { renderText } from '../../common/apps/explain/render.js';
import { resolvesWith } from '../../common/base/crypto/random-address.js';
import { OP } from '../../common/base/codes/hci.js';
import { failureReason, loadScenario, type Scenario, type Step } from '../../common/apps/scenario/index.js';
import { root, runOnMock } from './run-helpers.js';

const load = (f: string) => loadScenario(`fixtures/scenarios/${f}`, { cwd: root });
const NEW_IDENTITY = 'privacy-peripheral-reset-new-identity.yaml';
const SHARED_IRK = 'privacy-peripherals-sharing-one-irk.yaml';
const NEW_IRK = 'privacy-central-new-irk-rebond.yaml';

/** The same scenario with every step of one kind replaced. */
function withSteps(s: Scenario, change: (st: Step) => Step): Scenario {
  return { ...s, central: { ...s.central, steps: s.central.steps.map(change) } };
}

describe('privacy lifecycles on mock', () => {
  it('each passes', async () => {
    const suite = await runOnMock([NEW_IDENTITY, SHARED_IRK, NEW_IRK].map(load), 1);
    expect(suite.results.filter((r) => r.status !== 'passed').map((r) => `${r.file}: ${failureReason(r)}`)).toEqual([]);
  }, 60_000);

  it('each fails with its knob turned: a reset keeping the identity, a new IRK instead of the shared one, a peripheral that never resolves', async () => {
    const keepIdentity = withSteps(load(NEW_IDENTITY), (st) => (st.kind === 'factory-reset' ? { ...st, newIdentity: undefined } : st));
    const ownIrk = withSteps(load(SHARED_IRK), (st) => (st.kind === 'factory-reset' ? { ...st, newIdentity: 'fresh' } : st));
    const s = load(NEW_IRK);
    const noResolving: Scenario = { ...s, peripheral: { ...s.peripheral, privacy: { ...s.peripheral.privacy, resolvePrivateAddresses: false } } };
    const suite = await runOnMock([keepIdentity, ownIrk, noResolving], 1);
    // every expectation that did not hold, not only the first
    const failed = (r: (typeof suite.results)[number]) => r.steps.flatMap((st) => st.verdicts.filter((v) => !v.ok).map((v) => `step ${st.index + 1}: ${v.message}`)).join(' | ');
    const why = Object.fromEntries(suite.results.map((r) => [r.file.split('/').pop(), `${r.status}: ${failed(r)}`]));
    // kept identity: the central finds its bond by address and tries its key (0x06) before pairing
    expect(why[NEW_IDENTITY]).toMatch(/^failed: .*(LE Enable Encryption|PIN or Key Missing|Negative Reply)/);
    // an IRK of its own: nothing resolves B's RPA, so no kept key is tried and there is no 0x06
    expect(why[SHARED_IRK]).toMatch(/^failed: .*(LE Enable Encryption|PIN or Key Missing|Negative Reply)/);
    // the new RPA not resolved: a Negative Reply instead of the stored key
    expect(why[NEW_IRK]).toMatch(/^failed: .*(Long Term Key Request Reply|Encryption Change|Pairing Request)/);
  }, 60_000);

  it('a central bonding again distributes a new IRK, and its later RPA resolves with the new IRK only', async () => {
    const [r] = (await runOnMock([load(NEW_IRK)], 1)).results;
    expect(r!.status, failureReason(r!)).toBe('passed');
    const central = r!.timelines.central!;
    // Identity Information: code, then the IRK least significant octet first (Vol 3 Part H 3.6.4)
    const irks = central.filter((e) => e.dir === 'tx' && e.name === 'SMP Identity Information').map((e) => Buffer.from(e.raw.subarray(1, 17)).reverse());
    expect(irks).toHaveLength(2);
    expect(irks[0]!.equals(irks[1]!)).toBe(false);
    // LE Set Random Address: H4 indicator, opcode, length, then the address least significant octet first
    const rpas = central.filter((e) => e.dir === 'tx' && e.layer === 'hci-cmd' && e.raw.readUInt16LE(1) === OP.LE_SET_RANDOM_ADDRESS).map((e) => e.raw.subarray(4, 10));
    const last = rpas.at(-1)!;
    expect(resolvesWith(irks[1]!, last)).toBe(true);
    expect(resolvesWith(irks[0]!, last)).toBe(false);
    // and the peripheral answered that RPA's LTK request with the stored key
    const answers = r!.timelines.peripheral!.filter((e) => e.name.startsWith('HCI LE Long Term Key Request ') && e.layer === 'hci-cmd').map((e) => e.name);
    expect(answers).toEqual(['HCI LE Long Term Key Request Reply', 'HCI LE Long Term Key Request Reply', 'HCI LE Long Term Key Request Reply']);
  }, 60_000);

  it("explain tells the identity a central handed over from its RPA as one line: RPA → identity", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-privacy-explain-'));
    try {
      const [r] = (await runOnMock([loadScenario('fixtures/scenarios/privacy-bonded-central-new-rpa-host.yaml', { cwd: root })], 1, { btsnoopDir: dir })).results;
      expect(r!.status, failureReason(r!)).toBe('passed');
      const text = renderText(await explainFile(r!.btsnoop!.peripheral!));
      expect(text).toMatch(/the central hands over its identity address ([0-9A-F:]{17}): RPA [0-9A-F:]{17} → identity \1 \(public\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
