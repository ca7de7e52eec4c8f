// The cases are a pure function of (seed, index, role): same seed, same bytes; and they cover what
// the issue asks for (ATT, SMP, L2CAP, HCI events; truncated, oversized, out of order).
import { describe, expect, it } from 'vitest';
import { generateCase } from '../../common/apps/fuzz/generate.js';
import { caseHex, type FuzzCase, type FuzzRole } from '../../common/apps/fuzz/fuzz-case.js';
import { Prng } from '../../common/apps/fuzz/prng.js';
import { malformedEvent } from '../../common/stack/hci/malformed.js';

const N = 3000;
const run = (seed: number, role: FuzzRole): FuzzCase[] => Array.from({ length: N }, (_, i) => generateCase(seed, i, role));
const hexes = (cases: FuzzCase[]) => cases.map(caseHex);

describe('fuzz case generation', () => {
  it('the same seed gives the same cases, byte for byte, for both roles', () => {
    for (const role of ['peripheral', 'central'] as const) {
      expect(hexes(run(42, role))).toEqual(hexes(run(42, role)));
      const other = hexes(run(43, role));
      const same = hexes(run(42, role)).filter((h, i) => h === other[i]).length;
      expect(same).toBeLessThan(N / 10);
    }
  });

  it('case N is rebuilt alone, whatever was generated before it', () => {
    const inOrder = run(7, 'peripheral');
    for (const i of [2999, 0, 1500, 42]) expect(caseHex(generateCase(7, i, 'peripheral'))).toBe(caseHex(inOrder[i]!));
  });

  it('the PRNG is deterministic and spreads over its range', () => {
    const a = new Prng(1);
    const b = new Prng(1);
    const xs = Array.from({ length: 1000 }, () => a.int(0, 9));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.int(0, 9)));
    for (let v = 0; v <= 9; v++) expect(xs.filter((x) => x === v).length).toBeGreaterThan(50);
  });

  it('covers every protocol, truncation, oversize, out-of-order SMP and wrong-length events', () => {
    const cases = run(1, 'peripheral');
    const protocols = new Set(cases.map((c) => c.protocol));
    expect([...protocols].sort()).toEqual(['att', 'hci', 'l2cap', 'smp']);
    const names = cases.map((c) => c.name);
    expect(names.some((n) => /truncated to/.test(n))).toBe(true);
    expect(names.some((n) => /Pairing Random without Pairing Confirm|Pairing Confirm before any Pairing Request/.test(n))).toBe(true);
    expect(names.some((n) => /DHKey Check early/.test(n))).toBe(true);
    expect(names.some((n) => /parameters cut to/.test(n))).toBe(true);
    // oversized: an ATT PDU past the largest ATT_MTU (517)
    expect(cases.some((c) => c.frames.some((f) => f.kind === 'l2cap' && f.cid === 0x0004 && f.payload.length > 517))).toBe(true);
    expect(new Set(names).size).toBeGreaterThan(500);
  });

  it('a rogue central sends client PDUs, a rogue peripheral server PDUs', () => {
    const firstAtt = (role: FuzzRole) => run(3, role).filter((c) => c.protocol === 'att' && !/,/.test(c.name)).map((c) => c.name);
    expect(firstAtt('peripheral').some((n) => /Request|Command/.test(n))).toBe(true);
    expect(firstAtt('central').some((n) => /Response|Notification|Indication/.test(n))).toBe(true);
  });

  it('HCI event cases keep the H4 length octet right, and the seam drops every one cut short of a fixed-length event', () => {
    const hci = [...run(5, 'peripheral'), ...run(6, 'central')].filter((c) => c.protocol === 'hci');
    expect(hci.length).toBeGreaterThan(300);
    for (const c of hci) {
      const f = c.frames[0]!;
      if (f.kind !== 'hci-event') throw new Error(`case ${c.index} is not an event`);
      expect(f.packet[2]).toBe(f.packet.length - 3);
      if (/parameters cut to/.test(c.name) && !/Unknown|Advertising Report/.test(c.name)) expect(malformedEvent(f.packet), `${c.name}: ${f.packet.toString('hex')}`).toBeDefined();
    }
  });
});
