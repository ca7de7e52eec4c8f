// openWorld's promise: the parts open in order (radio, transports, peripheral, central), close() closes
// them in reverse, each part even when one before it fails, only once, and what fails comes back as
// one WorldCloseError naming each part.
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../common/stack/gatt/index.js';
import { isBlebenchError } from '../../common/base/errors/blebench-error.js';
import { Radio } from '../../common/stack/air/index.js';
import { Closers, WorldCloseError } from '../../world/closers.js';
import { openWorld } from '../../world/open-world.js';
import { useWorld } from '../helpers/world.js';

describe('Closers', () => {
  it('closes in reverse order of opening, every part even after failures, and names each failure', async () => {
    const order: string[] = [];
    const c = new Closers();
    c.push('the radio', () => void order.push('radio'));
    c.push("the peripheral's transport", () => {
      order.push('pt');
      throw new Error('pt stuck');
    });
    c.push('the peripheral', () => void order.push('server'));
    c.push('the central', async () => {
      order.push('client');
      throw new Error('noble stuck');
    });
    const e = await c.closeAll().catch((x: unknown) => x);
    expect(order).toEqual(['client', 'server', 'pt', 'radio']);
    expect(e).toBeInstanceOf(WorldCloseError);
    expect(isBlebenchError(e)).toBe(true);
    expect((e as WorldCloseError).failures.map((f) => f.part)).toEqual(['the central', "the peripheral's transport"]);
    expect((e as Error).message).toBe('noble stuck; pt stuck');
  });

  it('closes once: a second close() waits for the first and runs nothing again', async () => {
    let runs = 0;
    const c = new Closers();
    c.push('the radio', async () => void runs++);
    await Promise.all([c.closeAll(), c.closeAll()]);
    await c.closeAll();
    expect(runs).toBe(1);
  });
});

describe('openWorld on the virtual radio', () => {
  const world = useWorld();

  it('serves the profile and connects the CentralClient to it; close() leaves nothing open', async () => {
    const w = await openWorld({ peripheral: { profile: loadProfile('default') }, central: { policy: 'never', timeoutMs: 3000 } });
    expect(w.transports.peripheral).toBe(w.pt);
    expect(w.transports.central).toBe(w.ct);
    const conn = await w.client.connectTo({ kind: 'address', value: w.server.address.toLowerCase() });
    expect(conn.connected).toBe(true);
    await w.close();
    expect(w.pt.isOpen).toBe(false);
    expect(w.ct.isOpen).toBe(false);
    await w.close(); // idempotent
  });

  it('joins a given radio without closing it, and opens only the sides asked for', async () => {
    const radio = new Radio({ name: 'shared' });
    try {
      const w = await world({ radio, central: { kind: 'transport' } });
      expect(w.radio).toBe(radio);
      expect(w.transports.peripheral).toBeUndefined();
      await w.close();
      expect(w.ct.isOpen).toBe(false);
      expect(radio.closed).toBe(false);
    } finally {
      radio.close();
    }
  });

  it('a part that fails to open closes what was opened before it and throws its own error', async () => {
    const radio = new Radio({ name: 'failing' });
    try {
      const opened: string[] = [];
      const e = await openWorld({
        radio,
        peripheral: { kind: 'transport' },
        central: { kind: 'transport' },
        prepare: async (side, t) => {
          opened.push(side);
          if (side === 'central') {
            expect(t.isOpen).toBe(true);
            throw new Error('no address');
          }
        },
      }).catch((x: unknown) => x);
      expect((e as Error).message).toBe('no address');
      expect(opened).toEqual(['peripheral', 'central']);
      expect(radio.controllers.size).toBe(0);
    } finally {
      radio.close();
    }
  });
});
