// Finding peripherals: noble scans (active, duplicates on so RSSI stays fresh), blebench filters by
// name, address or advertised service UUID and reports what each advertised. Core v5.4 Vol 3 Part C
// 11 (advertising data), Core Specification Supplement Part A 1 (data types).
import { BadInputError } from '../common/base/errors/blebench-error.js';
import { parseUuid } from '../common/stack/gatt/uuid.js';
import { withTimeout } from '../common/base/util/wait.js';
import { OperationTimeout } from './errors.js';
import type { Noble, NoblePeripheral } from './noble/internals.js';

export type ScanFilter = { kind: 'name'; value: string } | { kind: 'address'; value: string } | { kind: 'service'; value: string } | { kind: 'any' };

export interface Advertisement {
  address: string;
  addressType: string;
  rssi: number;
  connectable: boolean;
  localName?: string;
  serviceUuids: string[];
  manufacturerData?: string;
  serviceData: { uuid: string; data: string }[];
  txPowerLevel?: number;
}

export interface Found {
  advertisement: Advertisement;
  /** noble's object for this address, used to connect. */
  peripheral: NoblePeripheral;
}

const ADDRESS = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

/** `--target`: an address (AA:BB:CC:DD:EE:FF), a service UUID (16-bit or 128-bit), else a name. */
export function parseTarget(text: string): ScanFilter {
  const t = text.trim();
  if (!t) throw new BadInputError('BAD_FLAG', '--target is empty: give a name, an address or a service UUID', { path: '--target' });
  if (ADDRESS.test(t)) return { kind: 'address', value: t.toLowerCase().replace(/-/g, ':') };
  const uuid = /^(0x)?[0-9a-f]{4}$/i.test(t) || /^[0-9a-f-]{32,36}$/i.test(t) ? parseUuid(t) : undefined;
  if (uuid) return { kind: 'service', value: uuid };
  return { kind: 'name', value: t };
}

export function describeFilter(f: ScanFilter): string {
  return f.kind === 'any' ? 'any peripheral' : f.kind === 'service' ? `a peripheral advertising service ${f.value}` : `a peripheral with ${f.kind} ${f.value}`;
}

export function advertisementOf(p: NoblePeripheral): Advertisement {
  const a = p.advertisement;
  const ad: Advertisement = {
    address: p.address,
    addressType: p.addressType,
    rssi: p.rssi,
    connectable: p.connectable,
    serviceUuids: [...(a.serviceUuids ?? [])],
    serviceData: (a.serviceData ?? []).map((d) => ({ uuid: d.uuid, data: d.data.toString('hex') })),
  };
  if (a.localName) ad.localName = a.localName;
  if (a.manufacturerData) ad.manufacturerData = a.manufacturerData.toString('hex');
  if (typeof a.txPowerLevel === 'number') ad.txPowerLevel = a.txPowerLevel;
  return ad;
}

export function matches(f: ScanFilter, ad: Advertisement): boolean {
  switch (f.kind) {
    case 'any':
      return true;
    case 'name':
      return ad.localName === f.value;
    case 'address':
      return ad.address.toLowerCase() === f.value;
    case 'service':
      return ad.serviceUuids.some((u) => parseUuid(u) === f.value) || ad.serviceData.some((d) => parseUuid(d.uuid) === f.value);
  }
}

/** How long stopping a scan may take: noble never calls back when LE Set Scan Enable is refused. */
const STOP_SCAN_WAIT_MS = 1000;

/**
 * Stops noble's scan: done when noble says so, or once `failed` has rejected (the controller refused an LE Set
 * Scan Enable, this stop's included, or the transport is gone: noble would never say; the stop is still
 * sent), or after STOP_SCAN_WAIT_MS.
 */
function stopScanning(noble: Noble, failed: Promise<never> | undefined): Promise<unknown> {
  const ended = failed ? [failed.catch(() => undefined)] : [];
  return withTimeout(Promise.race([noble.stopScanningAsync(), ...ended]), { what: 'noble to stop scanning', timeoutMs: STOP_SCAN_WAIT_MS }).catch(() => undefined);
}

/**
 * Scan until the first peripheral matching `filter` advertises, or the time runs out. `failed` ends
 * the wait early: noble ignores a refused LE Set Scan Enable (non-zero status) and never calls back.
 */
export async function scanFor(noble: Noble, filter: ScanFilter, timeoutMs: number, failed?: Promise<never>): Promise<Found> {
  const emitter = noble as unknown as NodeJS.EventEmitter;
  let onDiscover: ((p: NoblePeripheral) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const found = new Promise<Found>((resolve, reject) => {
    onDiscover = (p) => {
      const ad = advertisementOf(p);
      if (matches(filter, ad)) resolve({ advertisement: ad, peripheral: p });
    };
    timer = setTimeout(() => reject(new OperationTimeout(`scan for ${describeFilter(filter)}`, timeoutMs, 'nothing matching advertised')), timeoutMs);
  });
  emitter.on('discover', onDiscover!);
  const stop = failed ? [failed] : [];
  try {
    await Promise.race([noble.startScanningAsync([], true), found, ...stop]);
    return await Promise.race([found, ...stop]);
  } finally {
    clearTimeout(timer);
    emitter.removeListener('discover', onDiscover!);
    await stopScanning(noble, failed);
  }
}

/** Everything matching `filter` heard within `durationMs`, one entry per address (latest RSSI). */
export async function scanAll(noble: Noble, filter: ScanFilter, durationMs: number, failed?: Promise<never>): Promise<Advertisement[]> {
  const emitter = noble as unknown as NodeJS.EventEmitter;
  const seen = new Map<string, Advertisement>();
  const onDiscover = (p: NoblePeripheral) => {
    const ad = advertisementOf(p);
    if (matches(filter, ad)) seen.set(ad.address, ad);
  };
  emitter.on('discover', onDiscover);
  let timer: NodeJS.Timeout | undefined;
  const heard = new Promise<void>((resolve) => (timer = setTimeout(resolve, durationMs)));
  const stop = failed ? [failed] : [];
  try {
    await Promise.race([noble.startScanningAsync([], true), heard, ...stop]);
    await Promise.race([heard, ...stop]);
    return [...seen.values()];
  } finally {
    clearTimeout(timer);
    emitter.removeListener('discover', onDiscover);
    await stopScanning(noble, failed);
  }
}

/**
 * Scans (every advertisement reported, so RSSI changes show) and hands each to `onFound` while
 * `work` runs; scanning stops when it ends. `failed` ends it early, as in scanFor.
 */
export async function scanWhile<T>(noble: Noble, onFound: (found: Found) => void, work: () => Promise<T>, failed?: Promise<never>): Promise<T> {
  const emitter = noble as unknown as NodeJS.EventEmitter;
  const onDiscover = (p: NoblePeripheral) => onFound({ advertisement: advertisementOf(p), peripheral: p });
  emitter.on('discover', onDiscover);
  const stop = failed ? [failed] : [];
  try {
    await Promise.race([noble.startScanningAsync([], true), ...stop]);
    return await Promise.race([work(), ...stop]);
  } finally {
    emitter.removeListener('discover', onDiscover);
    await stopScanning(noble, failed);
  }
}
