// `blebench explain` on each story's capture (fixtures/captures/stories/, made from the story scenarios by
// fixtures/captures/make.sh, the peripheral's side as its developer captures it): it names the cause, it
// recognises the central as iOS from its Pairing Request and its resolvable private address (and says how
// sure), and each finding says what that platform's user saw, in the persona file's words.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainFile, renderText, type PatternId } from '../../common/apps/explain/index.js';
import { recogniseCentral } from '../../common/apps/explain/recognise-central.js';
import type { ConnectionFacts, PairingFeaturesSeen } from '../../common/apps/explain/facts.js';
import { newConnectionFacts } from '../../common/apps/explain/facts.js';
import { decodeAuthReq, IO_CAPABILITY, KEY_DIST } from '../../common/base/codes/smp.js';
import { BUILT_IN_PERSONAS, loadPersona } from '../../common/apps/persona/load-persona.js';
import type { Persona } from '../../common/apps/persona/persona-types.js';

const DIR = 'fixtures/captures/stories';

/** Each story's cause, as explain names it. */
const CAUSES: Record<string, PatternId[]> = {
  'story-mac-refuses-pairing': ['pairing-refused'],
  'story-just-works-where-mitm-is-needed': ['mitm-unreachable', 'security-too-low-after-pairing'],
  'story-bond-the-mac-lost': ['peripheral-lost-bond'],
  'story-sc-only-peripheral-legacy-iphone': ['sc-only-vs-legacy'],
  'story-bleno-0x0f-then-0x05-for-ever': ['mitm-unreachable', 'security-too-low-after-pairing'],
};

describe('explain on the story captures', () => {
  it('every story scenario has its capture, and every capture its cause here', () => {
    const scenarios = readdirSync('fixtures/scenarios').filter((f) => f.startsWith('story-')).map((f) => f.replace(/\.yaml$/, '')).sort();
    expect(readdirSync(DIR).map((f) => f.replace(/\.btsnoop$/, '')).sort()).toEqual(scenarios);
    expect(Object.keys(CAUSES).sort()).toEqual(scenarios);
  });

  for (const [story, causes] of Object.entries(CAUSES)) {
    it(`${story}: ${causes.join(', ')}; the central recognised as iOS from its Pairing Request and RPA`, async () => {
      const r = await explainFile(`${DIR}/${story}.btsnoop`);
      expect(r.findings.map((f) => f.id)).toEqual(causes);
      const rec = r.recognised!;
      expect(rec.addressKind).toBe('resolvable private');
      expect(rec.addressAgrees).toBe(true);
      const ios = story.includes('legacy-iphone') ? 'ios:without-sc' : 'ios';
      expect(rec.personas[0]).toBe(ios);
      // iOS and macOS share CoreBluetooth's Pairing Request: two platforms, so only "possible"; the LE legacy one only iOS's variant sends.
      expect(rec.strength).toBe(rec.personas.length === 1 ? 'likely' : 'possible');
      const text = renderText(r);
      expect(text).toContain(`central platform (recognised): ${rec.words}`);
      expect(text).toMatch(/How sure: (likely|possible) \(/);
      // Each finding the persona has a rule for says what an iPhone's user saw, from ios.yaml.
      const persona = loadPersona(ios);
      const lines = text.split('\n').filter((l) => l.startsWith('    as iOS (fixtures/personas/ios.yaml, recognised from its Pairing Request): '));
      expect(lines.length).toBeGreaterThan(0);
      const c = persona.central!;
      if (causes.includes('peripheral-lost-bond')) expect(lines[0]).toContain(c.user.keyMissing.value.words);
      if (causes.includes('mitm-unreachable')) expect(lines[0]).toContain(c.user.pairing.value.words);
      if (causes.includes('pairing-refused') || causes.includes('sc-only-vs-legacy')) expect(lines[0]).toContain(`[app securityFailed: ${c.app.securityFailed.confidence}; ${c.app.securityFailed.source}]`);
    });
  }

  it('--central android instead of the recognised platform: the given one speaks, the recognition is not said', async () => {
    const r = await explainFile(`${DIR}/story-bond-the-mac-lost.btsnoop`);
    const text = renderText(r, { central: 'android' });
    expect(text).toContain('central platform (as given): android');
    expect(text).not.toContain('(recognised)');
    expect(text).toContain(`as Android (fixtures/personas/android.yaml): it pairs again; the user sees ${loadPersona('android').central!.user.keyMissing.value.words}`);
  });
});

/** The Pairing Request a persona's Security Manager sends, from its file. */
function requestOf(p: Persona): PairingFeaturesSeen {
  const sm = p.central!.securityManager;
  const bits = (keys: readonly string[]) => (keys.includes('encKey') ? KEY_DIST.ENC_KEY : 0) | (keys.includes('idKey') ? KEY_DIST.ID_KEY : 0) | (keys.includes('signKey') ? KEY_DIST.SIGN_KEY : 0);
  const authReq = (sm.bonding.value ? 0x01 : 0) | (sm.mitm.value ? 0x04 : 0) | (sm.secureConnections.value !== 'no' ? 0x08 : 0) | (sm.keypress.value ? 0x10 : 0);
  const io = sm.ioCapability.value;
  return { ioCapability: IO_CAPABILITY[io as keyof typeof IO_CAPABILITY], ioCapabilityName: io, oob: false, authReq, flags: decodeAuthReq(authReq), maxKeySize: sm.maxKeySize.value, initiatorKeys: bits(sm.keyDistribution.value.initiator), responderKeys: bits(sm.keyDistribution.value.responder) };
}

function connection(features: PairingFeaturesSeen, central: string, type: number): ConnectionFacts {
  const c = newConnectionFacts({ number: 1, controller: 0, handle: 1, connected: { frame: 1, unixMs: 0 }, hostRole: 'peripheral', centralAddress: `${central} (random)`, peerAddressType: type });
  c.pairings.push({ request: { frame: 7, unixMs: 1, by: 'central', features }, last: { frame: 7, unixMs: 1 }, keys: [] });
  return c;
}

describe('recognising the central from its Pairing Request and address', () => {
  it('every persona whose file gives the same Pairing Request is named (android and bluez send one alike): possible', () => {
    const android = requestOf(loadPersona('android'));
    const same = BUILT_IN_PERSONAS.map((n) => loadPersona(n)).filter((p) => p.central && JSON.stringify(requestOf(p)) === JSON.stringify(android)).map((p) => p.name);
    const r = recogniseCentral([connection(android, '5A:11:22:33:44:55', 0x01)])!;
    expect(r.personas).toEqual(same);
    expect(r.strength).toBe(same.length > 1 ? 'possible' : 'likely');
  });

  it('a Pairing Request one platform sends, from an RPA: likely; from a public address its privacy does not use: possible', () => {
    const legacy = requestOf(loadPersona('ios:without-sc'));
    const rpa = recogniseCentral([connection(legacy, '5A:11:22:33:44:55', 0x01)])!;
    expect(rpa.personas).toEqual(['ios:without-sc']);
    expect(rpa.strength).toBe('likely');
    expect(rpa.words).toMatch(/^iOS \(ios:without-sc\): its Pairing Request \(KeyboardDisplay, AuthReq 0x05, max key size 16, keys 0x03\/0x03; connection 1, frame 7\)/);
    const open = recogniseCentral([connection(legacy, '00:11:22:33:44:55', 0x00)])!;
    expect(open.addressKind).toBe('public');
    expect(open.addressAgrees).toBe(false);
    expect(open.strength).toBe('possible');
    expect(open.words).toContain('which does not agree with its privacy');
    // A static random address (top bits 0b11) is no RPA either.
    expect(recogniseCentral([connection(legacy, 'C0:11:22:33:44:55', 0x01)])!.addressKind).toBe('static random');
  });

  it('a Pairing Request no persona sends is not recognised (and says what it was)', () => {
    const f = requestOf(loadPersona('ios'));
    const odd = { ...f, maxKeySize: 7 };
    const r = recogniseCentral([connection(odd, 'C0:11:22:33:44:55', 0x01)])!;
    expect(r.personas).toEqual([]);
    expect(r.words).toMatch(/^not recognised: .*max key size 7/);
    expect(recogniseCentral([newConnectionFacts({ number: 1, controller: 0, handle: 1, connected: { frame: 1, unixMs: 0 } })])).toBeUndefined();
  });
});
