// The JSON key store writes its file in pieces (a whole-file string and buffer each write grew a
// long run's memory): the pieces joined are byte for byte the single JSON document, at the piece edges too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bondToJson, type Bond } from '../../common/stack/smp/bond.js';
import { JsonFileKeyStore, serialisedPieces } from '../../common/stack/smp/json-key-store.js';
import { KEY_STORE_FORMAT_VERSION } from '../../common/stack/smp/key-store-file.js';

const bond = (i: number): Bond => ({
  local: { address: 'A0:00:00:00:00:01', type: 'public' },
  peer: { address: `C0:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`.toUpperCase(), type: 'random' },
  role: 'peripheral',
  security: { method: 'Just Works', authenticated: false, secureConnections: true, keySize: 16 },
  localLtk: { key: Buffer.alloc(16, i & 0xff), ediv: 0, rand: Buffer.alloc(8), keySize: 16 },
  peerIrk: Buffer.alloc(16, 0x5a),
  createdAt: '2026-12-04T00:00:00.000Z',
} as Bond);

const whole = (bonds: Bond[]) => JSON.stringify({ version: KEY_STORE_FORMAT_VERSION, bonds: bonds.map(bondToJson) }, null, 2) + '\n';

describe('serialisedPieces', () => {
  for (const n of [0, 1, 2, 127, 128, 129, 300]) {
    it(`${n} bonds: the pieces joined are the whole document, each piece at most 128 bonds`, () => {
      const bonds = Array.from({ length: n }, (_, i) => bond(i));
      const pieces = [...serialisedPieces(bonds)];
      expect(pieces.join('')).toBe(whole(bonds));
      expect(pieces.length).toBe(2 + Math.ceil(n / 128));
    });
  }

  it('a store of 300 bonds writes a file that reads back as those 300 bonds', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-pieces-'));
    try {
      const file = path.join(dir, 'keys.json');
      const store = new JsonFileKeyStore(file);
      const bonds = Array.from({ length: 300 }, (_, i) => bond(i));
      await Promise.all(bonds.map((b) => store.put(b)));
      await store.settled();
      expect(readFileSync(file, 'utf8')).toBe(whole(bonds));
      expect((await new JsonFileKeyStore(file).list()).length).toBe(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
