// `blebench central --save-profile FILE` on the virtual radio: the default peripheral recorded; the
// recording served by the peripheral and walked with itself as the profile (no difference); the
// original default peripheral walked with the recording as the profile (no difference); a profile
// that differs from the recording is still told apart; the destination refused before any walk; and
// the inference from the two phases, case by case, with its guesses in words.
import { openWorld } from '../../world/open-world.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BadInputError, EXIT } from '../../common/base/errors/blebench-error.js';
import { loadProfile } from '../../common/stack/gatt/load-profile.js';
import type { ProfileInput } from '../../common/stack/gatt/profile-input.js';
import { runCentral, type CentralOptions } from '../../bin/commands/central.js';
import { AttError } from '../../central/errors.js';
import type { Cell, MatrixOperation } from '../../central/matrix/matrix-types.js';
import { inferSecurity } from '../../central/matrix/record-profile.js';

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-save-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const recording = path.join(dir, 'default-recorded.json');

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

const base: CentralOptions = { transport: 'mock', policy: 'on-error', timeout: 3000, logLevel: 'silent', logFormat: 'json' };

async function capture(run: (out: (s: string) => void, err: (s: string) => void) => Promise<number>) {
  let out = '';
  let err = '';
  const code = await run((s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

/** `profile` served by blebench's peripheral on a fresh radio, walked by the central with `opts`. */
async function walkServed(profile: string, opts: Partial<CentralOptions>) {
  const w = await openWorld({ radio: { name: 'save-profile' }, peripheral: { profile: loadProfile(profile) }, central: { kind: 'transport' } });
  opened.push(w);
  const { server, ct } = w;
  return capture((out, err) => runCentral({ ...base, target: server.address, ...opts }, { transport: ct, out, err }));
}

describe('recording the default peripheral on mock, and the round trip', () => {
  it('central --save-profile writes the GATT table, values, descriptors and security, with where and when', async () => {
    // On mock with no --target: the default profile served and walked, as `npm start` does.
    const r = await capture((out, err) => runCentral({ ...base, saveProfile: recording }, { out, err }));
    expect(r.code, r.out + r.err).toBe(EXIT.OK);
    expect(r.err).toMatch(/profile of blebench written to .*default-recorded\.json \(\d+ guesses, marked "guessed"\)/);
    const p = JSON.parse(readFileSync(recording, 'utf8')) as ProfileInput;
    expect(p.recorded).toMatchObject({ by: expect.stringMatching(/^blebench \S+ central$/), transport: 'mock', from: { name: 'blebench', addressType: 'public' } });
    expect(Date.now() - Date.parse(p.recorded!.at)).toBeLessThan(60_000);
    expect(p.advertising).toEqual({ localName: 'blebench', serviceUuids: ['b1eb10007e574b3e9c1d2f5e0b1c7a90'] });
    const chars = p.services.flatMap((s) => s.characteristics ?? []);
    const byUuid = (short: string) => chars.find((c) => c.uuid.startsWith(short))!;
    // No GAP/GATT service: every server brings its own.
    expect(p.services.map((s) => s.uuid)).toEqual(['b1eb10007e574b3e9c1d2f5e0b1c7a90']);
    expect(byUuid('b1eb1001')).toMatchObject({ properties: ['read'], value: { hex: Buffer.from('open to everyone').toString('hex') } });
    expect(byUuid('b1eb1001').security).toBeUndefined();
    expect(byUuid('b1eb1002').security).toEqual({ read: 'encrypted' });
    expect(byUuid('b1eb1006').security).toEqual({ read: 'authenticated' });
    expect(byUuid('b1eb100f').security).toEqual({ read: { level: 'encrypted', errorOverride: 0x0f } });
    expect(byUuid('b1eb1008').security).toEqual({ read: 'authorized' });
    expect(byUuid('b1eb1008').about).toMatch(/^guessed: read: answered 0x08 Insufficient Authorization before and after pairing: .*cannot tell them apart/);
    expect(byUuid('b1eb100e').security).toEqual({ read: 'encrypted', write: 'encrypted', notify: 'encrypted' });
    expect(byUuid('b1eb1004').about).toMatch(/Write Command is never answered/);
    // Descriptors: 0x2900 → reliableWrite, 0x2901 → userDescription, 0x2904 → presentationFormat.
    expect(byUuid('b1eb100b').reliableWrite).toBe(true);
    expect(byUuid('b1eb100c')).toMatchObject({ writableAuxiliaries: true, userDescription: expect.any(String) });
    expect(byUuid('b1eb100d').presentationFormat).toMatchObject({ format: expect.any(String) });
    expect(p.recorded!.guesses!.some((g) => g.startsWith('minimum key sizes: '))).toBe(true);
    // The file is a profile blebench loads.
    expect(loadProfile(recording).name).toBe('recorded from blebench');
  });

  it('served by blebench peripheral and walked with itself as the profile: no difference', async () => {
    const r = await capture((out, err) => runCentral({ ...base, profile: recording }, { out, err }));
    expect(r.out).toMatch(/verdict: OK: all \d+ cell\(s\) match profile "recorded from blebench"/);
    expect(r.code).toBe(EXIT.OK);
  });

  it('the original default peripheral walked with the recording as the profile: no difference', async () => {
    const r = await walkServed('default', { profile: recording });
    expect(r.out).toMatch(/verdict: OK: all \d+ cell\(s\) match profile "recorded from blebench"/);
    expect(r.code).toBe(EXIT.OK);
  });

  it('a peripheral that differs from the recording is told apart (exit 1, the cell named)', async () => {
    const doc = JSON.parse(readFileSync(recording, 'utf8')) as ProfileInput;
    const c = doc.services[0]!.characteristics!.find((x) => x.uuid.startsWith('b1eb1002'))!;
    delete c.security;
    const changed = path.join(dir, 'changed.json');
    writeFileSync(changed, JSON.stringify(doc));
    const r = await walkServed(changed, { profile: recording, json: true });
    expect(r.code).toBe(EXIT.EXPECTATION_FAILED);
    expect((JSON.parse(r.out) as { differences: string[] }).differences.join('\n')).toMatch(/b1eb10027e574b3e9c1d2f5e0b1c7a90" × read \(unencrypted\): expected ATT 0x05/);
  });
});

describe('the destination is checked before the walk (exit 2)', () => {
  const notADir = path.join(dir, 'plain-file');
  writeFileSync(notADir, 'x');
  mkdirSync(path.join(dir, 'a-folder'), { recursive: true });
  it.each([
    [path.join(dir, 'missing', 'x.json'), /the folder .*missing does not exist/],
    [path.join(notADir, 'x.json'), /plain-file is not a folder|does not exist/],
    [path.join(dir, 'a-folder'), /is a folder/],
  ])('%s', async (file, message) => {
    // A transport that must never be opened: the refusal comes first.
    const never = { get tap(): never { throw new Error('the transport was used before the destination was checked'); } } as unknown as HciTransport;
    const run = runCentral({ ...base, target: 'blebench', saveProfile: file }, { transport: never, out: () => undefined, err: () => undefined });
    await expect(run).rejects.toThrow(BadInputError);
    await expect(runCentral({ ...base, target: 'blebench', saveProfile: file }, { transport: never })).rejects.toThrow(message);
  });
});

describe('what the two phases say an operation needs', () => {
  const link = { encrypted: false, authenticated: false, keyExists: false };
  const paired = (authenticated = false, keySize = 16) => ({ encrypted: true, authenticated, keySize, keyExists: true });
  const ok = (security = link): Cell => ({ phase: 'unencrypted', characteristic: { uuid: 'x', serviceUuid: 's' }, operation: 'read', outcome: { kind: 'value', hex: '00' }, why: '', security });
  const att = (code: number, security = link): Cell => ({ ...ok(security), outcome: { kind: 'error', error: new AttError(code, 0x0a, 0x0003) } });
  const cases: Array<[string, MatrixOperation, Cell, Cell | undefined, unknown, RegExp | undefined]> = [
    ['open', 'read', ok(), ok(paired()), 'none', undefined],
    ['0x05 then read after Just Works', 'read', att(0x05), ok(paired()), 'encrypted', undefined],
    ['0x05 then read after an authenticated pairing', 'read', att(0x05), ok(paired(true)), 'encrypted', /whether an unauthenticated key would do was not tried/],
    ['0x05 still after Just Works', 'read', att(0x05), att(0x05, paired()), 'authenticated', undefined],
    ['0x0F then read', 'read', att(0x0f), ok(paired()), { level: 'encrypted', errorOverride: 0x0f }, undefined],
    ['0x0C with a 10-octet key', 'read', att(0x05), att(0x0c, paired(false, 10)), { level: 'encrypted', minKeySize: 11 }, /more than 10 octets, exactly how many is not known: recorded as 11/],
    ['0x0C with a 16-octet key', 'read', att(0x05), att(0x0c, paired(false, 16)), { level: 'encrypted', minKeySize: 16 }, /recorded as 16/],
    ['0x08 both times', 'read', att(0x08), att(0x08, paired()), 'authorized', /cannot tell them apart/],
    ['0x08 then read', 'read', att(0x08), ok(paired()), { level: 'encrypted', errorOverride: 0x08 }, /succeeded after it/],
    ['0x0E both times', 'write', att(0x0e), att(0x0e, paired()), { level: 'authorized', errorOverride: 0x0e }, /always refused with 0x0E/],
    ['0x80 then written', 'write', att(0x80), ok(paired()), { level: 'encrypted', errorOverride: 0x80 }, /succeeded after pairing/],
    ['a Write Command', 'writeWithoutResponse', { ...ok(), outcome: { kind: 'sent', hex: '00' } }, undefined, 'none', /never answered/],
    ['no paired phase', 'read', att(0x05), undefined, 'encrypted', /no paired phase ran/],
  ];
  it.each(cases)('%s', (_name, op, u, p, security, guess) => {
    const r = inferSecurity(op, u, p);
    expect(r.security).toEqual(security);
    if (guess) expect(r.guess).toMatch(guess);
    else expect(r.guess).toBeUndefined();
  });
});
