// The server's change-aware state machine of robust caching, edge by edge (Core v5.4 Vol 3 Part G
// 2.5.2.1): what starts aware, what makes a client change-unaware, the three ways back, the one 0x12 per
// bearer, commands and notifications while change-unaware, and which requests 2.5.2.1 answers 0x12.
import { describe, expect, it } from 'vitest';
import { ATT_OP } from '../../common/base/codes/att.js';
import { GATT_CHARACTERISTIC, GATT_DECLARATION } from '../../common/base/codes/gatt.js';
import { attUuid16, type AttPdu } from '../../common/stack/att/index.js';
import { ChangeAwareness, isGatedWhileUnaware } from '../../peripheral/gatt/change-awareness.js';

const ROBUST = true;
const GATED = true;

describe('change-aware state (Vol 3 Part G 2.5.2.1)', () => {
  it('a client that starts change-aware (no trusted relationship) has every request processed, robust caching or not', () => {
    const a = new ChangeAwareness(true);
    expect(a.request(ROBUST, GATED)).toBe('process');
    expect(a.takesCommand(ROBUST)).toBe(true);
    expect(a.mayNotify(ROBUST)).toBe(true);
  });

  it('change-unaware with robust caching: the first gated request is 0x12, the next request (any) makes it aware and is processed', () => {
    const why: string[] = [];
    const a = new ChangeAwareness(false, (w) => why.push(w));
    expect(a.request(ROBUST, GATED)).toBe('out-of-sync');
    expect(a.changeAware).toBe(false);
    expect(a.request(ROBUST, GATED)).toBe('process');
    expect(a.changeAware).toBe(true);
    expect(why).toEqual(['it sent another request after Database Out Of Sync']);
  });

  it('change-unaware with robust caching: ungated requests (discovery) are processed and leave it unaware', () => {
    const a = new ChangeAwareness(false);
    expect(a.request(ROBUST, !GATED)).toBe('process');
    expect(a.request(ROBUST, !GATED)).toBe('process');
    expect(a.changeAware).toBe(false);
    expect(a.request(ROBUST, GATED)).toBe('out-of-sync');
  });

  it('change-unaware without robust caching: requests are processed, never 0x12, commands taken, notifications sent; it stays unaware', () => {
    const a = new ChangeAwareness(false);
    expect(a.request(!ROBUST, GATED)).toBe('process');
    expect(a.takesCommand(!ROBUST)).toBe(true);
    expect(a.mayNotify(!ROBUST)).toBe(true);
    expect(a.changeAware).toBe(false);
  });

  it('reading the Database Hash makes it aware only at the next request (that request is processed, not 0x12)', () => {
    const a = new ChangeAwareness(false);
    a.hashWasRead();
    expect(a.changeAware).toBe(false);
    expect(a.request(ROBUST, GATED)).toBe('process');
    expect(a.changeAware).toBe(true);
  });

  it('a confirmed Service Changed indication makes it aware at once; an indication never confirmed leaves it unaware', () => {
    const confirmed = new ChangeAwareness(false);
    confirmed.serviceChangedConfirmed();
    expect(confirmed.changeAware).toBe(true);
    expect(confirmed.request(ROBUST, GATED)).toBe('process');
    const unconfirmed = new ChangeAwareness(false);
    // (the indication went out; no confirmation arrived)
    expect(unconfirmed.changeAware).toBe(false);
    expect(unconfirmed.request(ROBUST, GATED)).toBe('out-of-sync');
  });

  it('commands are ignored and notifications held while change-unaware with robust caching', () => {
    const a = new ChangeAwareness(false);
    expect(a.takesCommand(ROBUST)).toBe(false);
    expect(a.mayNotify(ROBUST)).toBe(false);
    a.serviceChangedConfirmed();
    expect(a.takesCommand(ROBUST)).toBe(true);
    expect(a.mayNotify(ROBUST)).toBe(true);
  });

  it('0x12 goes once per bearer, and again after the database changes again before the client became aware', () => {
    const a = new ChangeAwareness(false);
    expect(a.request(ROBUST, GATED)).toBe('out-of-sync');
    a.databaseChanged();
    expect(a.request(ROBUST, GATED)).toBe('out-of-sync');
    expect(a.request(ROBUST, GATED)).toBe('process');
  });

  it('a change of the database while connected makes an aware client change-unaware; a hash read before it no longer counts', () => {
    const a = new ChangeAwareness(false);
    a.hashWasRead();
    a.databaseChanged();
    expect(a.request(ROBUST, GATED)).toBe('out-of-sync');
    const b = new ChangeAwareness(true);
    b.databaseChanged();
    expect(b.changeAware).toBe(false);
  });

  it('a new connection is a new bearer: an unbonded client reconnecting starts aware, whatever its last link was', () => {
    const first = new ChangeAwareness(true);
    first.databaseChanged();
    expect(first.request(ROBUST, GATED)).toBe('out-of-sync');
    const second = new ChangeAwareness(true); // unbonded: no trusted relationship, so change-aware
    expect(second.request(ROBUST, GATED)).toBe('process');
  });
});

describe('requests 2.5.2.1 answers 0x12 for', () => {
  const rbt = (start: number, end: number, type: number): AttPdu => ({ opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: start, endingHandle: end, attributeType: attUuid16(type) });
  it('requests at a handle or a list of handles', () => {
    expect(isGatedWhileUnaware({ opcode: ATT_OP.READ_REQ, handle: 3 })).toBe(true);
    expect(isGatedWhileUnaware({ opcode: ATT_OP.READ_BLOB_REQ, handle: 3, offset: 1 })).toBe(true);
    expect(isGatedWhileUnaware({ opcode: ATT_OP.READ_MULTIPLE_REQ, handles: [3, 5] })).toBe(true);
    expect(isGatedWhileUnaware({ opcode: ATT_OP.WRITE_REQ, handle: 3, value: Buffer.alloc(1) })).toBe(true);
    expect(isGatedWhileUnaware({ opcode: ATT_OP.PREPARE_WRITE_REQ, handle: 3, offset: 0, value: Buffer.alloc(1) })).toBe(true);
  });
  it('Read By Type: «Include»/«Characteristic» over any range and any type over 0x0001-0xFFFF pass; another type over a part is 0x12', () => {
    expect(isGatedWhileUnaware(rbt(0x0001, 0xffff, GATT_CHARACTERISTIC.DATABASE_HASH))).toBe(false);
    expect(isGatedWhileUnaware(rbt(0x0005, 0x0010, GATT_DECLARATION.CHARACTERISTIC))).toBe(false);
    expect(isGatedWhileUnaware(rbt(0x0005, 0x0010, GATT_DECLARATION.INCLUDE))).toBe(false);
    expect(isGatedWhileUnaware(rbt(0x0001, 0xfffe, GATT_CHARACTERISTIC.DATABASE_HASH))).toBe(true);
    expect(isGatedWhileUnaware(rbt(0x0002, 0xffff, GATT_CHARACTERISTIC.DEVICE_NAME))).toBe(true);
  });
  it('discovery by group, by type value, find information, exchange MTU and execute write pass', () => {
    expect(isGatedWhileUnaware({ opcode: ATT_OP.READ_BY_GROUP_TYPE_REQ, startingHandle: 1, endingHandle: 0xffff, attributeGroupType: attUuid16(GATT_DECLARATION.PRIMARY_SERVICE) })).toBe(false);
    expect(isGatedWhileUnaware({ opcode: ATT_OP.FIND_INFORMATION_REQ, startingHandle: 1, endingHandle: 0xffff })).toBe(false);
    expect(isGatedWhileUnaware({ opcode: ATT_OP.EXCHANGE_MTU_REQ, clientRxMtu: 247 })).toBe(false);
    expect(isGatedWhileUnaware({ opcode: ATT_OP.EXECUTE_WRITE_REQ, flags: 1 })).toBe(false);
  });
});
