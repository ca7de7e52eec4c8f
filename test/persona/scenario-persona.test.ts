// A scenario's `central: { as: PERSONA }`: the persona's Security Manager, policy, cures and key-missing
// answer reach the resolved scenario; a persona beside the fields it decides, or an unknown one, is
// an issue naming /central/... with its line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../common/apps/scenario/index.js';
import { loadPersona } from '../../common/apps/persona/load-persona.js';

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
});
