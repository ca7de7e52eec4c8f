// CCCD values per central, not one for all (bleno keeps one): each connected central's, kept per
// connection handle, and those of bonded centrals, which persist across connections (Core v5.4 Vol 3
// Part G 3.3.3.3: "the Client Characteristic Configuration descriptor value shall be persistent across
// connections for bonded devices", and it is set per client). An unbonded central's subscriptions end
// with its link.
import { CCCD_BITS } from '../../common/stack/gatt/index.js';

interface Connected {
  readonly central: string;
  readonly values: Map<string, number>;
}

export class Subscriptions {
  private readonly connected = new Map<number, Connected>();
  private readonly bonded = new Map<string, Map<string, number>>();

  /** A central connected on this handle: restore what it configured when it was last connected, if it is bonded. */
  connect(handle: number, central: string): void {
    this.connected.set(handle, { central, values: new Map(this.bonded.get(central) ?? []) });
  }

  /** The link ended: keep the values only when the central is bonded. Returns the names that were subscribed. */
  disconnect(handle: number, bonded: boolean): string[] {
    const c = this.connected.get(handle);
    if (!c) return [];
    this.connected.delete(handle);
    const was = [...c.values].filter(([, v]) => v !== 0).map(([k]) => k);
    // Only what is configured is kept: a CCCD at 0 is the value a new connection starts with anyway
    // (Core v5.4 Vol 3 Part G 3.3.3.3), so a bonded central with nothing subscribed costs nothing here
    // (a long run bonds thousands of centrals; an empty map each grew with every bond: issue 15).
    const kept = new Map([...c.values].filter(([, v]) => v !== 0));
    if (bonded && kept.size > 0) this.bonded.set(c.central, kept);
    else this.bonded.delete(c.central);
    return was;
  }

  /** The CCCD bits the central on this handle set (0 when none, or no such link). */
  value(handle: number, characteristic: string): number {
    return this.connected.get(handle)?.values.get(characteristic) ?? 0;
  }

  set(handle: number, characteristic: string, bits: number): void {
    this.connected.get(handle)?.values.set(characteristic, bits);
  }

  notifying(handle: number, characteristic: string): boolean {
    return (this.value(handle, characteristic) & CCCD_BITS.notification) !== 0;
  }

  indicating(handle: number, characteristic: string): boolean {
    return (this.value(handle, characteristic) & CCCD_BITS.indication) !== 0;
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
