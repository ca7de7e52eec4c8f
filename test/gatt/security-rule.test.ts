// The server's access rule (Core v5.4 Vol 3 Part C 10.3, Part F 3.4.1.1, as design.md spells it
// out) for every level against every link state, the override, and the expected outcome per
// characteristic and operation of the default profile.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../common/base/errors/blebench-error.js';
import {
  checkSecurity,
  expectedOutcome,
  loadProfile,
  SECURITY_LEVELS,
  type LinkSecurityState,
  type SecurityRequirement,
} from '../../common/stack/gatt/index.js';

const link = {
  'not encrypted, no key': { encrypted: false, authenticated: false, keyExists: false },
  'not encrypted, Just Works key stored': { encrypted: false, authenticated: false, keyExists: true },
  'not encrypted, MITM key stored': { encrypted: false, authenticated: true, keyExists: true },
  'encrypted, Just Works, 16-octet key': { encrypted: true, authenticated: false, keyExists: true, keySize: 16 },
  'encrypted, MITM, 16-octet key': { encrypted: true, authenticated: true, keyExists: true, keySize: 16 },
  'encrypted, Just Works, 7-octet key': { encrypted: true, authenticated: false, keyExists: true, keySize: 7 },
  'encrypted, MITM, 7-octet key': { encrypted: true, authenticated: true, keyExists: true, keySize: 7 },
} satisfies Record<string, LinkSecurityState>;
type LinkName = keyof typeof link;

const req = (level: SecurityRequirement['level'], minKeySize = 7): SecurityRequirement => ({ level, minKeySize });

// ok = allowed; otherwise the ATT error code the spec gives.
const TABLE: Array<[string, SecurityRequirement, Record<LinkName, 'ok' | number>]> = [
  ['none', req('none'), { 'not encrypted, no key': 'ok', 'not encrypted, Just Works key stored': 'ok', 'not encrypted, MITM key stored': 'ok', 'encrypted, Just Works, 16-octet key': 'ok', 'encrypted, MITM, 16-octet key': 'ok', 'encrypted, Just Works, 7-octet key': 'ok', 'encrypted, MITM, 7-octet key': 'ok' }],
  ['encrypted', req('encrypted'), { 'not encrypted, no key': 0x05, 'not encrypted, Just Works key stored': 0x0f, 'not encrypted, MITM key stored': 0x0f, 'encrypted, Just Works, 16-octet key': 'ok', 'encrypted, MITM, 16-octet key': 'ok', 'encrypted, Just Works, 7-octet key': 'ok', 'encrypted, MITM, 7-octet key': 'ok' }],
  ['encrypted, key ≥ 16', req('encrypted', 16), { 'not encrypted, no key': 0x05, 'not encrypted, Just Works key stored': 0x0f, 'not encrypted, MITM key stored': 0x0f, 'encrypted, Just Works, 16-octet key': 'ok', 'encrypted, MITM, 16-octet key': 'ok', 'encrypted, Just Works, 7-octet key': 0x0c, 'encrypted, MITM, 7-octet key': 0x0c }],
  ['authenticated', req('authenticated'), { 'not encrypted, no key': 0x05, 'not encrypted, Just Works key stored': 0x0f, 'not encrypted, MITM key stored': 0x0f, 'encrypted, Just Works, 16-octet key': 0x05, 'encrypted, MITM, 16-octet key': 'ok', 'encrypted, Just Works, 7-octet key': 0x05, 'encrypted, MITM, 7-octet key': 'ok' }],
  ['authenticated, key ≥ 16', req('authenticated', 16), { 'not encrypted, no key': 0x05, 'not encrypted, Just Works key stored': 0x0f, 'not encrypted, MITM key stored': 0x0f, 'encrypted, Just Works, 16-octet key': 0x05, 'encrypted, MITM, 16-octet key': 'ok', 'encrypted, Just Works, 7-octet key': 0x05, 'encrypted, MITM, 7-octet key': 0x0c }],
  ['authorized, app refuses', req('authorized'), { 'not encrypted, no key': 0x08, 'not encrypted, Just Works key stored': 0x08, 'not encrypted, MITM key stored': 0x08, 'encrypted, Just Works, 16-octet key': 0x08, 'encrypted, MITM, 16-octet key': 0x08, 'encrypted, Just Works, 7-octet key': 0x08, 'encrypted, MITM, 7-octet key': 0x08 }],
];

const cases = TABLE.flatMap(([levelName, required, row]) => (Object.keys(link) as LinkName[]).map((l) => ({ levelName, required, l, want: row[l] })));

describe('the security rule', () => {
  it.each(cases)('$levelName on a link "$l" → $want', ({ required, l, want }) => {
    const verdict = checkSecurity(required, link[l]);
    expect(verdict.ok ? 'ok' : verdict.attError).toBe(want);
  });

  it('allows an authorized operation once the application grants it, whatever the link', () => {
    for (const l of Object.values(link)) expect(checkSecurity(req('authorized'), { ...l, authorized: true })).toEqual({ ok: true });
  });

  it('counts a bonded central as having a key (0x0F, not 0x05)', () => {
    const v = checkSecurity(req('encrypted'), { encrypted: false, authenticated: false, keyExists: false, bonded: true });
    expect(v).toMatchObject({ ok: false, attError: 0x0f });
  });

  it('explains in plain words why, for a platform developer', () => {
    const noKey = checkSecurity(req('encrypted'), link['not encrypted, no key']);
    expect(noKey.ok || noKey.reason).toBe('the link is not encrypted and this central has no key, so a central normally starts pairing now');
    const keyStored = checkSecurity(req('encrypted'), link['not encrypted, Just Works key stored']);
    expect(keyStored.ok || keyStored.reason).toMatch(/already has a key.*encrypts the link with that key/);
    const justWorks = checkSecurity(req('authenticated'), link['encrypted, Just Works, 16-octet key']);
    expect(justWorks.ok || justWorks.reason).toMatch(/without MITM protection \(Just Works\)/);
    const short = checkSecurity(req('encrypted', 16), link['encrypted, MITM, 7-octet key']);
    expect(short.ok || short.reason).toMatch(/7-octet key.*at least 16 octets/);
  });

  it('answers the override code instead of the spec code, and says both', () => {
    const v = checkSecurity({ level: 'encrypted', minKeySize: 7, errorOverride: 0x0f }, link['not encrypted, no key']);
    expect(v).toMatchObject({ ok: false, attError: 0x0f });
    expect(v.ok || v.reason).toMatch(/spec's answer is 0x05 Insufficient Authentication; this profile answers 0x0F Insufficient Encryption instead/);
  });

  it('never lets an override change whether access is allowed', () => {
    const requirement = fc.record({
      level: fc.constantFrom(...SECURITY_LEVELS),
      minKeySize: fc.integer({ min: 7, max: 16 }),
    });
    const linkState = fc.record({
      encrypted: fc.boolean(),
      authenticated: fc.boolean(),
      keyExists: fc.boolean(),
      keySize: fc.integer({ min: 7, max: 16 }),
      authorized: fc.boolean(),
    });
    fc.assert(
      fc.property(requirement, linkState, fc.integer({ min: 1, max: 255 }), (r, l, code) => {
        const plain = checkSecurity(r, l);
        const overridden = checkSecurity({ ...r, errorOverride: code }, l);
        expect(overridden.ok).toBe(plain.ok);
        if (!overridden.ok) expect(overridden.attError).toBe(code);
      }),
    );
  });

  it('never refuses a link that is encrypted, MITM-authenticated with a 16-octet key and authorized', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SECURITY_LEVELS), fc.integer({ min: 7, max: 16 }), (level, minKeySize) => {
        expect(checkSecurity({ level, minKeySize }, { encrypted: true, authenticated: true, keyExists: true, keySize: 16, authorized: true })).toEqual({ ok: true });
      }),
    );
  });
});

describe('expected outcomes for the default profile', () => {
  const profile = loadProfile('default');
  const fresh = link['not encrypted, no key'];
  const justWorks = link['encrypted, Just Works, 16-octet key'];
  const outcome = (name: string, op: Parameters<typeof expectedOutcome>[2], l: LinkSecurityState) => {
    const o = expectedOutcome(profile, name, op, l);
    return o.ok ? 'ok' : o.attError;
  };

  it('before pairing: open operations work, protected ones get 0x05, authorization 0x08', () => {
    expect(outcome('Open Read', 'read', fresh)).toBe('ok');
    expect(outcome('Encrypted Read', 'read', fresh)).toBe(0x05);
    expect(outcome('Encrypted Write', 'write', fresh)).toBe(0x05);
    expect(outcome('Encrypted Notify', 'notify', fresh)).toBe(0x05);
    expect(outcome('Authenticated Read', 'read', fresh)).toBe(0x05);
    expect(outcome('Authorized Read', 'read', fresh)).toBe(0x08);
    expect(outcome('Indicate', 'indicate', fresh)).toBe('ok');
    expect(outcome('Encrypted Read Answering 0x0F', 'read', fresh)).toBe(0x0f);
    for (const op of ['read', 'write', 'notify'] as const) expect(outcome('Encrypted Everything', op, fresh)).toBe(0x05);
  });

  it('after Just Works pairing: encryption suffices, MITM still gets 0x05', () => {
    expect(outcome('Encrypted Read', 'read', justWorks)).toBe('ok');
    expect(outcome('Encrypted Notify', 'notify', justWorks)).toBe('ok');
    expect(outcome('Strong Key Read', 'read', justWorks)).toBe('ok');
    expect(outcome('Authenticated Read', 'read', justWorks)).toBe(0x05);
    for (const op of ['read', 'write', 'notify'] as const) expect(outcome('Encrypted Everything', op, justWorks)).toBe('ok');
  });

  it('refuses operations the properties do not allow with 0x02 and 0x03', () => {
    expect(outcome('Encrypted Write', 'read', justWorks)).toBe(0x02);
    expect(outcome('Open Read', 'write', justWorks)).toBe(0x03);
  });

  it('marks a refused Write Command as silent: no Error Response goes over the air', () => {
    expect(expectedOutcome(profile, 'Encrypted Write Command', 'writeWithoutResponse', fresh)).toMatchObject({ ok: false, attError: 0x05, silent: true });
    expect(expectedOutcome(profile, 'Encrypted Write', 'write', fresh)).toMatchObject({ ok: false, attError: 0x05, silent: false });
  });

  it('says there is nothing to subscribe to on a characteristic without a CCCD', () => {
    expect(expectedOutcome(profile, 'Open Read', 'notify', justWorks)).toMatchObject({ ok: false, attError: null, request: null });
  });

  it('refuses the indication bit on a characteristic that only notifies', () => {
    expect(outcome('Temperature', 'indicate', justWorks)).toBe(0x13);
  });

  it('finds a characteristic by UUID as well as by name', () => {
    expect(outcome('b1eb1002-7e57-4b3e-9c1d-2f5e0b1c7a90', 'read', fresh)).toBe(0x05);
  });

  it('rejects an unknown characteristic name as bad input, listing the real ones', () => {
    const run = () => expectedOutcome(profile, 'Encrypted Raed', 'read', fresh);
    expect(run).toThrow(BadInputError);
    expect(run).toThrow(/no characteristic "Encrypted Raed"/);
  });
});
