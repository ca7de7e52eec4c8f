// An in-process virtual controller as an H4 link (the `mock` transport).
import type { VirtualController } from '../../air/index.js';
import type { H4Link } from '../socket-api.js';
import { TransportError } from '../transport-errors.js';
import { LinkEnding } from './link-ending.js';

export class ControllerLink implements H4Link {
  private readonly ending = new LinkEnding();
  private closing = false;

  constructor(
    readonly controller: VirtualController,
    label = 'mock',
  ) {
    // Powered off from outside (its radio closed): the link has gone away, as a stream's would.
    controller.once('close', () => {
      if (!this.closing) this.ending.end(new TransportError('TRANSPORT_CLOSED', `${label}: the virtual controller was powered off (its radio closed)`, label));
    });
  }

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
    this.closing = true;
    this.controller.close();
    this.ending.end();
  }
}
