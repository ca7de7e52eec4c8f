// The test side of world/open-world.ts: `const world = useWorld()` in a describe (or at the top of a
// file) registers one afterEach that closes every world the tests opened with `world(options)`, the
// last opened first, each close awaited, so no file writes its own teardown chain.
import { afterEach } from 'vitest';
import { openWorld, type World, type WorldOptions } from '../../world/open-world.js';

export function useWorld(): <const O extends WorldOptions>(options: O) => Promise<World<O>> {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    const worlds = open.splice(0).reverse();
    const failures: unknown[] = [];
    for (const w of worlds) await w.close().catch((e: unknown) => failures.push(e));
    if (failures.length) throw failures[0];
  });
  return async (options) => {
    const w = await openWorld(options);
    open.push(w);
    return w;
  };
}
