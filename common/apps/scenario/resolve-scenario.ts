// A parsed scenario document → Scenario, or every problem found. The schema comes first (a document of the
// wrong shape cannot be resolved); then names, codes, values and the profile, all problems together.
import type { ResolvedProfile } from '../../stack/gatt/resolved-profile.js';
import { pointer } from '../../base/input/issues.js';
import { schemaChecker } from '../../base/input/schema-check.js';
import { timelineExpectationsAt } from './resolve-expect.js';
import type { Names } from './resolve-names.js';
import { faultsAt, peripheralAt, securityManagerAt } from './resolve-peripheral.js';
import { privacyOf } from './resolve-security-manager.js';
import { stepAt } from './resolve-steps.js';
import { DEFAULT_KEY_MISSING_POLICY, DEFAULT_PAIRING_POLICY, DEFAULT_TIME_LIMIT_MS, type Scenario, type ScenarioCentral, type ScenarioGattCache, type Step } from './scenario.js';
import type { CentralInput, ScenarioInput } from './scenario-input.js';
import { ScenarioIssueList, type ScenarioIssue } from './scenario-issues.js';
import { SCENARIO_SCHEMA } from './scenario-schema.js';
import { centralPersonaAt } from './resolve-persona.js';
import { pairingConfig } from '../../stack/smp/pairing-config.js';

/** Bluetooth SIG test IDs: GATT/SR/GAR/BI-04-C, SM/CEN/JW/BI-01-C (test suite / role / group / BV|BI-nn-C). */
const QUALIFICATION_ID = /^[A-Z0-9]+(?:\/[A-Z0-9]+)+\/B[VI]-\d{2}-[A-Z]$/;

const checkSchema = schemaChecker('scenario', SCENARIO_SCHEMA, {
  // YAML reads an unquoted 0x05 as the number 5.
  typeHint: (path, data) => (typeof data === 'number' && /\/(pdu|characteristic)$/.test(path) ? '; in YAML put names in quotes, or they may be read as numbers' : ''),
});

export type ProfileLookup = (ref: string) => { ok: true; profile: ResolvedProfile } | { ok: false; problem: string };

export type ScenarioResolveResult = { ok: true; scenario: Scenario } | { ok: false; issues: readonly ScenarioIssue[] };

/** `scenarioDir`: the folder relative paths in the file are read from (its persona's; the profile's go through lookupProfile). */
export function resolveScenarioDocument(doc: unknown, file: string, lookupProfile: ProfileLookup, scenarioDir?: string): ScenarioResolveResult {
  const issues = new ScenarioIssueList();
  if (!checkSchema(doc, issues)) return { ok: false, issues: issues.items };
  const input = doc as ScenarioInput;

  for (const [i, id] of (input.qualification ?? []).entries()) {
    if (!QUALIFICATION_ID.test(id)) issues.add('bad-id', pointer('qualification', i), `"${id}" is not a qualification test ID; they look like GATT/SR/GAR/BI-04-C or SM/CEN/JW/BI-01-C`);
  }
  const found = lookupProfile(input.peripheral.profile);
  if (!found.ok) {
    issues.add('profile', pointer('peripheral', 'profile'), found.problem);
    return { ok: false, issues: issues.items };
  }
  const named = input.centrals;
  if (input.central && named) issues.add('inconsistent', pointer('centrals'), 'a scenario has one `central` or a list of `centrals`, not both');
  if (!input.central && !named) {
    issues.add('missing-property', '', 'a scenario needs a `central` (with its steps) or a list of two or more `centrals`');
    return { ok: false, issues: issues.items };
  }
  const names = named?.map((c) => c.name);
  for (const [i, name] of (names ?? []).entries()) if (names!.indexOf(name) !== i) issues.add('inconsistent', pointer('centrals', i, 'name'), `two centrals are named "${name}": each needs its own name`);
  const n: Names = { profile: found.profile, issues, lookupProfile, ...(names ? { centrals: names } : {}) };
  const peripheral = peripheralAt(n, input.peripheral, found.profile, pointer('peripheral'));
  const faults = faultsAt(n, input.faults, pointer('faults'));
  const centrals = named ? named.map((c, i) => centralAt(n, c, c.name, pointer('centrals', i), scenarioDir)) : [centralAt(n, input.central!, 'central', pointer('central'), scenarioDir)];
  // A new identity or IRK is privacy's: without it the identity is the public address, and the IRK fresh at each bonding.
  const centralInputs = named ?? [input.central!];
  for (const [i, c] of centrals.entries()) {
    for (const st of c.steps) {
      if (st.kind === 'factory-reset' && st.newIdentity && !input.peripheral['security-manager']?.privacy) issues.add('inconsistent', st.path + pointer('factory-reset', 'new-identity'), "a new identity needs the peripheral's privacy (security-manager: { privacy }): without it the identity is the controller's public address, which no reset changes");
      if (st.kind === 'forget-bonds' && st.newIrk && !centralInputs[i]!['security-manager']?.privacy) issues.add('inconsistent', st.path + pointer('forget-bonds', 'new-irk'), "a new IRK needs the central's privacy (security-manager: { privacy }): without it each bonding distributes a fresh IRK anyway");
    }
  }
  const runTimeline = timelineExpectationsAt(n, input.expect?.timeline, pointer('expect', 'timeline'), 'run');
  if (!issues.empty) return { ok: false, issues: issues.items };
  return {
    ok: true,
    scenario: {
      file,
      name: input.name,
      description: input.description,
      qualification: input.qualification ?? [],
      tags: input.tags ?? [],
      timeLimitMs: input['time-limit-ms'] ?? DEFAULT_TIME_LIMIT_MS,
      peripheral,
      faults,
      central: centrals[0]!,
      centrals,
      expect: { timeline: runTimeline },
    },
  };
}

/** The central's gatt-cache block, its defaults filled in (verify; no robust caching; Service Changed enabled). */
function gattCacheOf(g: NonNullable<CentralInput['gatt-cache']>): ScenarioGattCache {
  return { mode: g.mode ?? 'verify', robustCaching: g['robust-caching'] ?? false, serviceChanged: g['service-changed'] ?? true };
}

/** One central: its steps (labelled with its name when there are several), persona, Security Manager, policies. */
function centralAt(n: Names, input: CentralInput, name: string, path: string, scenarioDir: string | undefined): ScenarioCentral {
  const label = n.centrals ? (l: string) => `${name}: ${l}` : (l: string) => l;
  const steps = input.steps
    .map((s, i) => stepAt(n, s, i, path + pointer('steps', i)))
    .filter((s): s is Step => s !== undefined)
    .map((s) => ({ ...s, label: label(s.label) }));
  const persona = input.as !== undefined ? centralPersonaAt(n, input, path, scenarioDir) : undefined;
  const smp = persona ? pairingConfig(persona.setup.config) : input['security-manager'] ? securityManagerAt(n, input['security-manager'], path + pointer('security-manager'), 'central') : undefined;
  // A persona's privacy: its resolvable private address and renewal (fixtures/personas/, privacy).
  const privacy = persona ? (persona.setup.privacy ? { privacy: persona.setup.privacy } : undefined) : privacyOf(input['security-manager']);
  return {
    name,
    pairing: persona?.setup.policy ?? input.pairing ?? DEFAULT_PAIRING_POLICY,
    onKeyMissing: persona?.setup.onKeyMissing ?? input['on-key-missing'] ?? DEFAULT_KEY_MISSING_POLICY,
    ...(persona ? { persona: persona.name, cures: [...persona.setup.cures] } : {}),
    ...(smp ? { smp } : {}),
    ...(privacy ? { privacy } : {}),
    ...(input['timeout-ms'] !== undefined ? { timeoutMs: input['timeout-ms'] } : {}),
    ...(input['gatt-cache'] ? { gattCache: gattCacheOf(input['gatt-cache']) } : {}),
    steps,
  };
}
