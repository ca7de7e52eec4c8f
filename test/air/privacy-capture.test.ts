// A privacy exchange between two raw hosts, captured as btsnoop and read by Wireshark's tshark: the
// resolving list commands, the RPA advertising, resolved reports (address type 0x02) and LE Enhanced
// Connection Complete with both RPAs decode with no malformed packet. tshark is installed on CI; a
// missing tool fails the test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LE_EVT, OP } from '../../common/base/codes/hci.js';
import { Radio, type VirtualController } from '../../common/stack/air/index.js';
import { BtsnoopWriter } from '../../common/stack/trace/btsnoop-writer.js';
import { controllerEndpoint, TestHost } from './helpers/host.js';
import { advertise, createConnection, initHost, LE_MASK_DEFAULT_TESTS, scanParams } from './helpers/setup.js';
import { resolvingEntry } from './helpers/privacy.js';

let radio: Radio | undefined;
afterEach(() => {
  radio?.close();
  radio = undefined;
});

/** A raw host whose every packet, both ways, goes to a btsnoop file. */
function recordedHost(c: VirtualController, name: string, writer: BtsnoopWriter): TestHost {
  const inner = controllerEndpoint(c);
  return new TestHost(
    {
      write: (p) => {
        writer.write('tx', p);
        inner.write(p);
      },
      onPacket: (l) =>
        inner.onPacket((p) => {
          writer.write('rx', p);
          l(p);
        }),
    },
    name,
  );
}

describe('a privacy capture in tshark', () => {
  it('resolving list commands, resolved reports and Enhanced Connection Complete decode with no malformed packet', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'blebench-privacy-')), 'central.btsnoop');
    const writer = new BtsnoopWriter(file);
    radio = new Radio({ name: 'privacy-capture' });
    const pc = radio.createController();
    const cc = radio.createController();
    const p = new TestHost(controllerEndpoint(pc), 'peripheral');
    const c = recordedHost(cc, 'central', writer);
    const mask = LE_MASK_DEFAULT_TESTS | (1n << 9n);
    await initHost(p, mask);
    await initHost(c, mask);
    const irkP = '0123456789abcdef0123456789abcdef';
    const irkC = 'fedcba9876543210fedcba9876543210';
    await p.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, cc.address, irkC, irkP));
    await p.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    await c.ok(OP.LE_ADD_DEVICE_TO_RESOLVING_LIST, resolvingEntry(0, pc.address, irkP, irkC));
    await c.ok(OP.LE_SET_RESOLVABLE_PRIVATE_ADDRESS_TIMEOUT, [0x84, 0x03]);
    await c.ok(OP.LE_SET_ADDRESS_RESOLUTION_ENABLE, [1]);
    await advertise(p, { ownAddressType: 0x02, peerAddressType: 0x00, peerAddress: cc.address });
    await c.ok(OP.LE_SET_SCAN_PARAMETERS, scanParams(true, 0x02));
    await c.ok(OP.LE_SET_SCAN_ENABLE, [1, 1]);
    await c.waitLe(LE_EVT.ADVERTISING_REPORT, 'resolved report');
    await c.ok(OP.LE_SET_SCAN_ENABLE, [0, 0]);
    await c.command(OP.LE_CREATE_CONNECTION, createConnection(pc.address, { peerAddressType: 0x02, ownAddressType: 0x02 }));
    await c.waitLe(LE_EVT.ENHANCED_CONNECTION_COMPLETE, 'enhanced connection complete');
    await writer.close();

    // one tshark start: every frame's details (-V), then the error-level expert info (-z expert,error) after them
    const text = execFileSync('tshark', ['-r', file, '-V', '-z', 'expert,error'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(text).not.toMatch(/Malformed Packet/i);
    expect(text).toMatch(/Add Device to Resolving List/i);
    expect(text).toMatch(/Set Address Resolution Enable/i);
    expect(text).toMatch(/Enhanced Connection Complete/i);
    expect(text).toMatch(/Public Identity Address/i); // the resolved report's and the connection's peer address type
    expect(text).not.toMatch(/Malformed/i);
  });
});
