// An in-process virtual controller as an H4 link (the `mock` transport).
import type { VirtualController } from '../../air/index.js';
import type { H4Link } from '../socket-api.js';

export class ControllerLink implements H4Link {
  private closeListeners: Array<(error?: Error) => void> = [];
  private closed = false;

  constructor(readonly controller: VirtualController) {}

  send(packet: Buffer): void {
    if (!this.closed) this.controller.write(packet);
  }

  onPacket(listener: (packet: Buffer) => void): void {
    this.controller.on('packet', listener);
  }

  onClose(listener: (error?: Error) => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.controller.close();
    for (const l of this.closeListeners) l();
  }
}
