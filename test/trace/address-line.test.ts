// One line per connection for the pairing report, the consoles and the timeline: the address on the air
// and the identity behind it, each named by its kind (Core v5.4 Vol 6 Part B 1.3: public, random static
// 0b11, resolvable private 0b01, non-resolvable 0b00).
import { describe, expect, it } from 'vitest';
import { addressKind, addressLine } from '../../common/stack/trace/address-line.js';

describe('address line', () => {
  it('an RPA with its identity, public or random static', () => {
    expect(addressLine({ address: '5a:11:22:33:44:55', type: 'random' }, { address: 'C0:FF:EE:00:00:01', type: 'random' })).toBe('RPA 5A:11:22:33:44:55 → identity C0:FF:EE:00:00:01 (random static)');
    expect(addressLine({ address: '4A:11:22:33:44:55', type: 'random' }, { address: '00:1B:DC:00:00:01', type: 'public' })).toBe('RPA 4A:11:22:33:44:55 → identity 00:1B:DC:00:00:01 (public)');
  });

  it('an RPA nothing resolved says so; an identity on the air is named by its kind', () => {
    expect(addressLine({ address: '7F:11:22:33:44:55', type: 'random' }, undefined)).toBe('RPA 7F:11:22:33:44:55 → identity not known (no stored IRK resolves it)');
    expect(addressLine({ address: '00:1B:DC:00:00:01', type: 'public' }, { address: '00:1b:dc:00:00:01', type: 'public' })).toBe('00:1B:DC:00:00:01 (public)');
    expect(addressLine({ address: 'C0:FF:EE:00:00:01', type: 'random' }, undefined)).toBe('C0:FF:EE:00:00:01 (random static)');
    expect(addressLine({ address: '3F:FF:EE:00:00:01', type: 'random' }, undefined)).toBe('3F:FF:EE:00:00:01 (random non-resolvable)');
  });

  it('the kinds at the edges of the top two bits: 0x3F non-resolvable, 0x40 and 0x7F RPA, 0x80 reserved, 0xC0 static', () => {
    const kind = (top: string) => addressKind({ address: `${top}:00:00:00:00:01`, type: 'random' });
    expect(['3F', '40', '7F', '80', 'BF', 'C0', 'FF'].map(kind)).toEqual(['random non-resolvable', 'RPA', 'RPA', 'random, reserved type', 'random, reserved type', 'random static', 'random static']);
    expect(addressKind({ address: '40:00:00:00:00:01', type: 'public' })).toBe('public');
  });
});
