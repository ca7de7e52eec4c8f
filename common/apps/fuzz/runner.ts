// The case runner: cases in batches on one link, a liveness probe after each batch; a crash (the
// target died or printed a stack trace) or a hang (no answer to the probe in time) is narrowed to
// one case by replaying the batch one case at a time on a fresh target, recorded, and the run goes
// on with a new target. A dropped link is not a failure: the rogue connects again.
import { generateCase } from './generate.js';
import { LinkLost, type FuzzSession, type ProbeResult, type SessionFactory } from './session.js';
import { findingOf, type FuzzFinding, type FindingKind, type TargetCounts } from './verdict.js';
import type { FuzzCase } from './fuzz-case.js';
import type { TargetDeath } from './target-process.js';

export interface RunTargetOptions {
  seed: number;
  cases: number;
  /** Cases between two liveness probes. */
  batchSize: number;
  /** Stop fuzzing a target after this many findings (each costs a restart or two). */
  maxFindings: number;
  progress?: (line: string) => void;
  /** How often to call progress, in cases. */
  progressEvery?: number;
}

interface Failure {
  kind: FindingKind;
  what: string;
  stderrTail: string;
}

type BatchOutcome = { ok: true } | { ok: false; failure: Failure; at: number };

function deathText(d: TargetDeath): string {
  if (d.kind === 'stack-trace') return `printed a stack trace: ${d.error}`;
  if (d.kind === 'caught-failure') return `caught a failure of its own and went on: ${d.warning}`;
  return d.signal ? `was killed by ${d.signal}` : `exited with code ${d.code}`;
}

export class TargetRun {
  readonly counts: TargetCounts;
  readonly findings: FuzzFinding[] = [];
  private session: FuzzSession | undefined;

  constructor(
    private readonly factory: SessionFactory,
    private readonly o: RunTargetOptions,
  ) {
    this.counts = { target: factory.label, role: factory.role, cases: 0, crashes: 0, hangs: 0, linksLost: 0, restarts: 0 };
  }

  private caseAt(index: number): FuzzCase {
    return generateCase(this.o.seed, index, this.factory.role, this.factory.protocols ? { protocols: this.factory.protocols } : {});
  }

  async run(): Promise<void> {
    this.session = await this.factory.open();
    let nextProgress = this.o.progressEvery ?? Infinity;
    const batchSize = Math.min(this.o.batchSize, this.factory.maxBatch ?? Infinity);
    try {
      for (let start = 0; start < this.o.cases; start += batchSize) {
        const batch: FuzzCase[] = [];
        for (let i = start; i < Math.min(this.o.cases, start + batchSize); i++) batch.push(this.caseAt(i));
        const outcome = await this.runBatch(this.session, batch);
        this.counts.cases += batch.length;
        if (!outcome.ok) {
          await this.record(batch.slice(0, outcome.at + 1), outcome.failure);
          if (this.findings.length >= this.o.maxFindings) {
            this.o.progress?.(`${this.factory.label}: stopping after ${this.findings.length} findings`);
            break;
          }
        }
        if (this.counts.cases >= nextProgress) {
          this.o.progress?.(`${this.factory.label}: ${this.counts.cases}/${this.o.cases} cases, ${this.counts.crashes} crashes, ${this.counts.hangs} hangs`);
          nextProgress += this.o.progressEvery ?? Infinity;
        }
      }
    } finally {
      await this.session?.close();
      this.session = undefined;
    }
  }

  /** Send the batch, then probe. `at` is the last case sent when it went wrong. */
  private async runBatch(s: FuzzSession, batch: FuzzCase[]): Promise<BatchOutcome> {
    for (let i = 0; i < batch.length; i++) {
      const c = batch[i]!;
      try {
        await s.send(c);
      } catch (err) {
        if (!(err instanceof LinkLost)) throw err;
        const failure = await this.recover(s);
        if (failure) return { ok: false, failure, at: i };
        await s.send(c).catch(() => undefined); // the case once more, on the new link
      }
      const d = s.death();
      if (d) return { ok: false, failure: this.crash(s, d), at: i };
    }
    const failure = await this.judge(s, await s.probe());
    return failure ? { ok: false, failure, at: batch.length - 1 } : { ok: true };
  }

  private crash(s: FuzzSession, d: TargetDeath): Failure {
    return { kind: 'crash', what: `the ${this.factory.role} ${deathText(d)}`, stderrTail: s.stderrTail() };
  }

  /** What a probe result means; a lost link is recovered (and is no failure if the target answers again). */
  private async judge(s: FuzzSession, r: ProbeResult): Promise<Failure | undefined> {
    if (r === 'alive') return undefined;
    const d = s.death();
    if (r === 'dead' || d) return this.crash(s, d ?? { kind: 'exit', code: null, signal: null });
    if (r === 'link-lost') return this.recover(s);
    const again = (await s.reconnect()) && (await s.probe()) === 'alive';
    return {
      kind: 'hang',
      what: `no answer to the liveness probe within ${this.factory.probeTimeoutMs} ms; ${again ? 'it answered again on a new connection' : 'nor on a new connection'}`,
      stderrTail: s.stderrTail(),
    };
  }

  private async recover(s: FuzzSession): Promise<Failure | undefined> {
    this.counts.linksLost++;
    if (await s.reconnect()) {
      const r = await s.probe();
      if (r === 'alive') return undefined;
      if (r !== 'link-lost') return this.judge(s, r);
    }
    const d = s.death();
    if (d) return this.crash(s, d);
    return { kind: 'hang', what: `the link dropped and the ${this.factory.role} did not take a new connection and answer within ${this.factory.probeTimeoutMs} ms`, stderrTail: s.stderrTail() };
  }

  private async restart(): Promise<FuzzSession> {
    await this.session?.close();
    this.session = undefined;
    this.counts.restarts++;
    this.session = await this.factory.open();
    return this.session;
  }

  /** Narrow the failure to one case: replay one at a time on a fresh target, then that case alone. */
  private async record(cases: FuzzCase[], failure: Failure): Promise<void> {
    let culprit: FuzzCase | undefined;
    let found = failure;
    let s = await this.restart();
    for (let i = 0; i < cases.length && !culprit; i++) {
      const out = await this.runBatch(s, [cases[i]!]);
      if (!out.ok) {
        culprit = cases[i]!;
        found = out.failure;
      }
    }
    let alone = false;
    if (culprit && culprit !== cases[0]) {
      s = await this.restart();
      const out = await this.runBatch(s, [culprit]);
      alone = !out.ok;
      if (!out.ok) found = out.failure;
    } else if (culprit) alone = true;
    if (culprit) s = await this.restart();
    const c = culprit ?? cases[cases.length - 1]!;
    const what = culprit ? found.what : `${failure.what} (not reproduced when cases ${cases[0]!.index}..${c.index} were replayed one by one)`;
    const kind = culprit ? found.kind : failure.kind;
    this.findings.push(findingOf(kind, c, { role: this.factory.role, target: this.factory.label, seed: this.o.seed, what, reproducedAlone: alone, stderrTail: found.stderrTail }));
    if (kind === 'crash') this.counts.crashes++;
    else this.counts.hangs++;
    this.o.progress?.(`${this.factory.label}: ${kind} at case ${c.index} (${c.name}): ${what}`);
  }
}
