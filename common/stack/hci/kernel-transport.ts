// hci:N: a Linux adapter through the kernel's raw HCI socket. The kernel keeps doing its part
// (it answers LE Long Term Key Requests from the keys bleno loads over management), so each socket
// noble or bleno asks for is a real kernel socket; we only tap what passes.
import { EventEmitter } from 'node:events';
import type { Tap } from '../trace/tap.js';
import type { NativeSocketClass } from './native-module.js';
import type { HciDeviceInfo, HciSocketApi } from './socket-api.js';
import { explainNativeError } from './transport-errors.js';
import type { TransportSpec } from './transport-spec.js';
import type { HciTransport, HciTransportEvents } from './hci-transport.js';

class TappedKernelSocket extends EventEmitter implements HciSocketApi {
  private control = false;

  constructor(
    private readonly native: HciSocketApi,
    private readonly devId: number,
    private readonly tap: Tap,
  ) {
    super();
    native.on('data', (p: Buffer) => {
      if (!this.control) this.tap.observe(p[0] === 0x01 ? 'tx' : 'rx', p);
      this.emit('data', p);
    });
    native.on('error', (e: Error) => this.emit('error', e));
  }

  // The transport spec names the adapter; whatever device id the library asks for, hci:N wins.
  bindRaw(): number {
    return this.native.bindRaw(this.devId);
  }
  bindUser(): number {
    return this.native.bindRaw(this.devId);
  }
  bindControl(): number {
    this.control = true;
    return this.native.bindControl();
  }
  start(): void {
    this.native.start();
  }
  stop(): void {
    this.native.stop();
  }
  write(packet: Buffer): void {
    if (!this.control) this.tap.observe('tx', packet);
    this.native.write(packet);
  }
  isDevUp(): boolean {
    return this.native.isDevUp();
  }
  setFilter(filter: Buffer): void {
    this.native.setFilter(filter);
  }
  getDeviceList(): HciDeviceInfo[] {
    return this.native.getDeviceList();
  }
}

export class KernelTransport extends EventEmitter<HciTransportEvents> implements HciTransport {
  readonly kernelShare = undefined;
  readonly tapAvailable = true;
  private open = true;
  private readonly made: HciSocketApi[] = [];

  constructor(
    readonly spec: TransportSpec & { kind: 'hci' },
    readonly label: string,
    readonly tap: Tap,
    private readonly Native: NativeSocketClass,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.open;
  }

  createSocket(): HciSocketApi {
    let native: HciSocketApi;
    try {
      native = new this.Native();
    } catch (err) {
      throw explainNativeError(err, this.label, this.spec.devId);
    }
    const s = new TappedKernelSocket(native, this.spec.devId, this.tap);
    this.made.push(native);
    return s;
  }

  async close(): Promise<void> {
    if (this.open) {
      this.open = false;
      for (const s of this.made) {
        try {
          s.stop();
        } catch {
          /* already stopped */
        }
      }
      this.emit('close', undefined);
    }
    await this.tap.close();
  }
}
