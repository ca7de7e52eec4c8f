// Security levels become real: the peripheral's policy takes the key's security from its own Security
// Manager's outcome (authenticated or not, and its size), and a bonded central encrypts again with the
// stored key on its next connection without pairing. noble and bleno on the virtual radio, both with
// blebench's Security Manager. Core v5.4 Vol 3 Part C 10.3 (0x05 when MITM is required), Vol 3 Part H
// 2.4.4.1 (encryption with a stored key).
import { until } from '../helpers/until.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { SMP_CODE } from '../../common/base/codes/smp.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { withTimeout } from '../../common/base/util/wait.js';
import { stackPair, type StackPair } from './helpers/stack-pair.js';

let pair: StackPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

/** ATT Read Request of a handle through the central's bearer; the error code, or 0 for a Read Response. */
async function readCode(p: StackPair, handle: number, valueHandle: number): Promise<number> {
  const req = Buffer.alloc(3);
  req[0] = ATT_OP.READ_REQ;
  req.writeUInt16LE(valueHandle, 1);
  const rsp = await withTimeout(p.noble.bearer(handle)!.request(req), { what: 'the read', timeoutMs: 5000 });
  return rsp[0] === ATT_OP.ERROR_RSP ? rsp[4]! : 0;
}

const smpTx = (p: StackPair, code: number) => p.ct.tap.entries.filter((e) => e.layer === 'smp' && e.dir === 'tx' && e.fields.code === code);

describe('MITM-required characteristics follow the pairing method', () => {
  const cases = [
    { name: 'Just Works (LE legacy)', central: { ioCapability: 'NoInputNoOutput', secureConnections: 'no' }, peripheral: { ioCapability: 'DisplayOnly', secureConnections: 'no' }, method: 'Just Works', code: ATT_ERROR.INSUFFICIENT_AUTHENTICATION },
    { name: 'Just Works (Secure Connections)', central: { ioCapability: 'DisplayYesNo' }, peripheral: { ioCapability: 'NoInputNoOutput' }, method: 'Just Works', code: ATT_ERROR.INSUFFICIENT_AUTHENTICATION },
    { name: 'Passkey Entry (LE legacy)', central: { ioCapability: 'KeyboardOnly', secureConnections: 'no' }, peripheral: { ioCapability: 'DisplayOnly', secureConnections: 'no' }, method: 'Passkey Entry', code: 0 },
    { name: 'Passkey Entry (Secure Connections)', central: { ioCapability: 'KeyboardDisplay' }, peripheral: { ioCapability: 'KeyboardOnly' }, method: 'Passkey Entry', code: 0 },
    { name: 'Numeric Comparison', central: { ioCapability: 'DisplayYesNo' }, peripheral: { ioCapability: 'KeyboardDisplay' }, method: 'Numeric Comparison', code: 0 },
  ] as const;
  for (const c of cases) {
    it(`Authenticated Read after ${c.name}: ${c.code === 0 ? 'read' : 'answers 0x05 Insufficient Authentication'}`, async () => {
      pair = await stackPair({ central: { config: { mitm: 'requested', ...c.central } }, peripheral: { config: { mitm: 'requested', ...c.peripheral } } });
      const { handle } = await pair.connect();
      const valueHandle = pair.server.handles('Authenticated Read').value;
      expect(await readCode(pair, handle, valueHandle), 'before pairing').toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
      const { peripheral } = await pair.pair(handle);
      expect(peripheral).toMatchObject({ result: 'paired', security: { method: c.method } });
      expect(pair.ct.tap.link(handle)!.encrypted).toBe(true);
      expect(await readCode(pair, handle, valueHandle)).toBe(c.code);
      expect(await readCode(pair, handle, pair.server.handles('Encrypted Read').value), 'an encrypted-only read').toBe(0);
    });
  }

  it("a key shorter than a characteristic's minimum answers 0x0C, from the session's key size", async () => {
    pair = await stackPair({ central: { config: { maxKeySize: 10 } }, peripheral: { config: { minKeySize: 7 } } });
    const { handle } = await pair.connect();
    const { peripheral } = await pair.pair(handle);
    expect(peripheral).toMatchObject({ result: 'paired', security: { keySize: 10 } });
    expect(await readCode(pair, handle, pair.server.handles('Strong Key Read').value)).toBe(ATT_ERROR.ENCRYPTION_KEY_SIZE_TOO_SHORT);
  });
});

describe('bonded reconnect', () => {
  it('encrypts with the stored key: the second link has no Pairing Request, and the authenticated read works at once', async () => {
    const centralKeys = new MemoryKeyStore();
    const peripheralKeys = new MemoryKeyStore();
    pair = await stackPair({
      central: { keyStore: centralKeys, config: { ioCapability: 'KeyboardDisplay', mitm: 'requested' } },
      peripheral: { keyStore: peripheralKeys, config: { ioCapability: 'DisplayYesNo', mitm: 'requested' } },
    });
    const first = await pair.connect();
    const paired = await pair.pair(first.handle);
    expect(paired.central).toMatchObject({ result: 'paired', bonded: true, security: { method: 'Numeric Comparison', authenticated: true } });
    // the stores' put() runs after the outcome: observe the stores until both hold the bond
    await until(async () => (await centralKeys.list()).length === 1 && (await peripheralKeys.list()).length === 1, 'both key stores to hold the bond');
    expect(await centralKeys.list()).toHaveLength(1);
    expect(await peripheralKeys.list()).toHaveLength(1);
    await withTimeout(first.peripheral.disconnectAsync(), { what: 'disconnection', timeoutMs: 5000 });
    const requestsBefore = smpTx(pair, SMP_CODE.PAIRING_REQUEST).length;

    const second = await pair.connect();
    expect(second.handle).not.toBe(first.handle);
    const again = await pair.pair(second.handle);
    expect(again.central).toMatchObject({ result: 'encrypted', with: 'stored-key', security: { method: 'Numeric Comparison', authenticated: true } });
    expect(again.peripheral).toMatchObject({ result: 'encrypted', with: 'stored-key' });
    expect(smpTx(pair, SMP_CODE.PAIRING_REQUEST), 'no Pairing Request on the second link').toHaveLength(requestsBefore);
    const link = pair.ct.tap.link(second.handle)!;
    expect(link.encrypted).toBe(true);
    expect(link.ltk?.via).toBe('LE Enable Encryption');
    expect(await readCode(pair, second.handle, pair.server.handles('Authenticated Read').value)).toBe(0);
  });
});
