// Discovering a server's database over one bearer: primary services (Read By Group Type 0x2800),
// characteristics (Read By Type 0x2803), descriptors (Find Information). Core v5.4 Vol 3 Part G
// 4.4.1, 4.6.1, 4.7.1: each procedure repeats from the last handle found + 1 until Attribute Not Found.
import { ATT_ERROR, ATT_OP } from '../../common/codes/att.js';
import { GATT_DECLARATION } from './gatt-uuids.js';
import { AttError, AttProtocolError } from '../errors.js';
import { findInformationRequest, LAST_HANDLE, readByGroupTypeRequest, readByTypeRequest } from '../att/att-pdus.js';
import { propertyNamesOf, uuidFromLe, type DiscoveredCharacteristic, type DiscoveredDescriptor, type DiscoveredService } from './discovered.js';

export type Ask = (pdu: Buffer, expected: number) => Promise<Buffer>;

/** Lengths inside the responses. Vol 3 Part F 3.4.4.2, 3.4.4.10, 3.4.3.2. */
const HANDLE_LENGTH = 2;
const GROUP_ENTRY_HEADER = 4; // handle + end group handle
const DECLARATION_HEADER = 5; // handle, properties, value handle
const FIND_INFO_FORMAT = { UUID16: 0x01, UUID128: 0x02 } as const;
const UUID16_LENGTH = 2;
const UUID128_LENGTH = 16;

/** Runs one repeating procedure; Attribute Not Found ends it. */
async function each(start: number, end: number, ask: (from: number) => Promise<number | undefined>): Promise<void> {
  let from = start;
  while (from <= end) {
    let last: number | undefined;
    try {
      last = await ask(from);
    } catch (e) {
      if (e instanceof AttError && e.code === ATT_ERROR.ATTRIBUTE_NOT_FOUND) return;
      throw e;
    }
    if (last === undefined || last >= end) return;
    if (last < from) throw new AttProtocolError(`discovery went backwards: handle 0x${last.toString(16)} after asking from 0x${from.toString(16)}`);
    from = last + 1;
  }
}

export async function discoverServices(ask: Ask): Promise<Array<{ uuid: string; startHandle: number; endHandle: number }>> {
  const out: Array<{ uuid: string; startHandle: number; endHandle: number }> = [];
  await each(1, LAST_HANDLE, async (from) => {
    const rsp = await ask(readByGroupTypeRequest(from, LAST_HANDLE, GATT_DECLARATION.PRIMARY_SERVICE), ATT_OP.READ_BY_GROUP_TYPE_RSP);
    const length = rsp[1]!;
    if (length <= GROUP_ENTRY_HEADER) throw new AttProtocolError(`Read By Group Type Response with entry length ${length}`);
    let last: number | undefined;
    for (let o = 2; o + length <= rsp.length; o += length) {
      const startHandle = rsp.readUInt16LE(o);
      const endHandle = rsp.readUInt16LE(o + HANDLE_LENGTH);
      out.push({ uuid: uuidFromLe(rsp.subarray(o + GROUP_ENTRY_HEADER, o + length)), startHandle, endHandle });
      last = endHandle;
    }
    return last;
  });
  return out;
}

async function discoverCharacteristicDeclarations(ask: Ask, start: number, end: number) {
  const out: Array<{ uuid: string; declarationHandle: number; properties: number; valueHandle: number }> = [];
  await each(start, end, async (from) => {
    const rsp = await ask(readByTypeRequest(from, end, GATT_DECLARATION.CHARACTERISTIC), ATT_OP.READ_BY_TYPE_RSP);
    const length = rsp[1]!;
    if (length <= DECLARATION_HEADER) throw new AttProtocolError(`characteristic declaration of length ${length}`);
    let last: number | undefined;
    for (let o = 2; o + length <= rsp.length; o += length) {
      const declarationHandle = rsp.readUInt16LE(o);
      out.push({
        declarationHandle,
        properties: rsp[o + HANDLE_LENGTH]!,
        valueHandle: rsp.readUInt16LE(o + HANDLE_LENGTH + 1),
        uuid: uuidFromLe(rsp.subarray(o + DECLARATION_HEADER, o + length)),
      });
      last = declarationHandle;
    }
    return last;
  });
  return out;
}

export async function discoverDescriptors(ask: Ask, start: number, end: number): Promise<DiscoveredDescriptor[]> {
  const out: DiscoveredDescriptor[] = [];
  if (start > end) return out;
  await each(start, end, async (from) => {
    const rsp = await ask(findInformationRequest(from, end), ATT_OP.FIND_INFORMATION_RSP);
    const format = rsp[1];
    const size = format === FIND_INFO_FORMAT.UUID16 ? UUID16_LENGTH : format === FIND_INFO_FORMAT.UUID128 ? UUID128_LENGTH : 0;
    if (!size) throw new AttProtocolError(`Find Information Response with format ${String(format)}`);
    let last: number | undefined;
    for (let o = 2; o + HANDLE_LENGTH + size <= rsp.length; o += HANDLE_LENGTH + size) {
      last = rsp.readUInt16LE(o);
      out.push({ handle: last, uuid: uuidFromLe(rsp.subarray(o + HANDLE_LENGTH, o + HANDLE_LENGTH + size)) });
    }
    return last;
  });
  return out;
}

/** Every primary service, its characteristics and their descriptors. */
export async function discoverAll(ask: Ask): Promise<DiscoveredService[]> {
  const services: DiscoveredService[] = [];
  for (const s of await discoverServices(ask)) {
    const decls = await discoverCharacteristicDeclarations(ask, s.startHandle, s.endHandle);
    const characteristics: DiscoveredCharacteristic[] = [];
    for (let i = 0; i < decls.length; i++) {
      const d = decls[i]!;
      // A characteristic ends before the next declaration, or with its service. Vol 3 Part G 3.3.
      const endHandle = i + 1 < decls.length ? decls[i + 1]!.declarationHandle - 1 : s.endHandle;
      const descriptors = await discoverDescriptors(ask, d.valueHandle + 1, endHandle);
      characteristics.push({ ...d, serviceUuid: s.uuid, endHandle, propertyNames: propertyNamesOf(d.properties), descriptors });
    }
    services.push({ ...s, characteristics });
  }
  return services;
}
