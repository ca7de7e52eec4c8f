// `blebench peripheral --on-repairing refuse|accept` end to end on one `blebench air`: a central bonds
// (its identity kept with --address), then comes back without its keys (a new --keys file: it forgot
// the bond, as a phone's "Forget This Device") and pairs again. refuse: Pairing Failed 0x03 answers its
// Pairing Request, the peripheral says why, its bond stays; accept: the new pairing replaces the bond.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { decodeCapture, readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { startChild, type Child } from '../helpers/child.js';
import { until } from '../helpers/until.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/blebench.js');
const ADDRESS = 'C0:FF:EE:00:18:03';
const bondsIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { bonds: Array<{ peer: { address: string }; localLtk?: { key: string }; gattServer?: object }> }).bonds;

describe('blebench peripheral --on-repairing', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-repairing-'));
  const running: Child[] = [];
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop('SIGKILL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const central = (transport: string, keys: string, btsnoop: string) =>
    spawnSync(process.execPath, [cli, 'central', '--target', 'blebench', '--transport', transport, '--keys', keys, '--address', ADDRESS, '--policy', 'upfront', '--btsnoop', btsnoop, '--log-level', 'silent'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, COLUMNS: '400' } });

  for (const policy of ['refuse', 'accept'] as const) {
    it(`${policy}: the central that forgot its bond pairs again and is ${policy === 'refuse' ? 'refused with 0x03' : 'accepted; the bond is replaced'}`, async () => {
      const sock = path.join(dir, `${policy}.sock`);
      const air = startChild(process.execPath, [cli, 'air', '--listen', `unix:${sock}`, '--log-level', 'warn']);
      running.push(air);
      await air.waitForLine(/listening on unix:/);
      const transport = `h4:unix:${sock}`;
      const pkeys = path.join(dir, `${policy}-P.json`);
      const peripheral = startChild(process.execPath, [cli, 'peripheral', '--transport', transport, '--keys', pkeys, '--on-repairing', policy, '--log-level', 'warn']);
      running.unshift(peripheral);
      await peripheral.waitForLine(/serving "blebench default" as blebench/i, 15_000);

      const r1 = central(transport, path.join(dir, `${policy}-C1.json`), path.join(dir, `${policy}-1.btsnoop`));
      expect(r1.status, r1.stderr).toBe(EXIT.OK);
      // The peripheral writes the bond's keys at once and the GATT state it keeps for the bonded central
      // (Bond.gattServer) in its key store's next write, up to WRITE_GAP_MS later: the bond as it stands after both.
      const [before] = await until(() => (bondsIn(pkeys)[0]?.gattServer ? bondsIn(pkeys) : undefined), `the GATT server state kept with the bond in ${pkeys}`, 10_000);
      expect(before!.peer.address).toBe(ADDRESS);

      const second = path.join(dir, `${policy}-2.btsnoop`);
      const r2 = central(transport, path.join(dir, `${policy}-C2.json`), second);
      const entries = decodeCapture((await readBtsnoop(second)).records);
      expect(entries.filter((e) => e.name === 'SMP Pairing Request')).toHaveLength(1);
      if (policy === 'refuse') {
        // (no --profile: nothing to compare, so the walk itself ends 0; the paired phase says why it did not run)
        expect(r2.status, r2.stderr).toBe(EXIT.OK);
        expect(r2.stdout).toMatch(/pairing right after connecting failed: pairing failed: the peripheral sent Pairing Failed 0x03 Authentication Requirements/);
        expect(entries.filter((e) => e.name === 'SMP Pairing Failed').map((e) => e.fields.reason)).toEqual([0x03]);
        expect(entries.filter((e) => e.name === 'SMP Pairing Response')).toEqual([]);
        await peripheral.waitForLine(new RegExp(`${ADDRESS} holds a bond here and sent a new Pairing Request: refused with Pairing Failed 0x03`, 'i'), 10_000);
        expect(bondsIn(pkeys)).toEqual([before]);
      } else {
        expect(r2.status, r2.stderr).toBe(EXIT.OK);
        expect(entries.filter((e) => e.name === 'SMP Pairing Failed')).toEqual([]);
        await peripheral.waitForLine(new RegExp(`${ADDRESS} holds a bond here and sent a new Pairing Request: accepted`, 'i'), 10_000);
        expect(await peripheral.stop('SIGINT')).toBe(EXIT.OK);
        const after = bondsIn(pkeys);
        expect(after).toHaveLength(1);
        expect(after[0]!.localLtk!.key).not.toBe(before!.localLtk!.key);
      }
    }, 150_000);
  }
});
