// What the link really was when a cell was tried, in a few words: the paired column is not "after
// pairing" for every cell. Under on-error the first cells run unencrypted until a 0x05/0x0F makes the
// central pair (or encrypt with a key kept from a bond, Core v5.4 Vol 3 Part H 2.4.4.1); the cells
// after it run on that encryption.
import type { Cell, CellBase, Phase } from './matrix-types.js';

export type CellLink = 'not encrypted' | 'not encrypted yet' | 'paired now' | 'pairing failed' | 'stored key now' | 'encrypted' | 'stored key';

/** Each label and what it means, for the legend under the table. */
export const CELL_LINK_MEANING: Readonly<Record<CellLink, string>> = {
  'not encrypted': 'the link was not encrypted',
  'not encrypted yet': 'no cell before it had made the central pair',
  'paired now': "this cell's error made the central pair; the outcome is the re-sent request's",
  'pairing failed': "this cell's error made the central pair, and the pairing failed",
  'stored key now': "this cell's error made the central encrypt with the key kept from a bond (no pairing)",
  encrypted: 'by the pairing of an earlier cell of this column (or right after connecting)',
  'stored key': 'encrypted with the key kept from a bond (no pairing on this link)',
};

const hasSecurity = (c: CellBase): c is Cell => (c as Partial<Cell>).security !== undefined;

/** A label per cell of a phase, in order; undefined for cells whose link the OS kept to itself (api). */
export function cellLinks(phase: Phase<CellBase>): (CellLink | undefined)[] {
  // Paired right after connecting (policy upfront): every encrypted cell is "encrypted".
  let how: 'paired' | 'stored' | undefined = phase.pairings.some((p) => p.trigger === 'upfront' && p.result === 'encrypted') ? 'paired' : undefined;
  // "yet" while a later cell may still pair: never under policy never, nor after a failed attempt (one per link).
  let pairs = phase.policy !== 'never';
  return phase.cells.map((c) => {
    if (!hasSecurity(c)) return undefined;
    if (c.pairing) {
      if (c.pairing.result !== 'encrypted') {
        pairs = false;
        return 'pairing failed';
      }
      how = c.pairing.method ? 'paired' : 'stored';
      return how === 'paired' ? 'paired now' : 'stored key now';
    }
    if (!c.security.encrypted) return pairs && how === undefined ? 'not encrypted yet' : 'not encrypted';
    return how === 'paired' ? 'encrypted' : 'stored key';
  });
}
