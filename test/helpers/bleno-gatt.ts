// A small GATT served by bleno's own API (the peripheral program is built elsewhere): open and
// secure (bleno's `secure: [...]`) read, write, write without response, notify, indicate, and a value
// longer than one ATT_MTU. bleno answers every secured attribute with 0x05 before encryption.
import type { Radio } from '../../common/stack/air/index.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import { waitForEvent } from '../../common/base/util/wait.js';
import { loadBleno, type Bleno, type LoadedBleno } from '../../peripheral/bleno/index.js';

export const SMALL = {
  name: 'blebench-small',
  service: 'b1eb20007e574b3e9c1d2f5e0b1c7a90',
  openRead: 'b1eb20017e574b3e9c1d2f5e0b1c7a90',
  secureRead: 'b1eb20027e574b3e9c1d2f5e0b1c7a90',
  openWrite: 'b1eb20037e574b3e9c1d2f5e0b1c7a90',
  secureWrite: 'b1eb20047e574b3e9c1d2f5e0b1c7a90',
  openCommand: 'b1eb20057e574b3e9c1d2f5e0b1c7a90',
  openNotify: 'b1eb20067e574b3e9c1d2f5e0b1c7a90',
  secureNotify: 'b1eb20077e574b3e9c1d2f5e0b1c7a90',
  openIndicate: 'b1eb20087e574b3e9c1d2f5e0b1c7a90',
  longRead: 'b1eb20097e574b3e9c1d2f5e0b1c7a90',
  openValue: Buffer.from('open to all'),
  secureValue: Buffer.from('secret value'),
  longValue: Buffer.from('a long value: '.padEnd(300, 'x') + 'end'),
} as const;

/** bleno's Characteristic result codes (lib/characteristic.js). */
const RESULT_SUCCESS = 0x00;

export interface BlenoPeripheral {
  loaded: LoadedBleno;
  transport: HciTransport;
  /** The last value written to each writable characteristic (by UUID). */
  written: Map<string, Buffer[]>;
  /** Send a notification/indication on a subscribed characteristic; false when nobody subscribed. */
  notify(uuid: string, value: Buffer): boolean;
  /** Characteristics currently subscribed. */
  subscribed: Set<string>;
  close(): Promise<void>;
}

export async function startBlenoPeripheral(radio: Radio, options: { beforeLoad?: (t: HciTransport) => void } = {}): Promise<BlenoPeripheral> {
  const transport = await openTransport('mock', { radio, name: 'peripheral' });
  options.beforeLoad?.(transport);
  const loaded = await loadBleno(transport);
  const written = new Map<string, Buffer[]>();
  const senders = new Map<string, (v: Buffer) => void>();
  const subscribed = new Set<string>();
  await serve(loaded.bleno, written, senders, subscribed);
  return {
    loaded,
    transport,
    written,
    subscribed,
    notify(uuid, value) {
      const send = senders.get(uuid);
      if (!send) return false;
      send(value);
      return true;
    },
    async close() {
      await loaded.close();
      await transport.close();
    },
  };
}

async function serve(bleno: Bleno, written: Map<string, Buffer[]>, senders: Map<string, (v: Buffer) => void>, subscribed: Set<string>): Promise<void> {
  const values = new Map<string, Buffer>();
  const store = (uuid: string) => (data: Buffer, _offset: number, _withoutResponse: boolean, cb: (r: number) => void) => {
    values.set(uuid, Buffer.from(data));
    written.set(uuid, [...(written.get(uuid) ?? []), Buffer.from(data)]);
    cb(RESULT_SUCCESS);
  };
  const readStored = (uuid: string, initial: Buffer) => (offset: number, cb: (r: number, d?: Buffer) => void) => cb(RESULT_SUCCESS, (values.get(uuid) ?? initial).subarray(offset));
  const notifier = (uuid: string) => ({
    onSubscribe: (_max: number, send: (v: Buffer) => void) => {
      senders.set(uuid, send);
      subscribed.add(uuid);
    },
    onUnsubscribe: () => {
      senders.delete(uuid);
      subscribed.delete(uuid);
    },
  });
  const C = bleno.Characteristic;
  const chars = [
    new C({ uuid: SMALL.openRead, properties: ['read'], value: SMALL.openValue }),
    new C({ uuid: SMALL.secureRead, properties: ['read'], secure: ['read'], value: SMALL.secureValue }),
    new C({ uuid: SMALL.openWrite, properties: ['read', 'write'], onReadRequest: readStored(SMALL.openWrite, Buffer.from('w0')), onWriteRequest: store(SMALL.openWrite) }),
    new C({ uuid: SMALL.secureWrite, properties: ['read', 'write'], secure: ['write'], onReadRequest: readStored(SMALL.secureWrite, Buffer.from('s0')), onWriteRequest: store(SMALL.secureWrite) }),
    new C({ uuid: SMALL.openCommand, properties: ['writeWithoutResponse'], onWriteRequest: store(SMALL.openCommand) }),
    new C({ uuid: SMALL.openNotify, properties: ['notify'], ...notifier(SMALL.openNotify) }),
    new C({ uuid: SMALL.secureNotify, properties: ['notify'], secure: ['notify'], ...notifier(SMALL.secureNotify) }),
    new C({ uuid: SMALL.openIndicate, properties: ['indicate'], ...notifier(SMALL.openIndicate) }),
    new C({ uuid: SMALL.longRead, properties: ['read'], value: SMALL.longValue }),
  ];
  const set = waitForEvent<[Error | null | undefined]>(bleno as unknown as NodeJS.EventEmitter, 'servicesSet', { what: 'bleno services set', timeoutMs: 5000 });
  bleno.setServices([new bleno.PrimaryService({ uuid: SMALL.service, characteristics: chars })]);
  const [setErr] = await set;
  if (setErr) throw setErr;
  const started = waitForEvent<[Error | null | undefined]>(bleno as unknown as NodeJS.EventEmitter, 'advertisingStart', { what: 'bleno advertising', timeoutMs: 5000 });
  bleno.startAdvertising(SMALL.name, [SMALL.service]);
  const [advErr] = await started;
  if (advErr) throw advErr;
}
