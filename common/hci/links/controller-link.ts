// An in-process virtual controller as an H4 link (the `mock` transport).
import type { VirtualController } from '../../air/index.js';
import type { H4Link } from '../socket-api.js';
import { LinkEnding } from './link-ending.js';

export class ControllerLink implements H4Link {
  private readonly ending = new LinkEnding();

  constructor(readonly controller: VirtualController) {}

  send(packet: Buffer): void {
    if (!this.ending.ended) this.controller.write(packet);
  }

  onPacket(listener: (packet: Buffer) => void): void {
    this.controller.on('packet', listener);
  }

  onClose(listener: (error?: Error) => void): void {
    this.ending.on(listener);
  }

  close(): void {
    if (this.ending.ended) return;
    this.controller.close();
    this.ending.end();
  }
}
