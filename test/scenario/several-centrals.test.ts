// Scenarios with `centrals:`: two centrals (two nobles) connected at once to one bleno peripheral on
// the virtual radio, their steps in turns; each reads its own CCCD; notifications go only to the one
// that subscribed and whose link is secure enough; the result names whose timeline and connection
// each entry is. And the file format's checks for several centrals.
import { describe, expect, it } from 'vitest';
import { OPEN } from '../../common/stack/gatt/index.js';
import { loadScenario, failureReason, type Scenario } from '../../common/apps/scenario/index.js';
import { inTurns } from '../../common/apps/scenario/run/turns.js';
import { scenarioRecord } from '../../common/apps/scenario/report/json.js';
import { root, runOnMock } from './run-helpers.js';
import { scenarioError, scenarioFrom } from './helpers.js';

const FILE = 'fixtures/scenarios/two-centrals-own-cccds-and-security.yaml';
const load = () => loadScenario(FILE, { cwd: root });

describe('a scenario with two centrals at once', () => {
  it('passes: each reads its own CCCD, the notifications reach only the subscribed central whose link is secure enough', async () => {
    const suite = await runOnMock([load()], 1);
    const r = suite.results[0]!;
    expect(failureReason(r) ?? 'passed').toBe('passed');
    // Every step of both ran, in turns, each labelled with its central.
    expect(r.steps.map((s) => s.central)).toEqual(['phone-a', 'phone-b', 'phone-a', 'phone-b', 'phone-a', 'phone-b', 'phone-a', 'phone-b', 'phone-a', 'phone-b', 'phone-a', 'phone-b', 'phone-a', 'phone-b', 'phone-a']);
    expect(r.steps[1]!.label).toBe('phone-b: connect');
    // Each central's timeline under its name; the peripheral's connections by central (phone-b twice: it came back).
    expect(Object.keys(r.centralTimelines!)).toEqual(['phone-a', 'phone-b']);
    expect(r.connections!.map((c) => c.central)).toEqual(['phone-a', 'phone-b', 'phone-b']);
    const json = scenarioRecord(r) as { timeline: Record<string, Array<{ name: string; central?: string; handle?: number }>> };
    // `central` is the first central's timeline (as with one central), the others' are under their names.
    expect(Object.keys(json.timeline).sort()).toEqual(['central', 'central:phone-b', 'peripheral']);
    expect((json as unknown as { centrals: string[] }).centrals).toEqual(['phone-a', 'phone-b']);
    const ntfs = json.timeline.peripheral!.filter((e) => e.name === 'ATT Handle Value Notification');
    expect(ntfs.length).toBeGreaterThanOrEqual(6);
    expect(ntfs.every((e) => e.central === 'phone-a' || e.central === 'phone-b')).toBe(true);
    // phone-b got no notification on its second, unencrypted link (its handle is the third connection's).
    const second = r.connections![2]!.handle;
    expect(ntfs.filter((e) => e.handle === second)).toEqual([]);
  }, 60_000);

  it('fails when the peripheral would notify on a link that is not secure enough (Encrypted Notify made open)', async () => {
    const s = load();
    const open: Scenario = {
      ...s,
      peripheral: {
        ...s.peripheral,
        profile: {
          ...s.peripheral.profile,
          services: s.peripheral.profile.services.map((sv) => ({ ...sv, characteristics: sv.characteristics.map((c) => (c.name === 'Encrypted Notify' ? { ...c, security: { ...c.security, notify: OPEN } } : c)) })),
        },
      },
    };
    const r = (await runOnMock([open], 1)).results[0]!;
    expect(r.status).toBe('failed');
    expect(failureReason(r)).toMatch(/ATT Handle Value Notification/);
  }, 60_000);

  it('runs the steps in turns: step 1 of each central in the file order, then step 2 of each; a central with fewer steps sits its turns out', () => {
    const s = load();
    const order = inTurns(s.centrals).map((t) => `${t.central}#${t.step.index + 1}`);
    expect(order.slice(0, 4)).toEqual(['phone-a#1', 'phone-b#1', 'phone-a#2', 'phone-b#2']);
    expect(order.at(-1)).toBe('phone-a#8');
    expect(order).toHaveLength(15);
  });
});

const base = 'name: t\ndescription: d\nperipheral:\n  profile: default\n';
const two = (a = 'phone-a', b = 'phone-b') => `centrals:\n  - name: ${a}\n    steps: [{ connect: }]\n  - name: ${b}\n    steps: [{ connect: }]\n`;

describe('the file format of several centrals', () => {
  it('loads two named centrals, each with its own steps and policies; `central` is the first', () => {
    const s = scenarioFrom(base + 'centrals:\n  - name: a\n    pairing: never\n    steps: [{ connect: }, { read: { characteristic: Temperature, descriptor: cccd } }]\n  - name: b\n    steps: [{ connect: }]\n');
    expect(s.centrals.map((c) => [c.name, c.pairing, c.steps.length])).toEqual([
      ['a', 'never', 2],
      ['b', 'on-error', 1],
    ]);
    expect(s.central.name).toBe('a');
    expect(s.centrals[0]!.steps[1]).toMatchObject({ kind: 'read', descriptor: 'cccd', label: 'a: read the CCCD of Temperature' });
  });

  it('a lone `central` is named "central" and its labels carry no name', () => {
    const s = scenarioFrom(base + 'central:\n  steps: [{ connect: }]\n');
    expect(s.centrals.map((c) => c.name)).toEqual(['central']);
    expect(s.central.steps[0]!.label).toBe('connect');
  });

  it('refuses both `central` and `centrals`, neither, one central in the list, two of one name, and an expectation naming no central', () => {
    expect(scenarioError(() => scenarioFrom(base + 'central:\n  steps: [{ connect: }]\n' + two())).issues[0]).toMatchObject({ kind: 'inconsistent', path: '/centrals', message: expect.stringMatching(/not both/) });
    expect(scenarioError(() => scenarioFrom(base)).issues[0]).toMatchObject({ kind: 'missing-property', message: expect.stringMatching(/a `central`.*or a list of two or more `centrals`/) });
    expect(scenarioError(() => scenarioFrom(base + 'centrals:\n  - name: a\n    steps: [{ connect: }]\n')).issues[0]!.path).toBe('/centrals');
    expect(scenarioError(() => scenarioFrom(base + two('a', 'a'))).issues[0]).toMatchObject({ path: '/centrals/1/name', message: expect.stringMatching(/two centrals are named "a"/) });
    const unknown = scenarioError(() => scenarioFrom(base + two() + 'expect:\n  timeline:\n    - { pdu: ATT Write Request, central: phone-c }\n'));
    expect(unknown.issues[0]).toMatchObject({ path: '/expect/timeline/0/central', message: expect.stringMatching(/no central is named "phone-c"; the centrals are phone-a, phone-b/) });
    const lone = scenarioError(() => scenarioFrom(base + 'central:\n  steps: [{ connect: }]\nexpect:\n  timeline:\n    - { pdu: ATT Write Request, central: phone-a }\n'));
    expect(lone.issues[0]!.message).toMatch(/this scenario has one `central`/);
  });
});
