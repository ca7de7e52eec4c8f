// blebench report merge FILES… --out FILE: the reports of a sharded run (`run --shard K/N` on N CI
// machines, each with --reporter json|junit --out) made into one. Exit 0 merged; 1 merged but a shard
// of the split is missing, or a merged scenario failed; 2 a file that is not such a report, or two
// reports that overlap.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { BadInputError, EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { mergeReports, type ReportFile } from '../../common/apps/scenario/report/merge.js';
import { writeAtomically } from '../../common/apps/scenario/report/write-report.js';

export function registerReport(program: Command, done: (code: ExitCode) => void): void {
  const report = program.command('report').description('work on reports written by `blebench run`');
  report
    .command('merge')
    .description('merge the reports of `run --shard K/N` (all JSON or all JUnit) into one')
    .argument('<file...>', 'the shards\' reports (--reporter json or junit, --out FILE)')
    .requiredOption('--out <file>', 'where the merged report goes (written atomically)')
    .action(async (files: string[], opts: { out: string }) => done(await mergeCommand(files, opts)));
  report.exitOverride();
}

export async function mergeCommand(files: string[], opts: { out: string }, say: (s: string) => void = (s) => process.stdout.write(s)): Promise<ExitCode> {
  const inputs: ReportFile[] = [];
  for (const file of files) {
    try {
      inputs.push({ file, text: await readFile(file, 'utf8') });
    } catch (e) {
      throw new BadInputError('REPORT_NOT_FOUND', `${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
    }
  }
  const merged = mergeReports(inputs);
  await writeAtomically(opts.out, merged.text);
  say(`${merged.scenarios} scenarios from ${files.length} reports: ${merged.passed} passed, ${merged.failed} failed (report: ${opts.out})\n`);
  if (merged.missingShards.length) {
    say(`missing: shard ${merged.missingShards.join(', ')} (no report given for ${merged.missingShards.length === 1 ? 'it' : 'them'}): the merged report is not the whole suite\n`);
    return EXIT.EXPECTATION_FAILED;
  }
  return merged.failed ? EXIT.EXPECTATION_FAILED : EXIT.OK;
}
