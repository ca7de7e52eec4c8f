// The central on the os transport, driven through a fake CoreBluetooth binding (this machine has no
// Bluetooth; the binding shapes are noble 1.9.2-26's lib/mac ones): real noble (lib/noble.js) on top,
// the matrix marks every cell as an API fact, maps CoreBluetooth's error texts one to one and says
// "unknown" where the OS gives no code.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { ATT_ERROR } from '../../common/base/codes/att.js';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import type { OsTransport } from '../../common/stack/hci/os-transport.js';
import { runOsCentral } from '../../bin/commands/central-os.js';
import { API_FACTS_HEADER, type ApiCell, type MatrixResult } from '../../central/matrix/matrix-types.js';
import { matrixJson } from '../../central/matrix/render-json.js';
import { renderMatrixTable } from '../../central/matrix/render-table.js';
import { OsCentralClient } from '../../central/os/os-central.js';
import { isOsApiError, OsApiError } from '../../central/os/os-api-error.js';
import { runOsMatrix } from '../../central/os/os-matrix.js';
import { parseTarget } from '../../central/scan.js';
import { fakeCoreBluetooth, requireWithFake, type FakeCoreBluetoothLog, type FakePeripheral } from './fake-corebluetooth.js';

const realRequire = createRequire(import.meta.url);
const SERVICE = 'B1EB1000-7E57-4B3E-9C1D-2F5E0B1C7A90';
const ch = (n: string) => `B1EB10${n}-7E57-4B3E-9C1D-2F5E0B1C7A90`;

/** The default profile's characteristics, answering as macOS would through noble's mac binding. */
function peer(): FakePeripheral {
  return {
    id: '5C2A11E0-0000-4000-8000-00000000B1EB',
    localName: 'blebench',
    serviceUuids: [SERVICE],
    rssi: -48,
    services: [
      {
        uuid: SERVICE,
        characteristics: [
          { uuid: ch('01'), properties: ['read'], value: Buffer.from('open') },
          { uuid: ch('02'), properties: ['read'], read: { errorText: 'Authentication is insufficient.' } },
          { uuid: ch('0F'), properties: ['read'], read: { errorText: 'Error Domain=CBATTErrorDomain Code=15 "Encryption is insufficient." UserInfo={NSLocalizedDescription=Encryption is insufficient.}' } },
          { uuid: ch('03'), properties: ['write'], write: { errorText: 'Unknown error.' } },
          { uuid: ch('05'), properties: ['notify'], notify: { refuse: true } },
          { uuid: ch('08'), properties: ['read'], read: { dropError: true } },
          { uuid: ch('0D'), properties: ['read', 'notify'], value: Buffer.from([0x15, 0x00]) },
        ],
      },
    ],
  };
}

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

/** The fake binding answers in a few turns of the event loop; a test of the time limit itself sets a short one. */
async function osClient(p: FakePeripheral, log?: FakeCoreBluetoothLog, timeoutMs = 2000) {
  const t = (await openTransport('os', { platform: 'darwin' })) as OsTransport;
  opened.push(t);
  const client = await OsCentralClient.open(t, { platform: 'darwin', timeoutMs, require: requireWithFake(fakeCoreBluetooth(p, log), realRequire) });
  opened.push(client);
  return client;
}

async function matrix(p = peer()): Promise<MatrixResult<ApiCell>> {
  const client = await osClient(p);
  const found = await client.find({ kind: 'name', value: 'blebench' });
  return runOsMatrix(client, found, { profile: loadProfile(DEFAULT_PROFILE) });
}

/** The cell's error, which must be one the OS API reported. */
function apiError(c: ApiCell): OsApiError {
  if (c.outcome.kind !== 'error' || !isOsApiError(c.outcome.error)) throw new Error(`expected an OS API error, got ${JSON.stringify(c.outcome)}`);
  return c.outcome.error;
}

const cell = (r: MatrixResult<ApiCell>, uuidTail: string, op: string) => r.phases[0]!.cells.find((c) => c.characteristic.uuid.startsWith(`b1eb10${uuidTail}`) && c.operation === op)!;

describe('the security matrix over the os transport (fake CoreBluetooth binding under real noble)', () => {
  it('has one phase, "os", every cell marked as a fact from the API, and the header line in table and JSON', async () => {
    const r = await matrix();
    expect(r.policy).toBe('os');
    expect(r.phases.map((p) => p.name)).toEqual(['os']);
    expect(r.phases[0]!.cells).toHaveLength(8);
    expect(r.phases[0]!.cells.every((c) => c.source === 'api')).toBe(true);
    expect(r.facts).toMatchObject({ source: 'api', header: API_FACTS_HEADER });
    const table = renderMatrixTable(r);
    expect(table.split('\n')[0]).toBe('facts from the OS API, not the air: no HCI tap');
    expect(table).toContain('pairing decided by the OS');
    expect(table).toContain('(address hidden by the OS)');
    expect(table).toMatch(/\nOpen Read +read +api +"open" \(6f70656e\)\n/);
    // Each cell's reason with --verbose.
    expect(renderMatrixTable(r, { verbose: true })).toMatch(/Open Read × read, as the OS handled it \[api\]: the OS reported 4 octet\(s\)/);
    const json = JSON.parse(JSON.stringify(matrixJson(r))) as { facts: { source: string; header: string }; phases: { cells: { source: string }[] }[] };
    expect(json.facts).toMatchObject({ source: 'api', header: API_FACTS_HEADER });
    expect(json.phases[0]!.cells.every((c) => c.source === 'api')).toBe(true);
  });

  it("maps CoreBluetooth's error texts to the ATT code, saying it comes from the API text", async () => {
    const r = await matrix();
    const e = apiError(cell(r, '02', 'read'));
    expect(e.attCode).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(e.codeSource).toBe('corebluetooth-text');
    expect(e.label).toBe('ATT 0x05 Insufficient Authentication (API text)');
    expect(e.message).toContain(`from the OS's error text "Authentication is insufficient.", not from the air`);
    const enc = apiError(cell(r, '0f', 'read'));
    expect(enc.attCode).toBe(ATT_ERROR.INSUFFICIENT_ENCRYPTION);
    expect(enc.codeSource).toBe('corebluetooth-domain-code');
  });

  it('says "ATT code unknown" when the OS gives no code: an opaque error text, a subscription the OS leaves off', async () => {
    const r = await matrix();
    const write = apiError(cell(r, '03', 'write'));
    expect(write.attCode).toBeUndefined();
    expect(write.label).toBe('failed ("Unknown error."; ATT code unknown)');
    const notify = apiError(cell(r, '05', 'notify'));
    expect(notify.attCode).toBeUndefined();
    expect(notify.label).toBe('failed (the OS does not say why; ATT code unknown)');
    expect(notify.message).toContain('the OS reports notifications still off');
    expect(renderMatrixTable(r)).toMatch(/\nEncrypted Notify +notify +api +failed \(the OS does not say why; ATT code unknown\)\n/);
    // No cell claims an ATT code the OS did not name.
    const named = r.phases[0]!.cells.flatMap((c) => (c.outcome.kind === 'error' && isOsApiError(c.outcome.error) && c.outcome.error.attCode !== undefined ? [c.characteristic.uuid.slice(6, 8)] : []));
    expect(named.sort()).toEqual(['02', '0f']);
  });

  it('a read whose error the binding drops is the cached value with a caveat, and the profile comparison catches what no security explains', async () => {
    const r = await matrix();
    const dropped = cell(r, '08', 'read');
    expect(dropped.outcome).toEqual({ kind: 'value', hex: '' });
    expect(dropped.caveat).toMatch(/forwards no read error/);
    // Authorized Read answers 0x08 at every security level: the OS's "success" cannot be right.
    expect(dropped.difference).toMatch(/the OS reported \(empty\) where the profile refuses it at every security level/);
    // 0x05 and 0x0F named by the OS, an unknown write failure, a refused subscription: each fits some security the OS may have had.
    for (const [tail, op] of [['02', 'read'], ['0f', 'read'], ['03', 'write'], ['05', 'notify'], ['01', 'read']] as const) expect(cell(r, tail, op).difference).toBeUndefined();
    expect(r.differences.some((d) => d.includes('"Authorized Read" × read (os)'))).toBe(true);
    // The profile's characteristics the fake peer lacks are named too.
    expect(r.differences.some((d) => d.startsWith('"Authenticated Read"') && d.includes('not on the target'))).toBe(true);
  });

  it('subscribes and unsubscribes through the OS and writes back the value just read', async () => {
    const log: FakeCoreBluetoothLog = { calls: [], writes: [], bindings: [] };
    const client = await osClient(peer(), log);
    const found = await client.find(parseTarget(SERVICE));
    const r = await runOsMatrix(client, found);
    expect(cell(r, '0d', 'notify').outcome).toEqual({ kind: 'subscribed' });
    const notifyCalls = log.calls.filter((c) => c[0] === 'notify' && c[3] === 'b1eb100d7e574b3e9c1d2f5e0b1c7a90').map((c) => c[4]);
    expect(notifyCalls).toEqual([true, false]);
    expect(log.calls.at(-1)?.[0]).toBe('disconnect');
  });

  it('a read the OS never answers ends at the time limit, and a link the OS drops ends the phase: nothing hangs', async () => {
    const p = peer();
    const chars = p.services[0]!.characteristics;
    chars[0] = { ...chars[0]!, read: { silent: true } };
    chars[1] = { ...chars[1]!, read: { disconnect: true } };
    // What is tested is that the silent read ends at the limit, not how long the limit is.
    const client = await osClient(p, undefined, 250);
    const found = await client.find({ kind: 'name', value: 'blebench' });
    const r = await runOsMatrix(client, found);
    const cells = r.phases[0]!.cells;
    expect(cells).toHaveLength(2);
    expect(cells[0]!.outcome).toMatchObject({ kind: 'error', error: { kind: 'timeout' } });
    expect(cells[0]!.why).toMatch(/the OS reported nothing \(noble's WinRT binding drops a failed read without any event\)/);
    expect(apiError(cells[1]!).operation).toBe('link');
    expect(cells[1]!.why).toContain('the link failed (the OS reports the peripheral disconnected): the OS does not say why; HCI status unknown');
    expect(r.phases[0]!.note).toMatch(/^the link was lost: .*the cells after it were not tried$/);
  });

  it('a refused connection is the OS\'s words with the HCI status unknown, and the phase says it could not run', async () => {
    const r = await matrix({ ...peer(), refuseConnection: true });
    expect(r.phases[0]!.cells).toEqual([]);
    expect(r.phases[0]!.note).toBe('the phase could not run: connection to blebench failed: the OS said "connection failed"; HCI status unknown');
  });
});

describe('blebench central --transport os (in process, over the fake binding)', () => {
  it('prints the matrix with the API header and exits 1 when the profile comparison finds a difference', async () => {
    const t = (await openTransport('os', { platform: 'darwin' })) as OsTransport;
    opened.push(t);
    let out = '';
    const code = await runOsCentral(
      { target: 'blebench', transport: 'os', profile: DEFAULT_PROFILE, timeout: 2000, logLevel: 'silent', logFormat: 'json' },
      { transport: t, out: (s) => void (out += s), err: () => undefined, osRequire: requireWithFake(fakeCoreBluetooth(peer()), realRequire) },
    );
    expect(code).toBe(1);
    expect(out.startsWith(`${API_FACTS_HEADER}\n`)).toBe(true);
    expect(out).toMatch(/verdict: FAIL: \d+ difference\(s\) from profile "blebench default"/);
  });
});
