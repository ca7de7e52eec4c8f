// The central half of the seam check: find the seam-check peripheral, read its open value, then its
// secure one (noble pairs on ATT 0x05 and re-sends), every step bounded by a timeout.
import type { Noble, NoblePeripheral } from './noble/internals.js';
import { waitForEvent, withTimeout } from '../common/base/util/wait.js';

export interface SeamCheckTarget {
  service: string;
  openCharacteristic: string;
  secureCharacteristic: string;
}

export interface SeamCheckResult {
  peripheral: { address: string; name?: string; rssi: number };
  openValue: Buffer;
  secureValue: Buffer;
}

export async function scanForService(noble: Noble, serviceUuid: string, timeoutMs: number): Promise<NoblePeripheral> {
  const found = waitForEvent<[NoblePeripheral]>(noble as unknown as NodeJS.EventEmitter, 'discover', {
    what: `a peripheral advertising service ${serviceUuid}`,
    timeoutMs,
  });
  await noble.startScanningAsync([serviceUuid], false);
  try {
    return (await found)[0];
  } finally {
    await noble.stopScanningAsync();
  }
}

export async function runSeamCheck(noble: Noble, target: SeamCheckTarget, timeoutMs = 5000): Promise<SeamCheckResult> {
  const p = await scanForService(noble, target.service, timeoutMs);
  await withTimeout(p.connectAsync(), { what: `connection to ${p.address}`, timeoutMs });
  try {
    const { characteristics } = await withTimeout(
      p.discoverSomeServicesAndCharacteristicsAsync([target.service], [target.openCharacteristic, target.secureCharacteristic]),
      { what: 'service discovery', timeoutMs },
    );
    const byUuid = (u: string) => {
      const c = characteristics.find((x) => x.uuid === u);
      if (!c) throw new Error(`characteristic ${u} not found on ${p.address}`);
      return c;
    };
    const openValue = await withTimeout(byUuid(target.openCharacteristic).readAsync(), { what: 'read of the open characteristic', timeoutMs });
    const secureValue = await withTimeout(byUuid(target.secureCharacteristic).readAsync(), {
      what: 'read of the secure characteristic (pairing included)',
      timeoutMs,
    });
    const name = p.advertisement.localName;
    return { peripheral: { address: p.address, rssi: p.rssi, ...(name ? { name } : {}) }, openValue, secureValue };
  } finally {
    const gone = waitForEvent(p as unknown as NodeJS.EventEmitter, 'disconnect', { what: 'disconnection', timeoutMs });
    await p.disconnectAsync().catch(() => undefined);
    await gone.catch(() => undefined);
  }
}
