// The waiting interval after a failed pairing. Core v5.4 Vol 3 Part H 2.3.6: after a failure a device
// waits before it starts or answers a new pairing with the same peer, and the interval grows
// exponentially with each further failure; a success starts over.
export interface RepeatedAttemptsOptions {
  /** First waiting interval, ms (default 2000). */
  baseMs?: number;
  /** Longest waiting interval, ms (default 120000). */
  maxMs?: number;
  now?: () => number;
}

export class RepeatedAttempts {
  private readonly peers = new Map<string, { failures: number; until: number }>();
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;

  constructor(options: RepeatedAttemptsOptions = {}) {
    this.baseMs = options.baseMs ?? 2000;
    this.maxMs = options.maxMs ?? 120_000;
    this.now = options.now ?? Date.now;
  }

  /** May a pairing with this peer start now? */
  allowed(peer: string): boolean {
    const p = this.peers.get(peer);
    return !p || this.now() >= p.until;
  }

  failed(peer: string): void {
    const failures = (this.peers.get(peer)?.failures ?? 0) + 1;
    const wait = Math.min(this.maxMs, this.baseMs * 2 ** (failures - 1));
    this.peers.set(peer, { failures, until: this.now() + wait });
  }

  succeeded(peer: string): void {
    this.peers.delete(peer);
  }
}
