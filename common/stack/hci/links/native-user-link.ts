// A controller owned entirely by this process through a native socket: the Linux user channel
// (hci-user:N) or a USB dongle (usb[:VID:PID]). Nothing else touches the controller, so the
// transport does the kernel's share itself.
import type { H4Link, HciSocketApi } from '../socket-api.js';
import { TransportError } from '../transport-errors.js';
import { LinkEnding } from './link-ending.js';

export class NativeUserLink implements H4Link {
  private readonly ending = new LinkEnding();

  constructor(
    private readonly socket: HciSocketApi,
    readonly label: string,
  ) {
    socket.on('error', (err: Error) => this.finish(new TransportError('TRANSPORT_CLOSED', `${label}: ${err.message}`, label, { cause: err })));
    socket.start();
  }

  send(packet: Buffer): void {
    if (!this.ending.ended) this.socket.write(packet);
  }

  onPacket(listener: (packet: Buffer) => void): void {
    this.socket.on('data', listener);
  }

  onClose(listener: (error?: Error) => void): void {
    this.ending.on(listener);
  }

  close(): void {
    if (this.ending.ended) return;
    try {
      this.socket.stop();
    } catch {
      /* already gone */
    }
    this.finish();
  }

  private finish(error?: Error): void {
    this.ending.end(error);
  }
}
