// `blebench central --as`: a column per persona on the virtual radio, each cell's line of what the
// app and user see; an unknown persona, a broken persona file and flags the persona decides are exit 2
// naming the persona, the file and the place, with no stack trace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function central(args: string[], cwd?: string) {
  const bin = path.resolve('bin/blebench.js');
  // 400 columns: what each app and user would see stays one line each (under --verbose).
  const r = spawnSync(process.execPath, [bin, 'central', ...args], { encoding: 'utf8', timeout: 60_000, cwd, env: { ...process.env, BLEBENCH_DEBUG: '', COLUMNS: '400' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('blebench central --as', () => {
  it('--as ios,android: a column each after the unencrypted one, and what each app and user would see', () => {
    const r = central(['--as', 'ios,android', '--verbose', '--log-level', 'silent']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^characteristic +operation +unencrypted \(never\) +as ios +as android *$/m);
    expect(r.out).toContain('→ iOS: the pairing dialog appears ("Pair" / "Cancel", for Just Works too) [user pairing: user]; after Pair the read returns the value');
    expect(r.out).toContain('→ Android: no dialog; the app gets GATT status 8 (GATT_INSUF_AUTHORIZATION)');
    expect(r.out).toMatch(/verdict: OK: all \d+ cell\(s\) match profile "blebench default"/);
  });

  it('--as with --json: each cell of a persona column carries what its app and user would see, each phase what it did not act out', () => {
    const r = central(['--as', 'android', '--json', '--log-level', 'silent']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { personas: string[]; phases: { name: string; persona?: string; limits?: string[]; cells: { seen?: string; characteristic: { name?: string } }[] }[] };
    expect(j.personas).toEqual(['android']);
    const phase = j.phases.find((p) => p.name === 'as:android')!;
    expect(phase.persona).toBe('android');
    // Android's two re-sends (after its pairing, after its MITM pairing) and its RPA are acted out: nothing is left unsaid.
    expect(phase.limits).toBeUndefined();
    expect(phase.cells.find((c) => c.characteristic.name === 'Authenticated Read')!.seen).toContain('it pairs again asking for MITM');
    expect(phase.cells.every((c) => c.seen?.startsWith('Android: '))).toBe(true);
    expect(phase.cells.find((c) => c.characteristic.name === 'Authenticated Read')!.seen).toContain('the app gets GATT status 137 "GATT_AUTH_FAIL"');
    expect(j.phases.find((p) => p.name === 'unencrypted')!.cells.every((c) => c.seen === undefined)).toBe(true);
  });

  it('an unknown persona is exit 2 naming the known ones', () => {
    const r = central(['--as', 'ios,iphone']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no persona named "iphone": the known ones are android, bluez, ios, macos, noble, spec, windows');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('a broken persona file is exit 2 naming the file, the path and the line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'persona-cli-'));
    const text = readFileSync('fixtures/personas/ios.yaml', 'utf8').replace('      value: KeyboardDisplay', '      value: Telepathy');
    writeFileSync(path.join(dir, 'ios.yaml'), text);
    const r = central(['--as', './ios.yaml'], dir);
    expect(r.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.includes('Telepathy')) + 1;
    expect(r.err).toContain(`ios.yaml at /central/securityManager/ioCapability/value (line ${line}, column 14): "Telepathy" is not allowed here`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('a flag the persona decides is exit 2; so is a peripheral-only persona file', () => {
    const r = central(['--as', 'ios', '--io-capability', 'DisplayOnly']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--io-capability with --as: the persona sets the central's Security Manager");
    const policy = central(['--as', 'ios', '--policy', 'upfront']);
    expect(policy.code).toBe(2);
    expect(policy.err).toContain('--policy with --as');
    const dir = mkdtempSync(path.join(tmpdir(), 'persona-cli-'));
    const mac = readFileSync('fixtures/personas/macos.yaml', 'utf8');
    writeFileSync(path.join(dir, 'mac-peripheral.yaml'), mac.replace('name: macos', 'name: mac-peripheral').replace(/\ncentral:\n[\s\S]*?\nperipheral:\n/, '\nperipheral:\n'));
    const p = central(['--as', 'mac-peripheral.yaml'], dir);
    expect(p.code).toBe(2);
    expect(p.err).toContain('--as mac-peripheral: mac-peripheral.yaml describes macOS as a peripheral only; it has no "central" part');
  });
});
