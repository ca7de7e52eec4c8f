// noble and bleno register process-wide SIGINT and exit handlers when they start (and exit the
// process from SIGINT). blebench owns shutdown, so the loaders take those handlers back out.
const WATCHED = ['SIGINT', 'SIGTERM', 'exit'] as const;

/** Runs `fn` and removes every SIGINT/SIGTERM/exit listener it added; returns how many. */
export function runRemovingProcessListeners(fn: () => void): number {
  const before = new Map(WATCHED.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  fn();
  let removed = 0;
  for (const e of WATCHED) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (before.get(e)!.has(l)) continue;
      process.removeListener(e, l);
      removed++;
    }
  }
  return removed;
}
