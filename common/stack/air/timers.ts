// Every timer the radio starts goes through a TimerSet so close() can clear them all.
// Timers are unref'd: the virtual radio never keeps a process alive on its own.

export type Cancel = () => void;

export class TimerSet {
  private readonly live = new Set<NodeJS.Timeout>();

  after(ms: number, fn: () => void): Cancel {
    const t = setTimeout(() => {
      this.live.delete(t);
      fn();
    }, ms);
    t.unref();
    this.live.add(t);
    return () => {
      clearTimeout(t);
      this.live.delete(t);
    };
  }

  every(ms: number, fn: () => void): Cancel {
    const t = setInterval(fn, ms);
    t.unref();
    this.live.add(t);
    return () => {
      clearInterval(t);
      this.live.delete(t);
    };
  }

  get size(): number {
    return this.live.size;
  }

  clear(): void {
    for (const t of this.live) clearTimeout(t); // clearTimeout also clears intervals
    this.live.clear();
  }
}
