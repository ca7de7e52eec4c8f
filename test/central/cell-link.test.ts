// The link per cell of a paired column, from what each cell records: the label changes where the
// cell's own error made the central pair or encrypt with a bond's key, and stays for the cells after.
import { describe, expect, it } from 'vitest';
import { cellLinks } from '../../central/matrix/cell-link.js';
import type { Cell, Phase } from '../../central/matrix/matrix-types.js';
import type { PairingReport } from '../../central/pairing/pairing-report.js';

const plain = { encrypted: false, authenticated: false, keyExists: false };
const enc = { encrypted: true, authenticated: false, keySize: 16, keyExists: true };
const report = (over: Partial<PairingReport>): PairingReport => ({ trigger: 'on-error', startedBy: 'central', result: 'encrypted', keysDistributed: [], notes: [], addresses: { local: { onAir: 'x', line: 'x' }, peer: { onAir: 'y', line: 'y' } }, ...over });
const cell = (security: Cell['security'], pairing?: PairingReport): Cell => ({ phase: 'paired', source: 'air', characteristic: { uuid: '2a00', serviceUuid: '1800' }, operation: 'read', outcome: { kind: 'value', hex: '' }, why: '', security, ...(pairing ? { pairing } : {}) });
const phase = (cells: Cell[], over: Partial<Phase> = {}): Phase => ({ name: 'paired', policy: 'on-error', cells, pairings: [], ...over });

describe('cellLinks', () => {
  it('on-error with a pairing: not encrypted yet, paired now, then encrypted', () => {
    expect(cellLinks(phase([cell(plain), cell(enc, report({ method: 'Just Works' })), cell(enc)]))).toEqual(['not encrypted yet', 'paired now', 'encrypted']);
  });
  it('a bond\'s key instead of a pairing (no method): stored key now, then stored key', () => {
    expect(cellLinks(phase([cell(plain), cell(enc, report({})), cell(enc)]))).toEqual(['not encrypted yet', 'stored key now', 'stored key']);
  });
  it('a failed pairing, and the cells after it on the unencrypted link', () => {
    expect(cellLinks(phase([cell(plain, report({ result: 'failed', method: 'Just Works' })), cell(plain)]))).toEqual(['pairing failed', 'not encrypted']);
  });
  it('upfront: every encrypted cell is encrypted by the pairing right after connecting', () => {
    expect(cellLinks(phase([cell(enc), cell(enc)], { policy: 'upfront', pairings: [report({ trigger: 'upfront', method: 'Just Works' })] }))).toEqual(['encrypted', 'encrypted']);
  });
  it('under never nothing is "yet": not encrypted', () => {
    expect(cellLinks(phase([cell(plain)], { policy: 'never' }))).toEqual(['not encrypted']);
  });
  it('cells whose link the OS kept to itself get no label', () => {
    const api = { phase: 'os' as const, source: 'api' as const, characteristic: { uuid: '2a00', serviceUuid: '1800' }, operation: 'read' as const, outcome: { kind: 'subscribed' as const }, why: '' };
    expect(cellLinks({ name: 'os', policy: 'os', cells: [api], pairings: [] } as unknown as Phase)).toEqual([undefined]);
  });
});
