// Every persona file in fixtures/personas/ validates against the persona schema; the built-in names
// are all there; a broken file, an unknown name and an unknown variant are bad input (exit 2) naming
// the file and the place in it.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError, EXIT } from '../../common/base/errors/blebench-error.js';
import { BUILT_IN_PERSONAS, defaultPersonasDir, listPersonas, loadPersona, loadPersonas } from '../../common/apps/persona/load-persona.js';
import { PersonaError } from '../../common/apps/persona/persona-issues.js';
import { PERSONA_ATT_ERRORS } from '../../common/apps/persona/persona-types.js';

const thrown = (f: () => unknown): BadInputError => {
  try {
    f();
  } catch (e) {
    return e as BadInputError;
  }
  throw new Error('expected it to throw');
};

describe('persona files', () => {
  it('every built-in persona has its file, and every file validates', () => {
    expect(listPersonas()).toEqual(expect.arrayContaining([...BUILT_IN_PERSONAS]));
    for (const name of listPersonas()) {
      const p = loadPersona(name);
      expect(p.name).toBe(name);
      expect(p.central ?? p.peripheral).toBeDefined();
      if (p.central) for (const code of PERSONA_ATT_ERRORS) expect(p.central.onAttError[code].source.length).toBeGreaterThan(0);
    }
  });

  it('macos has a central and a peripheral part; what nobody knows (its answer to a Pairing Request) is unknown with named variants', () => {
    const mac = loadPersona('macos');
    expect(mac.central).toBeDefined();
    expect(mac.peripheral?.onPairingRequest).toMatchObject({ value: 'refuse', confidence: 'unknown' });
    expect(Object.keys(mac.peripheral!.onPairingRequest.variants!)).toEqual(['refuses-pairing', 'pairs-with-dialog', 'silent']);
    // A variant picked by name replaces the value wherever it is offered, and says so.
    const dialog = loadPersona('macos:pairs-with-dialog');
    expect(dialog.peripheral!.onPairingRequest).toMatchObject({ value: 'accept', confidence: 'inference' });
    expect(dialog.peripheral!.onPairingRequest.note).toMatch(/^variant "pairs-with-dialog"/);
    expect(dialog.peripheral!.answers.readEncryptionRequired!.value).toEqual(mac.peripheral!.answers.readEncryptionRequired!.value);
  });

  it('an unknown persona is exit 2 naming the known ones', () => {
    const e = thrown(() => loadPersonas('ios,iphone'));
    expect(e).toBeInstanceOf(BadInputError);
    expect(e.exitCode).toBe(EXIT.BAD_INPUT);
    expect(e.message).toBe(`no persona named "iphone": the known ones are ${listPersonas().join(', ')}`);
    expect(e.message).toContain('android, bluez, ios, macos, noble, spec, windows');
  });

  it('an unknown variant is exit 2 naming the variants offered', () => {
    const e = thrown(() => loadPersona('macos:pairs-silently'));
    expect(e.exitCode).toBe(EXIT.BAD_INPUT);
    expect(e.message).toContain('offers no variant "pairs-silently"');
    expect(e.hint).toContain('pairs-with-dialog');
  });

  it('a broken persona file is exit 2 naming the file, the path and the line and column', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'persona-'));
    const text = readFileSync(path.join(defaultPersonasDir(), 'ios.yaml'), 'utf8').replace("'0x0F':\n      value: { action: encrypt-or-pair, resend: 1 }", "'0x0F':\n      value: { action: pair-twice, resend: 1 }");
    expect(text).toContain('pair-twice');
    const file = path.join(dir, 'ios.yaml');
    writeFileSync(file, text);
    const e = thrown(() => loadPersona(file, { cwd: dir }));
    expect(e).toBeInstanceOf(PersonaError);
    expect(e.exitCode).toBe(EXIT.BAD_INPUT);
    const line = text.split('\n').findIndex((l) => l.includes('pair-twice')) + 1;
    expect(e.message).toMatch(new RegExp(`^ios\\.yaml at /central/onAttError/0x0F/value/action \\(line ${line}, column \\d+\\): "pair-twice" is not allowed here; use one of "encrypt-or-pair", "give-up"`));
  });

  it('a YAML syntax error, an unknown rule without variants and a name that is not the file are each named with their place', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'persona-'));
    writeFileSync(path.join(dir, 'bad.yaml'), 'name: bad\ntitle: [unclosed\n');
    expect(thrown(() => loadPersona('bad.yaml', { cwd: dir })).message).toMatch(/^bad\.yaml \(line \d+, column \d+\): not valid YAML/);
    const ios = readFileSync(path.join(defaultPersonasDir(), 'ios.yaml'), 'utf8');
    writeFileSync(path.join(dir, 'phone.yaml'), ios.replace("value: { action: give-up, resend: 0 }\n      source: no report found of iOS re-pairing on 0x0C (research part B gaps)\n      confidence: inference", "value: { action: give-up, resend: 0 }\n      source: nobody\n      confidence: unknown"));
    const e = thrown(() => loadPersona('phone.yaml', { cwd: dir }));
    expect(e.message).toContain('phone.yaml has 2 problems');
    expect(e.message).toMatch(/phone\.yaml at \/central\/onAttError\/0x0C\/confidence \(line \d+, column \d+\): a rule nobody knows \("unknown"\) must offer the candidates as named "variants"/);
    expect(e.message).toMatch(/phone\.yaml at \/name \(line 3, column 7\): the persona is named "ios" but its file is phone\.yaml/);
  });
});
