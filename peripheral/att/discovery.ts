// Exchange MTU and the discovery requests: Find Information, Find By Type Value, Read By Group Type.
// Core v5.4 Vol 3 Part F 3.4.2-3.4.3, 3.4.4.9-3.4.4.10; Vol 3 Part G 4.4-4.7 (the procedures).
import { ATT_DEFAULT_LE_MTU, ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { GATT_DECLARATION } from '../../common/base/codes/gatt.js';
import { attUuid16, sameAttUuid, type AttFindByTypeValueRequest, type AttFindInformationRequest, type AttInformation, type AttReadByGroupTypeRequest, type AttGroupData, type AttExchangeMtuRequest } from '../../common/stack/att/index.js';
import { readDecision, valueOf } from './attribute-access.js';
import type { Answer, AttConnection, AttServerContext } from './att-context.js';
import { errorAnswer, invalidRange } from './answers.js';

/**
 * The server's receive MTU: bleno's (256), so notifications of 244 octets fit as before. At most 517
 * would be allowed (a 512-octet value plus the Read Blob header). Vol 3 Part F 3.2.8, 3.4.2.2.
 */
export const SERVER_RX_MTU = 256;

/** ATT_MTU = min(client, server), never below 23. Vol 3 Part F 3.4.2.2. */
export function exchangeMtu(req: AttExchangeMtuRequest, conn: AttConnection): Answer {
  conn.mtu = Math.max(ATT_DEFAULT_LE_MTU, Math.min(req.clientRxMtu, SERVER_RX_MTU));
  return { pdu: { opcode: ATT_OP.EXCHANGE_MTU_RSP, serverRxMtu: SERVER_RX_MTU } };
}

/** Handle + 16-bit or 128-bit type per entry; all entries of one response share the format. Vol 3 Part F 3.4.3.2. */
export function findInformation(req: AttFindInformationRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const { startingHandle: start, endingHandle: end } = req;
  if (invalidRange(start, end)) return errorAnswer(req.opcode, start, ATT_ERROR.INVALID_HANDLE);
  const information: AttInformation[] = [];
  const room = conn.mtu - 2; // opcode + format
  for (const a of ctx.table.range(start, end)) {
    if (information.length && a.type.length !== information[0]!.uuid.length) break;
    if ((information.length + 1) * (2 + a.type.length) > room) break;
    information.push({ handle: a.handle, uuid: a.type });
  }
  if (!information.length) return errorAnswer(req.opcode, start, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
  return { pdu: { opcode: ATT_OP.FIND_INFORMATION_RSP, information } };
}

/**
 * Attributes of a 16-bit type whose value equals the one given, each with the end of its group (its
 * own handle when it is not a grouping attribute). Values the link may not read are not compared.
 * Vol 3 Part F 3.4.3.3-3.4.3.4.
 */
export function findByTypeValue(req: AttFindByTypeValueRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const { startingHandle: start, endingHandle: end } = req;
  if (invalidRange(start, end)) return errorAnswer(req.opcode, start, ATT_ERROR.INVALID_HANDLE);
  const max = Math.floor((conn.mtu - 1) / 4);
  const found = [];
  for (const a of ctx.table.ofType(start, end, attUuid16(req.attributeType))) {
    if (found.length === max) break;
    if (!readDecision(a, ctx, false).ok || !valueOf(a, conn, ctx).equals(req.attributeValue)) continue;
    found.push({ foundHandle: a.handle, groupEndHandle: a.kind === 'service' ? a.endGroupHandle : a.handle });
  }
  if (!found.length) return errorAnswer(req.opcode, start, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
  return { pdu: { opcode: ATT_OP.FIND_BY_TYPE_VALUE_RSP, handlesInformation: found } };
}

const GROUP_TYPES = [attUuid16(GATT_DECLARATION.PRIMARY_SERVICE), attUuid16(GATT_DECLARATION.SECONDARY_SERVICE)];

/** Services of one grouping type, with their group ends; values of one length per response. Vol 3 Part F 3.4.4.9-3.4.4.10. */
export function readByGroupType(req: AttReadByGroupTypeRequest, conn: AttConnection, ctx: AttServerContext): Answer {
  const { startingHandle: start, endingHandle: end } = req;
  if (invalidRange(start, end)) return errorAnswer(req.opcode, start, ATT_ERROR.INVALID_HANDLE);
  // Only service declarations group here (Vol 3 Part G 2.5.3): any other type is Unsupported Group Type.
  if (!GROUP_TYPES.some((t) => sameAttUuid(t, req.attributeGroupType))) return errorAnswer(req.opcode, start, ATT_ERROR.UNSUPPORTED_GROUP_TYPE);
  const data: AttGroupData[] = [];
  const room = Math.min(conn.mtu - 6, 251); // opcode, length, handle, end handle; Length is one octet (4 + 251)
  for (const a of ctx.table.ofType(start, end, req.attributeGroupType)) {
    if (a.kind !== 'service') continue;
    const value = a.value.subarray(0, room);
    if (data.length && value.length !== data[0]!.value.length) break;
    if (2 + (data.length + 1) * (4 + value.length) > conn.mtu) break;
    data.push({ handle: a.handle, endGroupHandle: a.endGroupHandle, value });
  }
  if (!data.length) return errorAnswer(req.opcode, start, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
  return { pdu: { opcode: ATT_OP.READ_BY_GROUP_TYPE_RSP, attributeData: data } };
}
