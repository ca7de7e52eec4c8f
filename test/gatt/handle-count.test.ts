// The handle count profile validation uses (common/stack/gatt/handle-count.ts) is what the served table takes:
// every fixture served by bleno on the virtual radio ends at exactly that handle.
import { openWorld } from '../../world/open-world.js';
import { describe, expect, it } from 'vitest';
import { listProfiles, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { attributeHandleCount } from '../../common/stack/gatt/handle-count.js';

describe('attribute handles of a served profile', () => {
  it.each(listProfiles())('%s: the last served handle is the count profile validation checks against 65535', async (name) => {
    const profile = loadProfile(name);
    const w = await openWorld({ radio: { name: 'handles' }, peripheral: { profile } });
    const { server } = w;
    try {
      const last = Math.max(
        ...profile.services.flatMap((s) => s.characteristics.map((c) => {
          const h = server.handles(c.name);
          return Math.max(h.value, h.cccd ?? 0, ...h.descriptors.map((d) => d.handle));
        })),
      );
      // The last service of a profile has characteristics in every fixture: its last attribute is the table's last.
      expect(last).toBe(attributeHandleCount(profile.services));
    } finally {
      await w.close();
    }
  });
});
