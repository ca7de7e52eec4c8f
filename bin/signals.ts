// Clean shutdown on SIGINT/SIGTERM: the command finishes its own work and returns an exit code.
export function untilSignal(signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handlers = signals.map((s) => {
      const h = () => {
        handlers.forEach(([sig, fn]) => process.removeListener(sig, fn));
        resolve(s);
      };
      process.on(s, h);
      return [s, h] as const;
    });
  });
}
