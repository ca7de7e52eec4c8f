// Waiting for noble/bleno to power on ends at once when the stack says it never will, with a named
// transport error, and a timeout after 'poweredOff' says the adapter is down. The unit runs on a bare
// emitter; the end-to-end cases put real noble and real bleno on a virtual controller that reports
// HCI version 3.0 (no LE), on which both emit 'unsupported'.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openTransport } from '../../common/stack/hci/transport.js';
import { waitForPoweredOn } from '../../common/stack/hci/stack-power.js';
import { TransportError } from '../../common/stack/hci/transport-errors.js';
import { TimeoutError } from '../../common/base/util/wait.js';
import { loadNoble } from '../../central/noble/load.js';
import { loadBleno } from '../../peripheral/bleno/index.js';

const w = { stack: 'noble', transport: 'hci:0', timeoutMs: 2000 };
/** HCI_Version 0x05: Bluetooth 3.0 + HS, before LE (Assigned Numbers). */
const BLUETOOTH_3_0 = 0x05;

describe('waitForPoweredOn', () => {
  it('resolves on poweredOn after other states', async () => {
    const e = new EventEmitter();
    const p = waitForPoweredOn(e, w);
    e.emit('stateChange', 'unknown');
    e.emit('stateChange', 'poweredOff');
    e.emit('stateChange', 'poweredOn');
    await expect(p).resolves.toBeUndefined();
    expect(e.listenerCount('stateChange')).toBe(0);
  });

  it("'unauthorized' is PERMISSION_DENIED at once, with the setcap line", async () => {
    const e = new EventEmitter();
    const p = waitForPoweredOn(e, w);
    e.emit('stateChange', 'unauthorized');
    const err = await p.catch((x: unknown) => x);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('PERMISSION_DENIED');
    expect((err as TransportError).hint).toContain('setcap');
  });

  it("'unsupported' is LE_UNSUPPORTED at once", async () => {
    const e = new EventEmitter();
    const p = waitForPoweredOn(e, { ...w, stack: 'bleno' });
    e.emit('stateChange', 'unsupported');
    const err = await p.catch((x: unknown) => x);
    expect((err as TransportError).code).toBe('LE_UNSUPPORTED');
    expect((err as Error).message).toMatch(/^hci:0: bleno reported 'unsupported'/);
  });

  it('a timeout after poweredOff is ADAPTER_DOWN; after nothing, a TimeoutError naming the last state', async () => {
    const off = new EventEmitter();
    const p1 = waitForPoweredOn(off, { ...w, timeoutMs: 20 });
    off.emit('stateChange', 'poweredOff');
    expect(((await p1.catch((x: unknown) => x)) as TransportError).code).toBe('ADAPTER_DOWN');
    const silent = new EventEmitter();
    const p2 = waitForPoweredOn(silent, { ...w, timeoutMs: 20 });
    silent.emit('stateChange', 'resetting');
    const err = await p2.catch((x: unknown) => x);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain('(last state: resetting)');
  });
});

describe('real stacks on a controller without LE', () => {
  it('noble ends with LE_UNSUPPORTED long before its power-on time limit', async () => {
    const t = await openTransport('mock', { name: 'central', controller: { hciVersion: BLUETOOTH_3_0 } });
    try {
      const err = await loadNoble(t, { timeoutMs: 20_000 }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).code).toBe('LE_UNSUPPORTED');
    } finally {
      await t.close();
    }
  });

  it('bleno ends with LE_UNSUPPORTED, and can be loaded again afterwards', async () => {
    const t = await openTransport('mock', { name: 'peripheral', controller: { hciVersion: BLUETOOTH_3_0 } });
    try {
      const err = await loadBleno(t, { timeoutMs: 20_000 }).catch((x: unknown) => x);
      expect((err as TransportError).code).toBe('LE_UNSUPPORTED');
    } finally {
      await t.close();
    }
    const ok = await openTransport('mock', { name: 'peripheral' });
    const b = await loadBleno(ok);
    await b.close();
    await ok.close();
  });
});
