// blebench capture convert IN OUT [--format F]: one capture format into another (common/stack/capture).
import { Option, type Command } from 'commander';
import { EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { WRITE_FORMATS, convertCapture, damageText, type WriteFormat } from '../../common/stack/capture/index.js';
import { reportError } from '../cli-errors.js';

export function registerCapture(program: Command, done: (code: ExitCode) => void): void {
  const capture = program.command('capture').description('work with capture files (btsnoop, PacketLogger .pklg, pcap, pcapng)');
  capture
    .command('convert')
    .description('write the HCI packets and notes of capture IN to OUT; the format comes from OUT\'s extension (.pklg, .pcapng, anything else btsnoop) or --format')
    .argument('<in>', 'the capture to read (format found from its content; gzip read transparently)')
    .argument('<out>', 'the file to write')
    .addOption(new Option('--format <format>', 'the format to write').choices(WRITE_FORMATS as string[]))
    .action(async (input: string, output: string, opts: { format?: WriteFormat }) => {
      try {
        const r = await convertCapture(input, output, opts.format);
        process.stdout.write(`${output}: ${r.written} records as ${r.to} (from ${r.from.variant}${r.from.gzip ? ', gzip' : ''})\n`);
        if (r.notesDropped) process.stderr.write(`blebench: ${r.notesDropped} notes not written: ${r.to} has no place for text records\n`);
        if (r.skipped) process.stderr.write(`blebench: ${r.skipped} records not written (not HCI packets or notes)\n`);
        if (r.damage) process.stderr.write(`blebench: ${input} is damaged at ${damageText(r.damage)}; the ${r.records} records before it were converted\n`);
        done(EXIT.OK);
      } catch (e) {
        done(reportError(e));
      }
    });
}
