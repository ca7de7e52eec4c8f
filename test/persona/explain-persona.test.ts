// `blebench explain --central PLATFORM` with a persona: each finding the persona has a rule for says
// what that platform's user saw and its app got, from the persona file (its words, its errors, the
// rule's confidence and source); a platform without a persona file gets no such line.
import { describe, expect, it } from 'vitest';
import { explainFile, renderText, type Platform } from '../../common/apps/explain/index.js';
import { loadPersona } from '../../common/apps/persona/load-persona.js';

const lines = async (capture: string, central: Platform | undefined) =>
  renderText(await explainFile(`fixtures/captures/${capture}.btsnoop`), central ? { central } : {}).split('\n').filter((l) => l.startsWith('    as '));

describe('explain with a persona', () => {
  it('a lost bond as iOS: no new pairing, the user must forget the device, CBError 14 (from ios.yaml)', async () => {
    const ios = loadPersona('ios').central!;
    const [line] = await lines('peripheral-lost-bond', 'ios');
    expect(line).toContain('as iOS (fixtures/personas/ios.yaml): no new pairing');
    expect(line).toContain(ios.user.keyMissing.value.words);
    expect(line).toContain('the app gets CBError 14 "Peer removed pairing information"');
    expect(line).toContain(`[onEncryptionFailed: ${ios.onEncryptionFailed['0x06'].confidence}; ${ios.onEncryptionFailed['0x06'].source}]`);
  });

  it('MITM unreachable as Android: the notification, the MITM retry, GATT status 137; as zephyr (no persona): nothing', async () => {
    const [line] = await lines('mitm-unreachable', 'android');
    expect(line).toContain(loadPersona('android').central!.user.pairing.value.words);
    expect(line).toContain('it pairs again asking for MITM and then the app gets GATT status 137 "GATT_AUTH_FAIL" [onAttError 0x05: code;');
    expect(await lines('mitm-unreachable', 'zephyr')).toEqual([]);
    expect(await lines('mitm-unreachable', undefined)).toEqual([]);
  });
});
