// Reading the OS's error words: CoreBluetooth's CBATTError descriptions name the ATT code one to one;
// anything else leaves it unknown (never guessed).
import { describe, expect, it } from 'vitest';
import { ATT_ERROR, attError } from '../../common/base/codes/att.js';
import { COREBLUETOOTH_ATT_TEXT, readApiError } from '../../central/os/corebluetooth-att-errors.js';
import { OsApiError } from '../../central/os/os-api-error.js';

describe("CoreBluetooth's error texts", () => {
  it('map one to one: every CBATTError from 0x01 to 0x11 once, each to the code of the same name', () => {
    const codes = [...COREBLUETOOTH_ATT_TEXT.values()];
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.sort((a, b) => a - b)).toEqual(Array.from({ length: 0x11 }, (_, i) => i + 1));
    expect(COREBLUETOOTH_ATT_TEXT.get('authentication is insufficient')).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(COREBLUETOOTH_ATT_TEXT.get('encryption is insufficient')).toBe(ATT_ERROR.INSUFFICIENT_ENCRYPTION);
    expect(COREBLUETOOTH_ATT_TEXT.get('authorization is insufficient')).toBe(ATT_ERROR.INSUFFICIENT_AUTHORIZATION);
    expect(COREBLUETOOTH_ATT_TEXT.get('the encryption key size is insufficient')).toBe(ATT_ERROR.ENCRYPTION_KEY_SIZE_TOO_SHORT);
  });

  it.each([
    ['Authentication is insufficient.', 0x05, 'corebluetooth-text'],
    ['Encryption is insufficient', 0x0f, 'corebluetooth-text'],
    ['  Writing is not permitted. ', 0x03, 'corebluetooth-text'],
    ['The value’s length is invalid.', 0x0d, 'corebluetooth-text'],
    ['Error Domain=CBATTErrorDomain Code=8 "Authorization is insufficient." UserInfo={}', 0x08, 'corebluetooth-domain-code'],
    [new Error('Reading is not permitted.'), 0x02, 'corebluetooth-text'],
    [{ localizedDescription: 'The attribute could not be found.' }, 0x0a, 'corebluetooth-text'],
  ] as const)('%j → ATT %d (%s)', (error, code, source) => {
    expect(readApiError(error)).toMatchObject({ attCode: code, codeSource: source });
  });

  it.each([
    'Unknown error.',
    'The connection has timed out unexpectedly.',
    'Peer removed pairing information',
    'connection failed',
    'ProtocolError',
    'authentication is insufficient for this device, try again',
  ])('"%s" leaves the ATT code unknown, keeping the words', (text) => {
    const r = readApiError(text);
    expect(r.attCode).toBeUndefined();
    expect(r.text).toBe(text);
  });

  it('no error argument: nothing said at all', () => {
    for (const none of [undefined, null, '', false]) expect(readApiError(none)).toEqual({});
  });

  it('an API error names where the code came from, or that it is unknown', () => {
    const named = new OsApiError('read', 'read of 2a37', 'Encryption is insufficient.');
    expect(named.kind).toBe('api');
    expect(named.label).toBe(`ATT 0x0F ${attError(0x0f).name} (API text)`);
    const opaque = new OsApiError('write', 'write to 2a37');
    expect(opaque.label).toBe('failed (the OS does not say why; ATT code unknown)');
    expect(opaque.exitCode).toBe(1);
    // A connection failure is never an ATT code, whatever the text says.
    const conn = new OsApiError('connect', 'connection to x', 'Authentication is insufficient.');
    expect(conn.attCode).toBeUndefined();
    expect(conn.label).toBe('failed ("Authentication is insufficient."; HCI status unknown)');
  });
});
