// The pairing-timeout finding at the edges of its range: a pairing whose last SMP PDU is followed by
// silence and a disconnection. Each side's 30 s SMP timer (Core v5.4 Vol 3 Part H 3.4) starts at its own
// last PDU, which the other side's capture stamps a little earlier or later, so up to 1 s short of 30 s
// still counts as the timeout; anything shorter is a disconnection with another cause.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainFile } from '../../common/apps/explain/index.js';
import { writeStalledPairing } from '../capture/stalled-pairing.js';

const tmp = mkdtempSync(join(tmpdir(), 'blebench-smp-timeout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pairing-timeout: how long a silence after the last SMP PDU counts as the SMP timeout', () => {
  for (const [silentMs, found] of [
    [28_999, false],
    [29_000, true],
    [30_000, true],
    [45_000, true],
  ] as const) {
    it(`${silentMs} ms of silence, then the peer disconnects: ${found ? 'the timeout' : 'not the timeout'}`, async () => {
      const f = join(tmp, `stall-${silentMs}.btsnoop`);
      writeStalledPairing(silentMs, f);
      const r = await explainFile(f);
      expect(r.findings.some((x) => x.id === 'pairing-timeout')).toBe(found);
      expect(r.connections).toHaveLength(1);
    });
  }
});
