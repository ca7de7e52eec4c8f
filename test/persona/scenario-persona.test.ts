// A scenario's `central: { as: PERSONA }`: the persona's Security Manager, policy, cures and key-missing
// answer reach the resolved scenario; a persona beside the fields it decides, or an unknown one, is
// an issue naming /central/... with its line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../common/apps/scenario/index.js';
import { defaultPersonasDir, loadPersona } from '../../common/apps/persona/load-persona.js';
import { BadInputError } from '../../common/base/errors/blebench-error.js';

function scenario(central: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scenario-persona-'));
  const file = path.join(dir, 's.yaml');
  writeFileSync(file, `name: s\ndescription: d\nperipheral: { profile: default }\ncentral:\n${central}  steps:\n    - connect:\n`);
  return file;
}

describe('scenario central: { as }', () => {
  it('as: android gives the persona\'s Security Manager, policy, cures and key-missing answer', () => {
    const s = loadScenario(scenario('  as: android\n'));
    const sm = loadPersona('android').central!.securityManager;
    expect(s.central.persona).toBe('android');
    expect(s.central.pairing).toBe('on-error');
    expect(s.central.cures).toEqual([0x05, 0x0f]);
    expect(s.central.onKeyMissing).toBe('pair');
    expect(s.central.smp).toMatchObject({ ioCapability: sm.ioCapability.value, bonding: sm.bonding.value, mitm: 'no', secureConnections: 'allowed', maxKeySize: 16 });
    expect(s.central.smp!.keyDistribution.initiator).toEqual({ encKey: true, idKey: true, signKey: true });
  });

  it('as: ios:VARIANT that does not exist, and as beside on-key-missing, are issues with their place', () => {
    const file = scenario('  as: windows:no-such\n  on-key-missing: stop\n');
    let message = '';
    try {
      loadScenario(file);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('at /central/on-key-missing (line 6, column 19): "on-key-missing" with "as": the persona "windows:no-such" decides it');
    expect(message).toMatch(/at \/central\/as \(line 5, column 7\): .*windows\.yaml: the persona "windows" offers no variant "no-such"/);
  });

  it('a relative persona path is read from the scenario\'s folder (as its profile), wherever blebench runs', () => {
    const file = scenario('  as: ./my-phone.yaml:foreground-dialog\n');
    const text = readFileSync(path.join(defaultPersonasDir(), 'android.yaml'), 'utf8').replace('name: android', 'name: my-phone').replace("'0x08':\n      value: { action: give-up, resend: 0 }", "'0x08':\n      value: { action: encrypt-or-pair, resend: 1 }");
    writeFileSync(path.join(path.dirname(file), 'my-phone.yaml'), text);
    const s = loadScenario(file, { cwd: tmpdir() });
    expect(s.central.persona).toBe('my-phone');
    // The file's own rules, not android.yaml's: it pairs after 0x08 too.
    expect(s.central.cures).toEqual([0x05, 0x08, 0x0f]);
    // Its privacy (android.yaml's RPA, renewed every 15 minutes) is the central's.
    expect(s.central.privacy).toEqual({ privacy: { mode: 'host', rpaTimeoutS: 900 } });
  });

  it('a broken persona file: the scenario\'s place (/central/as) and the persona file\'s (its path, line and column), exit 2', () => {
    const file = scenario('  as: ./broken.yaml\n');
    const text = readFileSync(path.join(defaultPersonasDir(), 'ios.yaml'), 'utf8').replace('name: ios', 'name: broken').replace('value: KeyboardDisplay', 'value: Telepathy');
    writeFileSync(path.join(path.dirname(file), 'broken.yaml'), text);
    let err: unknown;
    try {
      loadScenario(file, { cwd: path.dirname(file) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as BadInputError).exitCode).toBe(2);
    const message = (err as Error).message;
    const line = text.split('\n').findIndex((l) => l.includes('Telepathy')) + 1;
    const column = text.split('\n')[line - 1]!.indexOf('Telepathy') + 1;
    expect(message).toContain(`at /central/as (line 5, column 7): ${path.join(path.dirname(file), 'broken.yaml')} at /central/securityManager/ioCapability/value (line ${line}, column ${column}): "Telepathy" is not allowed here`);
    // A missing one names the path it looked for, from the scenario's folder.
    expect(() => loadScenario(scenario('  as: ./nowhere.yaml\n'))).toThrow(/at \/central\/as .*nowhere\.yaml: no such persona file/);
  });
});
