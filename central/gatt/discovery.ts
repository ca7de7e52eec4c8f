// Discovering a server's database over one bearer: primary services (Read By Group Type 0x2800),
// characteristics (Read By Type 0x2803), descriptors (Find Information). Core v5.4 Vol 3 Part G
// 4.4.1, 4.6.1, 4.7.1: each procedure repeats from the last handle found + 1 until Attribute Not Found.
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { GATT_DECLARATION } from '../../common/base/codes/gatt.js';
import { AttError, AttProtocolError } from '../errors.js';
import { ATT_LAST_HANDLE, attUuid16 } from '../../common/stack/att/index.js';
import type { Ask } from '../att/att-exchange.js';
import { propertyNamesOf, uuidFromLe, type DiscoveredCharacteristic, type DiscoveredDescriptor, type DiscoveredService } from './discovered.js';
import { hex } from '../../common/base/codes/code-table.js';

/** Characteristic Properties + Characteristic Value Handle ahead of the UUID in a declaration. Vol 3 Part G 3.3.1. */
const DECLARATION_HEADER = 3;

/** Runs one repeating procedure; Attribute Not Found ends it. */
async function each(start: number, end: number, ask: (from: number) => Promise<number | undefined>): Promise<void> {
  let from = start;
  while (from <= end) {
    let last: number | undefined;
    try {
      last = await ask(from);
    } catch (e) {
      if (e instanceof AttError && e.attCode === ATT_ERROR.ATTRIBUTE_NOT_FOUND) return;
      throw e;
    }
    if (last === undefined || last >= end) return;
    if (last < from) throw new AttProtocolError(`discovery went backwards: handle ${hex(last, 4)} after asking from ${hex(from, 4)}`);
    from = last + 1;
  }
}

export async function discoverServices(ask: Ask): Promise<Array<{ uuid: string; startHandle: number; endHandle: number }>> {
  const out: Array<{ uuid: string; startHandle: number; endHandle: number }> = [];
  const type = attUuid16(GATT_DECLARATION.PRIMARY_SERVICE);
  await each(1, ATT_LAST_HANDLE, async (from) => {
    const rsp = await ask({ opcode: ATT_OP.READ_BY_GROUP_TYPE_REQ, startingHandle: from, endingHandle: ATT_LAST_HANDLE, attributeGroupType: type }, ATT_OP.READ_BY_GROUP_TYPE_RSP);
    let last: number | undefined;
    for (const d of rsp.attributeData) {
      if (d.value.length === 0) throw new AttProtocolError('Read By Group Type Response with no service UUID in its entries');
      out.push({ uuid: uuidFromLe(d.value), startHandle: d.handle, endHandle: d.endGroupHandle });
      last = d.endGroupHandle;
    }
    return last;
  });
  return out;
}

async function discoverCharacteristicDeclarations(ask: Ask, start: number, end: number) {
  const out: Array<{ uuid: string; declarationHandle: number; properties: number; valueHandle: number }> = [];
  const type = attUuid16(GATT_DECLARATION.CHARACTERISTIC);
  await each(start, end, async (from) => {
    const rsp = await ask({ opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: from, endingHandle: end, attributeType: type }, ATT_OP.READ_BY_TYPE_RSP);
    let last: number | undefined;
    for (const d of rsp.attributeData) {
      if (d.value.length <= DECLARATION_HEADER) throw new AttProtocolError(`characteristic declaration of length ${d.value.length}`);
      out.push({ declarationHandle: d.handle, properties: d.value[0]!, valueHandle: d.value.readUInt16LE(1), uuid: uuidFromLe(d.value.subarray(DECLARATION_HEADER)) });
      last = d.handle;
    }
    return last;
  });
  return out;
}

export async function discoverDescriptors(ask: Ask, start: number, end: number): Promise<DiscoveredDescriptor[]> {
  const out: DiscoveredDescriptor[] = [];
  if (start > end) return out;
  await each(start, end, async (from) => {
    const rsp = await ask({ opcode: ATT_OP.FIND_INFORMATION_REQ, startingHandle: from, endingHandle: end }, ATT_OP.FIND_INFORMATION_RSP);
    let last: number | undefined;
    for (const i of rsp.information) {
      last = i.handle;
      out.push({ handle: i.handle, uuid: uuidFromLe(i.uuid) });
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
