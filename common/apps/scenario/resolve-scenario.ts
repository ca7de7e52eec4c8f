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
import { DEFAULT_KEY_MISSING_POLICY, DEFAULT_PAIRING_POLICY, DEFAULT_TIME_LIMIT_MS, type Scenario, type Step } from './scenario.js';
import type { ScenarioInput } from './scenario-input.js';
import { ScenarioIssueList, type ScenarioIssue } from './scenario-issues.js';
import { SCENARIO_SCHEMA } from './scenario-schema.js';
import { centralPersonaAt } from './resolve-persona.js';
import { pairingConfig } from '../../stack/smp/pairing-config.js';

/** Bluetooth SIG test IDs: GATT/SR/GAR/BI-04-C, SM/CEN/JW/BI-01-C (test suite / role / group / BV|BI-nn-C). */
const QUALIFICATION_ID = /^[A-Z0-9]+(?:\/[A-Z0-9]+)+\/B[VI]-\d{2}-[A-Z]$/;

const checkSchema = schemaChecker(SCENARIO_SCHEMA, {
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
  const n: Names = { profile: found.profile, issues };
  const peripheral = peripheralAt(n, input.peripheral, found.profile, pointer('peripheral'));
  const faults = faultsAt(n, input.faults, pointer('faults'));
  const steps = input.central.steps.map((s, i) => stepAt(n, s, i, pointer('central', 'steps', i))).filter((s): s is Step => s !== undefined);
  const persona = input.central.as !== undefined ? centralPersonaAt(n, input.central, pointer('central'), scenarioDir) : undefined;
  const centralSmp = persona ? pairingConfig(persona.setup.config) : input.central['security-manager'] ? securityManagerAt(n, input.central['security-manager'], pointer('central', 'security-manager'), 'central') : undefined;
  // A persona's privacy: its resolvable private address and renewal (fixtures/personas/, privacy).
  const centralPrivacy = persona ? (persona.setup.privacy ? { privacy: persona.setup.privacy } : undefined) : privacyOf(input.central['security-manager']);
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
      central: {
        pairing: persona?.setup.policy ?? input.central.pairing ?? DEFAULT_PAIRING_POLICY,
        onKeyMissing: persona?.setup.onKeyMissing ?? input.central['on-key-missing'] ?? DEFAULT_KEY_MISSING_POLICY,
        ...(persona ? { persona: persona.name, cures: [...persona.setup.cures] } : {}),
        ...(centralSmp ? { smp: centralSmp } : {}),
        ...(centralPrivacy ? { privacy: centralPrivacy } : {}),
        ...(input.central['timeout-ms'] !== undefined ? { timeoutMs: input.central['timeout-ms'] } : {}),
        steps,
      },
      expect: { timeline: runTimeline },
    },
  };
}
