// Central steps for seam tests, each bounded by a timeout.
import type { Noble, NoblePeripheral } from '../../central/noble/internals.js';
import { scanForService } from '../../central/seam-check.js';
import { withTimeout } from '../../common/base/util/wait.js';

export function scanFor(noble: Noble, serviceUuid: string, timeoutMs = 5000): Promise<NoblePeripheral> {
  return scanForService(noble, serviceUuid, timeoutMs);
}

export async function connectAndDiscover(p: NoblePeripheral, timeoutMs = 5000) {
  await withTimeout(p.connectAsync(), { what: 'connection', timeoutMs });
  return withTimeout(p.discoverAllServicesAndCharacteristicsAsync(), { what: 'discovery', timeoutMs });
}
