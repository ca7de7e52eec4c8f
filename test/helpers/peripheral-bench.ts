// The peripheral's test bench: a served profile and a noble central on one virtual radio,
// connected and discovered, every step with a time limit; and raw ATT requests from that central
// for the error paths noble hides (a failed read resolves with an empty buffer, a failed write
// never calls back, 0x05/0x08/0x0F make noble pair). A probe PDU goes out through noble's ATT
// bearer for the link (noble internals, reached only here, in a test helper) and its answer is read
// from the central's tap; noble never matches it to one of its own commands, so it neither pairs
// nor re-sends on the errors.
import type { ResolvedProfile } from '../../common/stack/gatt/index.js';
import { withTimeout } from '../../common/base/util/wait.js';
import type { LoadedNoble } from '../../central/noble/load.js';
import { type NoblePeripheral } from '../../central/noble/internals.js';
import { ATT_OP } from '../../common/base/codes/att.js';
import type { Tap } from '../../common/stack/trace/tap.js';
import { waitForEvent } from '../../common/base/util/wait.js';
import { openWorld, type World } from '../../world/open-world.js';

export type Bench = World<{ peripheral: { profile: ResolvedProfile }; central: { kind: 'noble' } }>;

export async function startBench(profile: ResolvedProfile, options: { indicationTimeoutMs?: number } = {}): Promise<Bench> {
  return openWorld({ radio: { name: 'peripheral-test' }, peripheral: { profile, ...options }, central: { kind: 'noble' } });
}

export interface Connected {
  peripheral: NoblePeripheral;
  /** The central's connection handle. */
  handle: number;
  probe: AttProbe;
  services: Awaited<ReturnType<NoblePeripheral['discoverAllServicesAndCharacteristicsAsync']>>;
}

export async function connect(bench: Bench, serviceUuid: string, timeoutMs = 5000): Promise<Connected> {
  const peripheral = await scanFor(bench.noble, serviceUuid, timeoutMs);
  await withTimeout(peripheral.connectAsync(), { what: 'connection', timeoutMs });
  const services = await withTimeout(peripheral.discoverAllServicesAndCharacteristicsAsync(), { what: 'discovery', timeoutMs });
  const link = bench.ct.tap.links().find((l) => l.connected && l.role === 'central');
  if (!link) throw new Error('the central tap saw no connection');
  return { peripheral, handle: link.handle, probe: attProbe(bench.noble, bench.ct.tap, link.handle), services };
}

/**
 * The central (noble's SMP) sends a Pairing Request now. noble's Gatt re-sends its outstanding request
 * when the link becomes encrypted and throws when there is none (gatt.js onAclStreamEncrypt reads
 * `_currentCommand.buffer`); no noble command is outstanding here, so that listener is taken off first.
 */
export function startPairing(bench: Bench, handle: number): void {
  const acl = (bench.noble.internals.bindings._aclStreams as Record<number, (NodeJS.EventEmitter & { encrypt?: () => void }) | undefined>)[handle];
  const gatt = (bench.noble.internals.bindings._gatts as Record<number, { onAclStreamEncryptBinded?: (...a: unknown[]) => void; _currentCommand?: unknown } | undefined>)[handle];
  if (typeof acl?.encrypt !== 'function') throw new Error('noble has no AclStream.encrypt for the link: the pinned noble changed');
  if (gatt?.onAclStreamEncryptBinded && !gatt._currentCommand) acl.removeListener('encrypt', gatt.onAclStreamEncryptBinded);
  acl.encrypt();
}

/** LE legacy Just Works pairing started by the central, until both sides see encryption. */
export async function pairJustWorks(bench: Bench, handle: number, timeoutMs = 5000): Promise<void> {
  const after = { c: bench.ct.tap.entries.at(-1)?.seq ?? -1, p: bench.pt.tap.entries.at(-1)?.seq ?? -1 };
  startPairing(bench, handle);
  const encrypted = (after: number) => (e: { seq: number; name: string; fields: Record<string, unknown> }) =>
    e.seq > after && e.name === 'HCI Encryption Change' && e.fields.status === 0 && e.fields.enabled === true;
  await bench.ct.tap.waitFor(encrypted(after.c), { timeoutMs, includePast: true, what: 'Encryption Change on the central' });
  await bench.pt.tap.waitFor(encrypted(after.p), { timeoutMs, includePast: true, what: 'Encryption Change on the peripheral' });
}

async function scanFor(noble: LoadedNoble, serviceUuid: string, timeoutMs: number): Promise<NoblePeripheral> {
  const found = waitForEvent<[NoblePeripheral]>(noble.noble as unknown as NodeJS.EventEmitter, 'discover', {
    what: `an advertisement with service ${serviceUuid}`,
    timeoutMs,
    pred: (p) => (p.advertisement.serviceUuids ?? []).includes(serviceUuid),
  });
  await noble.noble.startScanningAsync([], true);
  try {
    const [p] = await found;
    return p;
  } finally {
    await noble.noble.stopScanningAsync();
  }
}

interface NobleGattBearer {
  writeAtt(pdu: Buffer): void;
  _currentCommand: unknown;
}

const UNASKED = new Set<number>([ATT_OP.HANDLE_VALUE_NTF, ATT_OP.HANDLE_VALUE_IND]);
/** Server → client PDUs that answer a request: responses have odd opcodes (Vol 3 Part F 3.3.1). */
const isAnswer = (op: number | undefined) => op !== undefined && op % 2 === 1 && !UNASKED.has(op);

export interface AttProbe {
  /** Sends one request; resolves with the ATT PDU that answers it (Error Response or response). */
  request(pdu: Buffer, timeoutMs?: number): Promise<Buffer>;
  /** Sends a command (no answer expected). */
  command(pdu: Buffer): void;
}

export function attProbe(noble: LoadedNoble, centralTap: Tap, handle: number): AttProbe {
  const gatt = (noble.internals.bindings._gatts as Record<number, NobleGattBearer | undefined>)[handle];
  if (!gatt || typeof gatt.writeAtt !== 'function') throw new Error(`noble has no ATT bearer with writeAtt for handle ${handle}: the pinned noble changed`);
  const lastSeq = () => centralTap.entries.at(-1)?.seq ?? -1;
  return {
    async request(pdu, timeoutMs = 5000) {
      if (gatt._currentCommand) throw new Error('noble has a request outstanding on this link; a probe would be matched to it');
      const after = lastSeq();
      gatt.writeAtt(pdu);
      const e = await centralTap.waitFor((x) => x.seq > after && x.layer === 'att' && x.dir === 'rx' && x.handle === handle && isAnswer(x.raw[0]), {
        timeoutMs,
        includePast: true,
        what: `the answer to ATT 0x${pdu[0]!.toString(16)}`,
      });
      return Buffer.from(e.raw);
    },
    command(pdu) {
      gatt.writeAtt(pdu);
    },
  };
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};

/** Request builders. Vol 3 Part F 3.4. */
export const att = {
  read: (h: number) => Buffer.concat([Buffer.from([ATT_OP.READ_REQ]), u16(h)]),
  readBlob: (h: number, offset: number) => Buffer.concat([Buffer.from([ATT_OP.READ_BLOB_REQ]), u16(h), u16(offset)]),
  readByType: (start: number, end: number, uuid16: number) => Buffer.concat([Buffer.from([ATT_OP.READ_BY_TYPE_REQ]), u16(start), u16(end), u16(uuid16)]),
  readByType128: (start: number, end: number, uuid: string) =>
    Buffer.concat([Buffer.from([ATT_OP.READ_BY_TYPE_REQ]), u16(start), u16(end), Buffer.from(uuid.replace(/-/g, ''), 'hex').reverse()]),
  readMultiple: (...hs: number[]) => Buffer.concat([Buffer.from([ATT_OP.READ_MULTIPLE_REQ]), ...hs.map(u16)]),
  write: (h: number, v: Buffer) => Buffer.concat([Buffer.from([ATT_OP.WRITE_REQ]), u16(h), v]),
  writeCommand: (h: number, v: Buffer) => Buffer.concat([Buffer.from([ATT_OP.WRITE_CMD]), u16(h), v]),
  prepareWrite: (h: number, offset: number, v: Buffer) => Buffer.concat([Buffer.from([ATT_OP.PREPARE_WRITE_REQ]), u16(h), u16(offset), v]),
  executeWrite: (commit: boolean) => Buffer.from([ATT_OP.EXECUTE_WRITE_REQ, commit ? 1 : 0]),
};

/** The error code of an Error Response, or undefined for any other PDU. */
export function errorCode(pdu: Buffer): number | undefined {
  return pdu[0] === ATT_OP.ERROR_RSP ? pdu[4] : undefined;
}
