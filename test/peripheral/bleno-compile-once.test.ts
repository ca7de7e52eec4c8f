// bleno's files are compiled once per process (peripheral/bleno/compile-once.ts) and each load still gets
// fresh module instances. Fails loudly when Node's CommonJS loader stops calling Module.prototype._compile
// (nothing would be compiled here) or a load starts sharing bleno's instances.
import { describe, expect, it } from 'vitest';
import { openTransport } from '../../common/stack/hci/transport.js';
import { loadBleno, type LoadedBleno } from '../../peripheral/bleno/index.js';
import { compiledFileCount } from '../../peripheral/bleno/compile-once.js';
import { BLENO_HCI_BINDINGS_FILE, require } from '../../peripheral/bleno/internals.js';

async function loaded<T>(name: string, use: (b: LoadedBleno) => T): Promise<T> {
  const t = await openTransport('mock', { name });
  const b = await loadBleno(t);
  try {
    return use(b);
  } finally {
    await b.close();
    await t.close();
  }
}

describe('bleno compiled once per process', () => {
  it('a second load compiles nothing new, runs bleno afresh (its own instances) and powers on', async () => {
    const first = await loaded('first', (b) => ({ bleno: b.bleno, bindings: b.internals.bindings, compiled: compiledFileCount() }));
    // The first load of this process compiled bleno's files here (its lib/, hci-socket/ and the rest).
    expect(first.compiled).toBeGreaterThanOrEqual(10);
    const second = await loaded('second', (b) => ({ bleno: b.bleno, bindings: b.internals.bindings, state: (b.bleno as unknown as { state: string }).state, cached: require(BLENO_HCI_BINDINGS_FILE) as unknown }));
    expect(compiledFileCount()).toBe(first.compiled);
    expect(second.bleno).not.toBe(first.bleno);
    expect(second.bindings).not.toBe(first.bindings);
    // The module the second load built is the one in require's cache (the loader kept its bookkeeping).
    expect(second.cached).toBe(second.bindings);
    expect(second.state).toBe('poweredOn');
  });
});
