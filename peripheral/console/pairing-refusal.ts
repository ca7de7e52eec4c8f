// The peripheral console's "refuse / accept the next pairing": which refusal is armed (the console
// keeps it: armed here, used up when this peripheral answers a Pairing Request with Pairing Failed
// for that reason, taken back by accepting), and taking it back through the server's acceptPairing().
import type { PeripheralServer } from '../peripheral-server.js';

export class PairingRefusal {
  private reason: number | undefined;

  constructor(private readonly server: PeripheralServer) {
    server.on('pairing', (p) => {
      if (p.step === 'failed' && p.failed?.sentBy === 'local' && p.failed.reason === this.reason) this.reason = undefined;
    });
  }

  /** The reason the next Pairing Request will be refused with, if one is armed. */
  get armed(): number | undefined {
    return this.reason;
  }

  refuseNext(reason: number): void {
    this.server.refuseNextPairing(reason);
    this.reason = reason;
  }

  /** The next Pairing Request is answered as usual again; false when this server cannot take a refusal back. */
  accept(): boolean {
    const accept = (this.server as unknown as { acceptPairing?: () => void }).acceptPairing;
    if (typeof accept !== 'function') return false;
    accept.call(this.server);
    this.reason = undefined;
    return true;
  }
}
