// The GATT server's state for a bonded central is kept with the bond in the Security Manager's key
// store (Core v5.4 Vol 3 Part G 2.5.2: "The server shall store service changed information for all
// bonded devices"; 7.1, 7.2: Service Changed's CCCD and Client Supported Features persist for bonded
// clients): in the key file, atomically, mode 0600, beside the keys, which it leaves as they were. A
// new peripheral on that key file (the device after a reboot into new firmware) finds the central
// change-unaware and indicates Service Changed.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ATT_OP } from '../../common/base/codes/att.js';
import { CLIENT_FEATURE } from '../../common/base/codes/gatt.js';
import { withTimeout } from '../../common/base/util/wait.js';
import { loadProfile } from '../../common/stack/gatt/index.js';
import { JsonFileKeyStore } from '../../common/stack/smp/json-key-store.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { att, attProbe } from '../helpers/peripheral-bench.js';
import { until } from '../helpers/until.js';
import { stackPair, type StackPair } from './helpers/stack-pair.js';

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-gatt-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let pair: StackPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const ADDRESSES = { central: 'C0:FF:EE:00:00:01', peripheral: 'B1:EB:00:00:00:0A' };
const SC_CCCD = 0x0009;
const CSF = 0x000b;

describe('GATT state kept with the bond', () => {
  it("is written into the key file with the bond (0600), keys unchanged; the next peripheral on that file indicates Service Changed to the central after a firmware change", async () => {
    const file = path.join(dir, 'peripheral-keys.json');
    const peripheralKeys = new JsonFileKeyStore(file);
    const centralKeys = new MemoryKeyStore();
    pair = await stackPair({ profile: loadProfile('thermometer-v1'), addresses: ADDRESSES, central: { keyStore: centralKeys }, peripheral: { keyStore: peripheralKeys } });
    const first = await pair.connect();
    expect((await pair.pair(first.handle)).central).toMatchObject({ result: 'paired', bonded: true });
    await until(async () => (await peripheralKeys.list()).length === 1, 'the peripheral to keep the bond');
    const [keysBefore] = await peripheralKeys.list();
    const probe = attProbe(pair.noble, pair.ct.tap, first.handle);
    expect((await probe.request(att.write(SC_CCCD, Buffer.from([0x02, 0x00]))))[0]).toBe(ATT_OP.WRITE_RSP);
    expect((await probe.request(att.write(CSF, Buffer.from([CLIENT_FEATURE.ROBUST_CACHING]))))[0]).toBe(ATT_OP.WRITE_RSP);
    const v1Hash = pair.server.databaseHash;
    await withTimeout(first.peripheral.disconnectAsync(), { what: 'disconnection', timeoutMs: 5000 });
    await until(async () => (await peripheralKeys.list())[0]?.gattServer !== undefined, 'the GATT state to be kept with the bond');
    await peripheralKeys.settled();

    const inFile = JSON.parse(readFileSync(file, 'utf8')) as { bonds: Array<{ gattServer?: unknown; localLtk?: { key: string } }> };
    expect(inFile.bonds).toHaveLength(1);
    expect(inFile.bonds[0]!.gattServer).toEqual({ databaseHash: v1Hash.toString('hex'), clientFeatures: 1, serviceChangedCccd: 2 });
    expect(inFile.bonds[0]!.localLtk?.key).toBe(keysBefore!.localLtk?.key.toString('hex'));
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // The device reboots into v2 on the same key file: the central is change-unaware, Service Changed is indicated.
    await pair.close();
    pair = await stackPair({ profile: loadProfile('thermometer-v2'), addresses: ADDRESSES, central: { keyStore: centralKeys }, peripheral: { keyStore: new JsonFileKeyStore(file) } });
    const from = pair.ct.tap.nextSeq;
    const second = await pair.connect();
    const ind = await pair.ct.tap.waitFor((e) => e.seq >= from && e.layer === 'att' && e.dir === 'rx' && e.raw[0] === ATT_OP.HANDLE_VALUE_IND, { timeoutMs: 5000, includePast: true, what: 'the Service Changed indication' });
    expect(ind.handle).toBe(second.handle);
    expect(ind.raw.subarray(1).toString('hex')).toBe('0800' + '0100ffff');
  }, 30_000);
});
