// The interop suite's ledger: every check compares what the independent stack saw with what the
// profile (or the spec) says. A disagreement is a bug in us, in the air or in ble-host until shown
// otherwise; a known, explained ble-host bug is checked exactly and counted as a ble-host finding.
export interface Disagreement {
  readonly what: string;
  readonly expected: unknown;
  readonly observed: unknown;
}

export class Agreement {
  /** What was compared with what, for the count line. */
  constructor(readonly title = 'interop') {}

  checks = 0;
  agreed = 0;
  readonly disagreements: Disagreement[] = [];
  /** Known ble-host bugs, each checked to behave exactly as described. */
  readonly bleHostFindings: string[] = [];

  /** One check: agreed when `observed` deep-equals `expected` (JSON equality). */
  check(what: string, expected: unknown, observed: unknown): boolean {
    this.checks++;
    const same = JSON.stringify(expected) === JSON.stringify(observed);
    if (same) this.agreed++;
    else this.disagreements.push({ what, expected, observed });
    return same;
  }

  /** A ble-host bug, explained: agreed only when ble-host did exactly what the finding says. */
  bleHostFinding(what: string, exactBleHostBehaviour: unknown, observed: unknown): boolean {
    const held = this.check(`${what} (ble-host finding)`, exactBleHostBehaviour, observed);
    if (held && !this.bleHostFindings.includes(what)) this.bleHostFindings.push(what);
    return held;
  }

  /** One test's ledger added to the file's (tests may run concurrently, each with its own). */
  absorb(other: Agreement): void {
    this.checks += other.checks;
    this.agreed += other.agreed;
    this.disagreements.push(...other.disagreements);
    for (const f of other.bleHostFindings) if (!this.bleHostFindings.includes(f)) this.bleHostFindings.push(f);
  }

  line(): string {
    const findings = this.bleHostFindings.length ? ` (${this.bleHostFindings.length} of them known ble-host bugs: ${this.bleHostFindings.join('; ')})` : '';
    return `${this.title}: ${this.checks} checks, ${this.agreed} agreed, ${this.checks - this.agreed} disagreed${findings}`;
  }
}
