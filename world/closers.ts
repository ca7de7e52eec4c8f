// What a world opened, closed in reverse order of opening: each part even when one before it fails,
// once (a second close() waits for the first and changes nothing), and never throwing anything but
// one WorldCloseError naming every part that failed.
import { BlebenchError } from '../common/base/errors/blebench-error.js';

export interface CloseFailure {
  /** The part, in words ("the central's transport"). */
  readonly part: string;
  readonly error: unknown;
}

/** Parts of a world did not close; each is named with its error. The message is theirs, joined. */
export class WorldCloseError extends BlebenchError {
  readonly code = 'WORLD_CLOSE_FAILED';
  constructor(readonly failures: readonly CloseFailure[]) {
    super(failures.map((f) => messageOf(f.error)).join('; '), {
      cause: failures[0]?.error,
      hint: `${failures.map((f) => f.part).join(', ')} did not close cleanly: a later run in this process may find it still in use`,
    });
  }
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class Closers {
  private readonly parts: Array<{ part: string; close: () => unknown }> = [];
  private closing: Promise<void> | undefined;

  push(part: string, close: () => unknown): void {
    this.parts.push({ part, close });
  }

  closeAll(): Promise<void> {
    this.closing ??= this.run();
    return this.closing;
  }

  private async run(): Promise<void> {
    const failures: CloseFailure[] = [];
    for (const { part, close } of this.parts.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        failures.push({ part, error });
      }
    }
    if (failures.length) throw new WorldCloseError(failures);
  }
}
