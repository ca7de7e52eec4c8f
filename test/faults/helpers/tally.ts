// The count line a suite prints when it ends (CI logs show it): cases run, and how many held.
export class Tally {
  private cases = 0;
  private held = 0;

  constructor(
    private readonly suite: string,
    private readonly heldWords: string,
  ) {}

  /** Count one case; `ok` when every assertion of it held. */
  count(ok: boolean): void {
    this.cases++;
    if (ok) this.held++;
  }

  /** Run one case and count it: held when it finished without a failed assertion. */
  async counted(fn: () => void | Promise<void>): Promise<void> {
    let ok = false;
    try {
      await fn();
      ok = true;
    } finally {
      this.count(ok);
    }
  }

  line(): string {
    return `${this.suite}: ${this.cases} cases, ${this.held} ${this.heldWords}`;
  }
}
