// Fails loudly when the pinned bleno changes what peripheral/bleno-loader.ts relies on.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openTransport } from '../../common/hci/transport.js';
import { BLENO_VERSION_PINNED, blenoVersion, loadBleno } from '../../peripheral/bleno-loader.js';
import { SeamSocket } from '../../common/hci/seam-socket.js';

const require = createRequire(import.meta.url);
const src = (f: string) => readFileSync(require.resolve(`@abandonware/bleno/${f}`), 'utf8');

describe('bleno internals the peripheral relies on', () => {
  it('is the pinned version', () => {
    expect(blenoVersion()).toBe(BLENO_VERSION_PINNED);
  });

  it('its Hci and Mgmt construct sockets with `new BluetoothHciSocket()` at module load', () => {
    expect(src('lib/hci-socket/hci.js')).toContain("require('@abandonware/bluetooth-hci-socket')");
    expect(src('lib/hci-socket/mgmt.js')).toContain('module.exports = new Mgmt()');
    expect(src('lib/hci-socket/bindings.js')).toContain('module.exports = new BlenoBindings()');
  });

  it('hands its keys to the kernel with MGMT Load Long Term Keys on controller index 0', () => {
    const mgmt = src('lib/hci-socket/mgmt.js');
    expect(mgmt).toContain('MGMT_OP_LOAD_LONG_TERM_KEYS = 0x0013');
    expect(mgmt).toContain('this.write(MGMT_OP_LOAD_LONG_TERM_KEYS, 0, op)');
  });

  it('loads over mock with our sockets (HCI raw + management) and no process handlers left', async () => {
    const t = await openTransport('mock', { name: 'peripheral' });
    const sigint = process.listenerCount('SIGINT');
    const b = await loadBleno(t);
    try {
      expect(b.internals.bindings._hci._socket).toBeInstanceOf(SeamSocket);
      expect((b.internals.bindings._hci._socket as unknown as SeamSocket).mode).toBe('raw');
      expect((b.internals.mgmt._socket as unknown as SeamSocket).mode).toBe('control');
      expect(Array.isArray(b.internals.mgmt._ltkInfos)).toBe(true);
      expect(process.listenerCount('SIGINT')).toBe(sigint);
      expect(b.bleno.state).toBe('poweredOn');
    } finally {
      await b.close();
      await t.close();
    }
  });

  it('a second load after close is a fresh singleton on a fresh transport', async () => {
    const t1 = await openTransport('mock');
    const b1 = await loadBleno(t1);
    await expect(loadBleno(t1)).rejects.toThrow(/already loaded/);
    await b1.close();
    const t2 = await openTransport('mock');
    const b2 = await loadBleno(t2);
    try {
      expect(b2.bleno).not.toBe(b1.bleno);
      expect(b2.internals.bindings).not.toBe(b1.internals.bindings);
    } finally {
      await b2.close();
      await t1.close();
      await t2.close();
    }
  });
});
