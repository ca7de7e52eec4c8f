// What the server sends unasked, and the client's confirmation: Handle Value Notification,
// Indication, Confirmation, Multiple Handle Value Notification. Core v5.4 Vol 3 Part F 3.4.7.
import { ATT_OP } from '../../base/codes/att.js';
import { atLeast, badLength, copy, exactly, HANDLE_LENGTH, u16, withOpcode, type AttCodec } from './codec.js';
import type { AttHandleValue, AttHandleValueConfirmation, AttHandleValueIndication, AttHandleValueNotification, AttMultipleHandleValueNotification } from './pdu-types.js';

export const handleValueNotification: AttCodec<AttHandleValueNotification> = {
  opcode: ATT_OP.HANDLE_VALUE_NTF,
  section: 'Vol 3 Part F 3.4.7.1',
  method: 'notification',
  encode: (p) => withOpcode(p.opcode, u16(p.handle), p.value),
  decode: (b, take = copy) =>
    atLeast(b, HANDLE_LENGTH, 'Handle Value Notification') ?? { opcode: ATT_OP.HANDLE_VALUE_NTF, handle: b.readUInt16LE(0), value: take(b.subarray(HANDLE_LENGTH)) },
};

export const handleValueIndication: AttCodec<AttHandleValueIndication> = {
  opcode: ATT_OP.HANDLE_VALUE_IND,
  section: 'Vol 3 Part F 3.4.7.2',
  method: 'indication',
  encode: (p) => withOpcode(p.opcode, u16(p.handle), p.value),
  decode: (b, take = copy) =>
    atLeast(b, HANDLE_LENGTH, 'Handle Value Indication') ?? { opcode: ATT_OP.HANDLE_VALUE_IND, handle: b.readUInt16LE(0), value: take(b.subarray(HANDLE_LENGTH)) },
};

export const handleValueConfirmation: AttCodec<AttHandleValueConfirmation> = {
  opcode: ATT_OP.HANDLE_VALUE_CFM,
  section: 'Vol 3 Part F 3.4.7.3',
  method: 'confirmation',
  encode: (p) => withOpcode(p.opcode),
  decode: (b) => exactly(b, 0, 'Handle Value Confirmation') ?? { opcode: ATT_OP.HANDLE_VALUE_CFM },
};

/** Handle + Length ahead of each value. Vol 3 Part F 3.4.7.4. */
const TUPLE_HEADER = 4;
/** The tuple list is 8 octets or more: two tuples at least. Vol 3 Part F 3.4.7.4. */
const MIN_TUPLES = 2;

export const multipleHandleValueNotification: AttCodec<AttMultipleHandleValueNotification> = {
  opcode: ATT_OP.MULTIPLE_HANDLE_VALUE_NTF,
  section: 'Vol 3 Part F 3.4.7.4',
  method: 'notification',
  encode: (p) => withOpcode(p.opcode, ...p.tuples.flatMap((t) => [u16(t.handle), u16(t.value.length), t.value])),
  decode: (b, take = copy) => {
    const tuples: AttHandleValue[] = [];
    let i = 0;
    while (i < b.length) {
      if (i + TUPLE_HEADER > b.length) return badLength(`Multiple Handle Value Notification ends with ${b.length - i} octets where a 4-octet handle and length belong`);
      const length = b.readUInt16LE(i + HANDLE_LENGTH);
      if (i + TUPLE_HEADER + length > b.length) return badLength(`Multiple Handle Value Notification's tuple at octet ${i + 1} claims ${length} octets, ${b.length - i - TUPLE_HEADER} remain`);
      tuples.push({ handle: b.readUInt16LE(i), value: take(b.subarray(i + TUPLE_HEADER, i + TUPLE_HEADER + length)) });
      i += TUPLE_HEADER + length;
    }
    if (tuples.length < MIN_TUPLES) return badLength(`Multiple Handle Value Notification carries two or more tuples, not ${tuples.length}`);
    return { opcode: ATT_OP.MULTIPLE_HANDLE_VALUE_NTF, tuples };
  },
};
