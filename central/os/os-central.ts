// The central role on the OS stack (transport `os`): noble with its platform bindings (CoreBluetooth on
// macOS, WinRT on Windows) finds, connects and discovers through its public API; each connection's
// GATT operations go through an ApiBearer. No HCI below: no tap, no handles, no link state, no pairing
// of ours (the OS pairs when a peer answers 0x05/0x0F, with its own dialog and bond store).
import { PROPERTY_BITS, type PropertyName } from '../../common/stack/gatt/characteristic-properties.js';
import { parseUuid } from '../../common/stack/gatt/uuid.js';
import type { OsTransport } from '../../common/stack/hci/os-transport.js';
import { deadline } from '../deadline.js';
import { isCentralError, OperationTimeout } from '../errors.js';
import type { DiscoveredCharacteristic } from '../gatt/discovered.js';
import { loadNobleOs, type LoadedOsNoble, type LoadNobleOsOptions } from '../noble/os-bindings.js';
import { type NoblePeripheral } from '../noble/internals.js';
import { scanFor, type Found, type ScanFilter } from '../scan.js';
import { ApiBearer, type ApiCharacteristicRef, type ApiNotification } from './api-bearer.js';
import { OsApiError } from './os-api-error.js';

export const OS_DEFAULT_TIMEOUT_MS = 5000;

/** A characteristic as discovered through the OS: properties, no handles (the OS keeps them). */
export interface OsCharacteristic extends DiscoveredCharacteristic {
  /** How the OS names it, for the bearer. */
  readonly api: ApiCharacteristicRef;
  /** Property words the OS adds beyond the declaration's bits (CoreBluetooth: notifyEncryptionRequired, ...). */
  readonly osProperties: readonly string[];
}

/** The OS gives no attribute handles; 0 is never a valid one (Vol 3 Part F 3.2.2). */
const NO_HANDLE = 0;

function osCharacteristic(serviceUuid: string, c: { uuid: string; properties: string[] }): OsCharacteristic {
  const names = c.properties.filter((p): p is PropertyName => p in PROPERTY_BITS);
  const properties = names.reduce((b, n) => b | PROPERTY_BITS[n], 0);
  return {
    uuid: parseUuid(c.uuid) ?? c.uuid,
    serviceUuid: parseUuid(serviceUuid) ?? serviceUuid,
    declarationHandle: NO_HANDLE,
    valueHandle: NO_HANDLE,
    endHandle: NO_HANDLE,
    properties,
    propertyNames: names,
    descriptors: [],
    api: { serviceUuid, uuid: c.uuid },
    osProperties: c.properties.filter((p) => !(p in PROPERTY_BITS)),
  };
}

export class OsConnection {
  private chars: OsCharacteristic[] | undefined;

  constructor(
    readonly bearer: ApiBearer,
    readonly found: Found,
    private readonly timeoutMs: number,
  ) {}

  get connected(): boolean {
    return !this.bearer.ended && this.found.peripheral.state === 'connected';
  }

  /** Services and characteristics as the OS reports them (discovered once per connection). */
  async characteristics(): Promise<OsCharacteristic[]> {
    if (this.chars) return this.chars;
    const p = this.found.peripheral;
    const what = (x: string) => ({ what: x, timeoutMs: this.timeoutMs });
    const services = await deadline(p.discoverServicesAsync([]), what(`service discovery on ${p.id}`));
    const out: OsCharacteristic[] = [];
    for (const s of services) {
      const cs = await deadline(s.discoverCharacteristicsAsync([]), what(`characteristic discovery in service ${s.uuid}`));
      for (const c of cs) out.push(osCharacteristic(s.uuid, { uuid: c.uuid, properties: [...c.properties] }));
    }
    this.chars = out;
    return out;
  }

  read(c: OsCharacteristic): Promise<Buffer> {
    return this.bearer.read(c.api);
  }

  write(c: OsCharacteristic, value: Buffer): Promise<void> {
    return this.bearer.write(c.api, value, false);
  }

  writeWithoutResponse(c: OsCharacteristic, value: Buffer): Promise<void> {
    return this.bearer.write(c.api, value, true);
  }

  subscribe(c: OsCharacteristic): Promise<void> {
    return this.bearer.setNotify(c.api, true);
  }

  unsubscribe(c: OsCharacteristic): Promise<void> {
    return this.bearer.setNotify(c.api, false);
  }

  onNotification(listener: (n: ApiNotification) => void): void {
    this.bearer.on('notification', listener);
  }

  /** Ask the OS to drop the link; it says when it did (no reason given). */
  async disconnect(): Promise<void> {
    if (!this.connected) return;
    const p = this.found.peripheral;
    const gone = new Promise<void>((resolve) => p.once('disconnect', () => resolve()));
    p.disconnect();
    await deadline(gone, { what: `disconnection from ${p.id}`, timeoutMs: this.timeoutMs }).catch((e) => {
      if (!(e instanceof OperationTimeout)) throw e;
    });
  }
}

export class OsCentralClient {
  private constructor(
    readonly loadedNoble: LoadedOsNoble,
    readonly timeoutMs: number,
  ) {}

  static async open(transport: OsTransport, options: LoadNobleOsOptions = {}): Promise<OsCentralClient> {
    const timeoutMs = options.timeoutMs ?? OS_DEFAULT_TIMEOUT_MS;
    return new OsCentralClient(await loadNobleOs(transport, { platform: transport.stack.platform, ...options, timeoutMs }), timeoutMs);
  }

  find(filter: ScanFilter, timeoutMs = this.timeoutMs): Promise<Found> {
    return scanFor(this.loadedNoble.noble, filter, timeoutMs);
  }

  /** Connect through the OS; a refusal comes back as the OS's words ("connection failed"), no HCI status. */
  async connect(found: Found): Promise<OsConnection> {
    const p: NoblePeripheral = found.peripheral;
    const what = `connection to ${found.advertisement.localName ?? p.id}`;
    try {
      // noble's connectAsync rejects with whatever the binding gave: the mac binding's string.
      await deadline(p.connectAsync(), { what, timeoutMs: this.timeoutMs, onTimeout: () => p.disconnect() });
    } catch (e) {
      if (isCentralError(e)) throw e;
      throw new OsApiError('connect', what, e);
    }
    return new OsConnection(new ApiBearer(this.loadedNoble.bindings, p.id, this.timeoutMs), found, this.timeoutMs);
  }

  close(): Promise<void> {
    return this.loadedNoble.close();
  }
}
