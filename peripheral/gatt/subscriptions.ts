// CCCD values per central, not one for all (bleno keeps one): the connected central's, and those of
// bonded centrals, which persist across connections (Core v5.4 Vol 3 Part G 3.3.3.3). An unbonded
// central's subscriptions end with its link.
import { CCCD_BITS } from '../../common/stack/gatt/index.js';

export class Subscriptions {
  private current = new Map<string, number>();
  private readonly bonded = new Map<string, Map<string, number>>();
  private central: string | undefined;

  /** A central connected: restore what it configured when it was last connected, if it is bonded. */
  connect(central: string): void {
    this.central = central;
    this.current = new Map(this.bonded.get(central) ?? []);
  }

  /** The link ended: keep the values only when the central is bonded. Returns the names that were subscribed. */
  disconnect(bonded: boolean): string[] {
    const was = [...this.current].filter(([, v]) => v !== 0).map(([k]) => k);
    if (this.central !== undefined) {
      // Only what is configured is kept: a CCCD at 0 is the value a new connection starts with anyway
      // (Core v5.4 Vol 3 Part G 3.3.3.3), so a bonded central with nothing subscribed costs nothing here
      // (a long run bonds thousands of centrals; an empty map each grew with every bond: issue 15).
      const kept = new Map([...this.current].filter(([, v]) => v !== 0));
      if (bonded && kept.size > 0) this.bonded.set(this.central, kept);
      else this.bonded.delete(this.central);
    }
    this.central = undefined;
    this.current = new Map();
    return was;
  }

  value(characteristic: string): number {
    return this.current.get(characteristic) ?? 0;
  }

  set(characteristic: string, bits: number): void {
    this.current.set(characteristic, bits);
  }

  notifying(characteristic: string): boolean {
    return (this.value(characteristic) & CCCD_BITS.notification) !== 0;
  }

  indicating(characteristic: string): boolean {
    return (this.value(characteristic) & CCCD_BITS.indication) !== 0;
  }

  /** Bonded centrals whose configuration is kept (those with at least one CCCD not 0). */
  get keptCentrals(): number {
    return this.bonded.size;
  }

  /** Bonds forgotten: no stored configuration survives the next disconnection. */
  forgetBonded(): void {
    this.bonded.clear();
  }
}

/** A CCCD value as the 2 octets served. */
export function cccdBytes(bits: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(bits);
  return b;
}
