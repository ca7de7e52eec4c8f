// Loaded into the soak's `blebench peripheral` by the bench only (node --expose-gc --import this): on
// SIGUSR2 it collects garbage and prints one line, `gc-probe {"rssMb":…,"heapTotalMb":…,"heapUsedMb":…,"externalMb":…}`,
// so the soak reads the process's live memory (what it holds) beside its RSS (what the allocator kept).
// Nothing of blebench itself changes: without this file the peripheral never sees SIGUSR2 handled.
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number) => Number((n / 2 ** 20).toFixed(2));

process.on('SIGUSR2', () => {
  if (!gc) return void process.stdout.write('gc-probe {"error":"no gc: run node with --expose-gc"}\n');
  gc();
  gc();
  const m = process.memoryUsage();
  process.stdout.write(`gc-probe ${JSON.stringify({ rssMb: mb(m.rss), heapTotalMb: mb(m.heapTotal), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external) })}\n`);
});

export {};
