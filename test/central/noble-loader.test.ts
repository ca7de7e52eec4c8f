// Fails loudly when the pinned noble changes what central/noble-loader.ts relies on.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openTransport } from '../../common/hci/transport.js';
import { loadNoble, NOBLE_VERSION_PINNED, nobleVersion } from '../../central/noble-loader.js';
import { SeamSocket } from '../../common/hci/seam-socket.js';

const require = createRequire(import.meta.url);
const src = (f: string) => readFileSync(require.resolve(`@abandonware/noble/${f}`), 'utf8');

describe('noble internals the central relies on', () => {
  it('is the pinned version', () => {
    expect(nobleVersion()).toBe(NOBLE_VERSION_PINNED);
  });

  it('its Hci constructs the socket with `new BluetoothHciSocket()` from the module we inject', () => {
    const hci = src('lib/hci-socket/hci.js');
    expect(hci).toContain("require('@abandonware/bluetooth-hci-socket')");
    expect(hci).toContain('new BluetoothHciSocket()');
  });

  it("its userChannel option is dead code: only HCI_CHANNEL_USER selects the user channel", () => {
    expect(src('lib/hci-socket/hci.js')).toMatch(/typeof options\.userChannel === 'undefined' && options\.userChannel/);
  });

  it('loads over the mock transport with our socket, the internals in place, and no process handlers left', async () => {
    const t = await openTransport('mock', { name: 'central' });
    const sigint = process.listenerCount('SIGINT');
    const exit = process.listenerCount('exit');
    const n = await loadNoble(t);
    try {
      const hci = n.internals.bindings._hci;
      expect(hci._socket).toBeInstanceOf(SeamSocket);
      expect(typeof hci.pollIsDevUp).toBe('function');
      expect(typeof hci.startLeEncryption).toBe('function');
      expect(typeof n.internals.bindings._handles).toBe('object');
      expect(typeof n.internals.bindings._aclStreams).toBe('object');
      expect(typeof n.internals.bindings._gatts).toBe('object');
      expect(typeof n.internals.bindings.disconnect).toBe('function');
      expect(process.listenerCount('SIGINT')).toBe(sigint);
      expect(process.listenerCount('exit')).toBe(exit);
      expect(n.noble._state).toBe('poweredOn');
    } finally {
      await n.close();
      await t.close();
    }
  });

  it('two nobles in one process each get their own transport', async () => {
    const a = await openTransport('mock', { name: 'a' });
    const b = await openTransport('mock', { name: 'b' });
    const na = await loadNoble(a);
    const nb = await loadNoble(b);
    try {
      expect(na.noble).not.toBe(nb.noble);
      expect(na.internals.bindings._hci._socket).not.toBe(nb.internals.bindings._hci._socket);
      expect(a.tap.entries.length).toBeGreaterThan(0);
      expect(b.tap.entries.length).toBeGreaterThan(0);
    } finally {
      await na.close();
      await nb.close();
      await a.close();
      await b.close();
    }
  });
});
