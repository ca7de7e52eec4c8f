// Opt-in (BLEBENCH_TEST_CPU=DIR, see the README's "Tests and benchmark"): each vitest worker writes its CPU
// time so far (its own and that of the child processes it waited for) to DIR/<pid> after every test file.
// /usr/bin/time around `vitest run` does not see the workers' CPU (vitest ends them without waiting), so
// this is how the suite's CPU is measured: the sum over DIR plus what `time` reports for vitest itself.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';

const dir = process.env.BLEBENCH_TEST_CPU;
if (dir) {
  afterAll(() => {
    // /proc/self/stat fields 14-17: utime, stime, cutime, cstime in clock ticks (proc(5)); after the ')' of the name.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]) / 100);
    writeFileSync(path.join(dir, String(process.pid)), JSON.stringify({ utime, stime, cutime, cstime }));
  });
}
