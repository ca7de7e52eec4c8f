// Opt-in (BLEBENCH_TEST_CPU=DIR, see the README's "Tests and benchmark"): each vitest worker writes its CPU
// time so far (its own and that of the child processes it waited for) to DIR/<pid> after every test file,
// and appends each file's own share (the CPU spent between its start and its end) to DIR/files.jsonl.
// /usr/bin/time around `vitest run` does not see the workers' CPU (vitest ends them without waiting), so
// this is how the suite's CPU is measured: the sum over DIR/<pid> plus what `time` reports for vitest itself.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';

interface Cpu {
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

function cpuNow(): Cpu {
  // /proc/self/stat fields 14-17: utime, stime, cutime, cstime in clock ticks (proc(5)); after the ')' of the name.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]) / 100) as [number, number, number, number];
  return { utime, stime, cutime, cstime };
}

const dir = process.env.BLEBENCH_TEST_CPU;
if (dir) {
  let start: { cpu: Cpu; at: number } | undefined;
  beforeAll(() => {
    start = { cpu: cpuNow(), at: Date.now() };
  });
  afterAll(() => {
    const now = cpuNow();
    writeFileSync(path.join(dir, String(process.pid)), JSON.stringify(now));
    if (!start) return;
    const own = now.utime + now.stime - start.cpu.utime - start.cpu.stime;
    const children = now.cutime + now.cstime - start.cpu.cutime - start.cpu.cstime;
    const file = path.relative(process.cwd(), expect.getState().testPath ?? '?');
    const line = { file, wallS: (Date.now() - start.at) / 1000, ownCpuS: +own.toFixed(2), childCpuS: +children.toFixed(2) };
    appendFileSync(path.join(dir, 'files.jsonl'), `${JSON.stringify(line)}\n`);
  });
}
