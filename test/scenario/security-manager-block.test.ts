// A role's `security-manager:` block: the pairing configuration that role's Security Manager runs
// with (common/stack/smp PairingConfig). Absent: the stack's own SMP. A bad field is a scenario issue at its path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../common/apps/scenario/load-scenario.js';

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-sm-'));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};
const scenario = (peripheral: string, central: string) => `name: sm
description: sm
peripheral:
  profile: default
${peripheral}
central:
${central}
  steps:
    - connect:
`;

describe('security-manager: blocks in scenarios', () => {
  it('become each role\'s PairingConfig, with the defaults filled in', () => {
    const s = loadScenario(
      write('ok.yaml', scenario('  security-manager: { io-capability: DisplayOnly, mitm: required, passkey: 123456, sc: only }', '  security-manager: { io-capability: KeyboardOnly, mitm: true, max-key-size: 10, bonding: false }')),
    );
    expect(s.peripheral.smp).toMatchObject({ ioCapability: 'DisplayOnly', mitm: 'required', passkey: { fixed: 123456 }, secureConnections: 'only', bonding: true, maxKeySize: 16 });
    expect(s.central.smp).toMatchObject({ ioCapability: 'KeyboardOnly', mitm: 'requested', maxKeySize: 10, bonding: false });
  });

  it("absent: no Security Manager (the stack's own SMP)", () => {
    const s = loadScenario(write('none.yaml', scenario('', '  pairing: never')));
    expect(s.peripheral.smp).toBeUndefined();
    expect(s.central.smp).toBeUndefined();
  });

  it('a minimum key size above the maximum is an issue at the block', () => {
    expect(() => loadScenario(write('bad.yaml', scenario('  security-manager: { min-key-size: 16, max-key-size: 8 }', '  pairing: never')))).toThrow(/security-manager[\s\S]*minKeySize/);
  });

  it('an unknown IO capability is a schema issue', () => {
    expect(() => loadScenario(write('bad2.yaml', scenario('', '  security-manager: { io-capability: Telepathy }')))).toThrow(/io-capability/);
  });
});
