// Core v5.4 Vol 3 Part H 2.3.5.1, tables 2.6-2.8, written out from the spec, independently of
// pairingMethod(): what every pairing matrix checks against.
import { IO_CAPABILITY_NAMES, type IoCapabilityName } from '../../../common/stack/smp/pairing-config.js';

export type Cell = 'JW' | 'PE:r' | 'PE:i' | 'PE:b' | 'NC';
/**
 * Table 2.8: rows are the responder's IO capability, columns the initiator's, both in the order
 * DisplayOnly, DisplayYesNo, KeyboardOnly, NoInputNoOutput, KeyboardDisplay. "legacy/SC" where they differ.
 * PE:r responder displays and initiator inputs; PE:i initiator displays and responder inputs; PE:b both input.
 */
export const TABLE_2_8: Record<IoCapabilityName, (Cell | [Cell, Cell])[]> = {
  DisplayOnly: ['JW', 'JW', 'PE:r', 'JW', 'PE:r'],
  DisplayYesNo: ['JW', ['JW', 'NC'], 'PE:r', 'JW', ['PE:r', 'NC']],
  KeyboardOnly: ['PE:i', 'PE:i', 'PE:b', 'JW', 'PE:i'],
  NoInputNoOutput: ['JW', 'JW', 'JW', 'JW', 'JW'],
  KeyboardDisplay: ['PE:i', ['PE:i', 'NC'], 'PE:r', 'JW', ['PE:i', 'NC']],
};
export const METHOD: Record<Cell, string> = { JW: 'Just Works', 'PE:r': 'Passkey Entry', 'PE:i': 'Passkey Entry', 'PE:b': 'Passkey Entry', NC: 'Numeric Comparison' };

export function expectedCell(initiator: IoCapabilityName, responder: IoCapabilityName, sc: boolean, anyMitm: boolean): Cell {
  if (!anyMitm) return 'JW'; // neither sets MITM: IO capabilities are ignored (tables 2.6, 2.7)
  const cell = TABLE_2_8[responder][IO_CAPABILITY_NAMES.indexOf(initiator)]!;
  return Array.isArray(cell) ? cell[sc ? 1 : 0] : cell;
}
