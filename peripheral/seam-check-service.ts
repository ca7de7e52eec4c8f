// The seam check: the smallest GATT server that shows the story behind blebench. One open
// characteristic and one that bleno itself marks `secure: ['read']` (as a CoreBluetooth peripheral
// marks readEncryptionRequired). Served through bleno's own API, with no policy of ours on top.
import type { Bleno } from './bleno/index.js';
import { waitForEvent } from '../common/base/util/wait.js';

export const SEAM_CHECK = {
  name: 'blebench-seam',
  service: '6e400001b5a3f393e0a9e50e24dcca9e',
  openCharacteristic: '6e400002b5a3f393e0a9e50e24dcca9e',
  secureCharacteristic: '6e400003b5a3f393e0a9e50e24dcca9e',
  openValue: Buffer.from('hello, open'),
  secureValue: Buffer.from('the secret value'),
} as const;

export async function serveSeamCheck(bleno: Bleno, name: string = SEAM_CHECK.name, timeoutMs = 5000): Promise<void> {
  const open = new bleno.Characteristic({ uuid: SEAM_CHECK.openCharacteristic, properties: ['read'], value: SEAM_CHECK.openValue });
  const secure = new bleno.Characteristic({
    uuid: SEAM_CHECK.secureCharacteristic,
    properties: ['read'],
    secure: ['read'],
    value: SEAM_CHECK.secureValue,
  });
  const set = waitForEvent<[Error | null | undefined]>(bleno as unknown as NodeJS.EventEmitter, 'servicesSet', { what: 'bleno services set', timeoutMs });
  bleno.setServices([new bleno.PrimaryService({ uuid: SEAM_CHECK.service, characteristics: [open, secure] })]);
  const [setErr] = await set;
  if (setErr) throw setErr;
  const started = waitForEvent<[Error | null | undefined]>(bleno as unknown as NodeJS.EventEmitter, 'advertisingStart', { what: 'bleno advertising', timeoutMs });
  bleno.startAdvertising(name, [SEAM_CHECK.service]);
  const [advErr] = await started;
  if (advErr) throw advErr;
}
