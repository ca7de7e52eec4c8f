// Each broken profile gives a BadInputError (exit 2) whose message names the file, the path inside
// it and the line, in plain words, with no stack trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError, EXIT } from '../../common/base/errors/blebench-error.js';
import { loadProfile, ProfileError, type IssueKind } from '../../common/stack/gatt/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const load = (file: string) => loadProfile(`test/gatt/broken/${file}`, { cwd: root });

function failure(file: string): ProfileError {
  try {
    load(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return e as ProfileError;
  }
  throw new Error(`${file} loaded, but it is broken`);
}

const C = '/services/0/characteristics/0';
const CORPUS: Array<{ file: string; kind: IssueKind; path: string; line: number; says: RegExp }> = [
  { file: 'bad-json.json', kind: 'syntax', path: '', line: 4, says: /not valid JSON: expected "," or "}" after a property value/ },
  { file: 'trailing-comma.json', kind: 'syntax', path: '', line: 4, says: /trailing comma/ },
  { file: 'yaml-syntax.yaml', kind: 'syntax', path: '', line: 8, says: /not valid YAML/ },
  { file: 'unknown-property.json', kind: 'unknown-property', path: `${C}/propertys`, line: 8, says: /unknown property "propertys" \(did you mean "properties"\?\)/ },
  { file: 'notify-security-without-notify.json', kind: 'security-without-property', path: `${C}/security/notify`, line: 8, says: /cannot notify \(it has no "notify" property\)/ },
  { file: 'duplicate-uuid.json', kind: 'duplicate-uuid', path: '/services/0/characteristics/1/uuid', line: 9, says: /already used at \/services\/0\/characteristics\/0\/uuid/ },
  { file: 'bad-uuid.json', kind: 'bad-uuid', path: `${C}/uuid`, line: 8, says: /is not a Bluetooth UUID/ },
  { file: 'wrong-types.json', kind: 'wrong-type', path: `${C}/properties`, line: 11, says: /must be a list \[ \.\.\. \], not "read"/ },
  { file: 'cccd-by-hand.json', kind: 'managed-descriptor', path: `${C}/descriptors/0/uuid`, line: 12, says: /added automatically/ },
  { file: 'fixed-length-vs-value.json', kind: 'value-constraint', path: `${C}/value`, line: 8, says: /2 octets long, but fixedLength is 1/ },
  { file: 'key-size-out-of-range.json', kind: 'out-of-range', path: `${C}/security/read/minKeySize`, line: 8, says: /must be between 7 and 16, not 20/ },
  { file: 'bad-security-level.json', kind: 'not-allowed-value', path: `${C}/security/read`, line: 8, says: /"encryptd" is not allowed here.*did you mean "encrypted"/ },
  { file: 'vocabulary-conflict.json', kind: 'vocabulary-conflict', path: `${C}/coreBluetooth/permissions/0`, line: 13, says: /"none" at \/services\/0\/characteristics\/0\/security\/read but "encrypted"/ },
  { file: 'duplicate-key.json', kind: 'duplicate-key', path: `${C}/properties`, line: 8, says: /"properties" appears twice/ },
  { file: 'yaml-unquoted-uuid.yaml', kind: 'wrong-type', path: '/services/0/uuid', line: 4, says: /in YAML put UUIDs in quotes/ },
];

describe('broken profiles', () => {
  it.each(CORPUS)('$file is refused at $path, line $line', ({ file, kind, path: at, line, says }) => {
    const e = failure(file);
    expect(e).toBeInstanceOf(BadInputError);
    expect(e.exitCode).toBe(EXIT.BAD_INPUT);
    expect(e.code).toBe(kind === 'syntax' ? 'PROFILE_SYNTAX' : 'PROFILE_INVALID');
    expect(e.issues[0]).toMatchObject({ kind, path: at, line });
    expect(e.where).toEqual({ file: `test/gatt/broken/${file}`, path: at });
    const where = kind === 'syntax' ? `test/gatt/broken/${file} (line ${line}, column ` : `test/gatt/broken/${file} at ${at} (line ${line}, column `;
    expect(e.message).toContain(where);
    expect(e.message).toMatch(says);
    expect(e.message).not.toMatch(/^\s+at /m);
  });

  it('gives the column of a JSON syntax error: the character at fault', () => {
    const charAt = (file: string) => {
      const { line, column } = failure(file).issues[0]!;
      return readFileSync(path.join(root, 'test/gatt/broken', file), 'utf8').split('\n')[line! - 1]![column! - 1];
    };
    expect(charAt('bad-json.json')).toBe('"'); // where the missing comma should be
    expect(charAt('trailing-comma.json')).toBe(',');
  });

  it('reports every problem of a file together, each with its file and path', () => {
    const e = failure('several-problems.yaml');
    expect(e.issues.map((i) => [i.kind, i.path, i.line])).toEqual([
      ['bad-uuid', `${C}/uuid`, 8],
      ['duplicate-name', '/services/0/characteristics/1/name', 10],
      ['security-without-property', '/services/0/characteristics/1/security/indicate', 14],
    ]);
    expect(e.message.split('\n')[0]).toBe('test/gatt/broken/several-problems.yaml has 3 problems:');
    expect(e.message.split('\n').slice(1).every((l) => l.startsWith('  - test/gatt/broken/several-problems.yaml at /services/0/'))).toBe(true);
  });

  it('reports all the wrong types of one file, not just the first', () => {
    expect(failure('wrong-types.json').issues.map((i) => i.path)).toEqual([
      `${C}/properties`,
      `${C}/reliableWrite`,
      `${C}/security/read/minKeySize`,
      `${C}/security/write`,
    ]);
  });

  it('says what to do when a bare profile name does not exist', () => {
    const run = () => loadProfile('defualt', { cwd: root });
    expect(run).toThrow(BadInputError);
    try {
      run();
    } catch (e) {
      expect(e).toMatchObject({ code: 'PROFILE_NOT_FOUND', exitCode: 2 });
      expect((e as BadInputError).hint).toMatch(/Built-in profiles: .*default.*heart-rate.*mitm-lock/);
    }
    expect(() => loadProfile('no/such/file.json', { cwd: root })).toThrow(/no\/such\/file\.json: no such profile file/);
  });
});
