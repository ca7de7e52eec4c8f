// Issue 2's proof across processes: `blebench air` in one process, bleno in another, noble here,
// all through h4: streams. Needs `npm run build` (npm test runs it first).
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import { TransportError } from '../../common/stack/hci/transport-errors.js';
import { loadNoble, type LoadedNoble } from '../../central/noble/load.js';
import { waitForEvent } from '../../common/base/util/wait.js';
import { SECURE_CHAR, SECURE_VALUE, SEAM_SERVICE, OPEN_CHAR, OPEN_VALUE } from '../helpers/seam-check-gatt.js';
import { connectAndDiscover, scanFor } from '../helpers/central-steps.js';
import { startChild, type Child } from '../helpers/child.js';
import { tsharkBatch } from '../helpers/tshark-batch.js';

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-air-'));
const sock = path.join(dir, 'air.sock');
const airCapture = path.join(dir, 'air.btsnoop');
let air: Child;
let peripheral: Child;
let ct: HciTransport;
let noble: LoadedNoble;

beforeAll(async () => {
  air = startChild(process.execPath, ['bin/blebench.js', 'air', '--listen', `unix:${sock}`, '--btsnoop', airCapture, '--log-level', 'warn']);
  await air.waitForLine(/listening on unix:/);
  peripheral = startChild(process.execPath, ['test/fixtures/seam-peripheral.mjs', `h4:unix:${sock}`]);
  await peripheral.waitForLine(/^ready /m);
  ct = await openTransport(`h4:unix:${sock}`, { name: 'central' });
  noble = await loadNoble(ct);
});

afterAll(async () => {
  await noble?.close();
  await ct?.close();
  await peripheral?.stop();
  await air?.stop();
});

describe('noble and bleno in separate processes through blebench air', () => {
  it('the air socket file is private to its owner (mode 0600)', () => {
    expect(statSync(sock).mode & 0o777).toBe(0o600);
  });

  it('scan, connect, read open, read secure after pairing, across processes', async () => {
    const p = await scanFor(noble.noble, SEAM_SERVICE);
    const { characteristics } = await connectAndDiscover(p);
    expect(await characteristics.find((c) => c.uuid === OPEN_CHAR)!.readAsync()).toEqual(OPEN_VALUE);
    expect(await characteristics.find((c) => c.uuid === SECURE_CHAR)!.readAsync()).toEqual(SECURE_VALUE);
    const err = ct.tap.entries.find((e) => e.layer === 'att' && e.fields.errorCode === 0x05);
    expect(err).toBeDefined();
    const enc = await ct.tap.waitFor((e) => e.name === 'HCI Encryption Change', { timeoutMs: 5000, includePast: true });
    expect(enc.fields.status).toBe(HCI_STATUS.SUCCESS);
    await peripheral.waitForLine(/^accept /m);
    const gone = waitForEvent(p as unknown as NodeJS.EventEmitter, 'disconnect', { what: 'disconnect', timeoutMs: 5000 });
    await p.disconnectAsync();
    await gone;
    await peripheral.waitForLine(/^disconnect /m);
  });

  it('stopping the air closes the transport with a named error', async () => {
    const closed = waitForEvent<[TransportError | undefined]>(ct, 'close', { what: 'transport close', timeoutMs: 5000 });
    expect(await air.stop('SIGTERM')).toBe(0);
    const [err] = await closed;
    expect(err).toBeInstanceOf(TransportError);
    expect(err!.code).toBe('TRANSPORT_CLOSED');
    expect(ct.isOpen).toBe(false);
    await peripheral.waitForLine(/transport closed/);
  });

  it("the air's own captures (one per controller) are read by tshark: both ends of the pairing", () => {
    // controller 1 is the peripheral's (it connected first), controller 2 the central's
    // tshark -r F -V of both, one tshark start (test/helpers/tshark-batch.ts splits it by frame)
    const read = tsharkBatch([airCapture, path.join(dir, 'air-2.btsnoop')], { verbose: true });
    expect(read.size).toBe(2);
    for (const [file, { rows }] of read) {
      const text = rows.map((r) => r[1]).join('\n');
      expect(text, file).not.toMatch(/Malformed Packet/);
      expect(text, file).toMatch(/Pairing Request/);
      expect(text, file).toMatch(/Insufficient Authentication/);
    }
  });
});
