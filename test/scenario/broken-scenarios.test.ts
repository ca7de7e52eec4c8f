// Each broken scenario gives a BadInputError (exit 2) naming the file, the JSON path inside it and the
// line, in plain words; several problems are reported together.
import { describe, expect, it } from 'vitest';
import { BadInputError, EXIT } from '../../common/base/errors/blebench-error.js';
import { loadScenario, type ScenarioIssueKind } from '../../common/apps/scenario/index.js';
import { root, scenarioError } from './helpers.js';

const load = (file: string) => loadScenario(`test/scenario/broken/${file}`, { cwd: root });

const CORPUS: Array<{ file: string; kind: ScenarioIssueKind; path: string; line: number; says: RegExp }> = [
  { file: 'bad-yaml.yaml', kind: 'syntax', path: '', line: 9, says: /not valid YAML/ },
  { file: 'bad-json.json', kind: 'syntax', path: '', line: 4, says: /not valid JSON: expected "," or "}"/ },
  { file: 'unknown-step.yaml', kind: 'unknown-property', path: '/central/steps/1/raed', line: 8, says: /unknown property "raed"; allowed here: .*\bread\b.*wait-notification/ },
  { file: 'unknown-pdu.yaml', kind: 'unknown-pdu', path: '/central/steps/1/expect/timeline/0/pdu', line: 11, says: /"SMP Pairing Requets" is not a PDU .* \(did you mean "SMP Pairing Request"\?\)/ },
  { file: 'unknown-smp-reason.yaml', kind: 'unknown-code', path: '/peripheral/behaviours/0/refuse-pairing/reason', line: 7, says: /"Pairing Not Suported" is not a known SMP code name \(did you mean "Pairing Not Supported"\?\)/ },
  { file: 'wrong-types.yaml', kind: 'wrong-type', path: '/central/steps/1/wait-notification/count', line: 10, says: /must be a whole number, not "three"/ },
  { file: 'missing-profile.yaml', kind: 'missing-property', path: '/peripheral', line: 4, says: /"profile" is missing/ },
  { file: 'profile-not-found.yaml', kind: 'profile', path: '/peripheral/profile', line: 4, says: /the profile "\.\/no-such-profile\.json" cannot be used: .*no such profile file/ },
  { file: 'unknown-characteristic.yaml', kind: 'unknown-characteristic', path: '/central/steps/1/read', line: 8, says: /no characteristic "Encrypted Raed" \(did you mean "Encrypted Read"\?\)/ },
  { file: 'hci-fault.yaml', kind: 'inconsistent', path: '/faults/0/drop/pdu', line: 7, says: /"HCI Encryption Change" never crosses the air/ },
  { file: 'corrupt-nothing.yaml', kind: 'inconsistent', path: '/faults/0/corrupt', line: 7, says: /corrupt needs at least one of "xor", "replace" \(hex\) or "truncate"/ },
  { file: 'corrupt-bad-hex.yaml', kind: 'bad-value', path: '/faults/0/corrupt/replace', line: 8, says: /"0g" is not hex octets/ },
  { file: 'two-actions.yaml', kind: 'step-shape', path: '/central/steps/1', line: 8, says: /not "read" and "pair": split it in two/ },
];

describe('broken scenarios', () => {
  it.each(CORPUS)('$file is refused at $path, line $line', ({ file, kind, path, line, says }) => {
    const e = scenarioError(() => load(file));
    expect(e).toBeInstanceOf(BadInputError);
    expect(e.exitCode).toBe(EXIT.BAD_INPUT);
    expect(e.code).toBe(kind === 'syntax' ? 'SCENARIO_SYNTAX' : 'SCENARIO_INVALID');
    expect(e.issues[0]).toMatchObject({ kind, path, line });
    expect(e.where).toEqual({ file: `test/scenario/broken/${file}`, path });
    const where = kind === 'syntax' ? `test/scenario/broken/${file} (line ${line}, column ` : `test/scenario/broken/${file} at ${path} (line ${line}, column `;
    expect(e.message).toContain(where);
    expect(e.message).toMatch(says);
    expect(e.message).not.toMatch(/^\s+at /m);
  });

  it('reports every problem of a file together, each with its path and line', () => {
    const e = scenarioError(() => load('several-problems.yaml'));
    expect(e.issues.map((i) => [i.kind, i.path, i.line])).toEqual([
      ['bad-id', '/qualification/0', 3],
      ['unknown-characteristic', '/central/steps/0/read', 8],
      ['unknown-code', '/central/steps/1/expect/outcome', 11],
      ['unknown-pdu', '/central/steps/1/expect/timeline/0/none/pdu', 13],
    ]);
    expect(e.message).toMatch(/^test\/scenario\/broken\/several-problems\.yaml has 4 problems:/);
    expect(e.message).toMatch(/did you mean "Insufficient Authentication"/);
    expect(e.message).toMatch(/did you mean "ATT Read Response"/);
  });

  it('a missing file is a bad input, not a crash', () => {
    const e = scenarioError(() => load('no-such-file.yaml'));
    expect(e.code).toBe('SCENARIO_UNREADABLE');
    expect(e.message).toMatch(/no-such-file\.yaml.*cannot use it as a scenario: there is no such file \(ENOENT\)/);
  });
});
