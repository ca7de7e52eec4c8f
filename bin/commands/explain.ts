// blebench explain FILE [--json] [--connection N] [--central PLATFORM]: the security story of each connection
// in a capture, and the patterns it shows (common/apps/explain). Exit 0 nothing wrong, 1 found something, 2 unreadable.
import { noColorOption } from '../options.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { CaptureFormatError } from '../../common/stack/capture/open-capture.js';
import { PLATFORMS, explainFile, renderExplainJson, renderText, type Platform } from '../../common/apps/explain/index.js';
import { reportError } from '../cli-errors.js';

function positive(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1) throw new InvalidArgumentError('a connection number from 1');
  return n;
}

export function registerExplain(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('explain')
    .description('read a capture (btsnoop, PacketLogger .pklg, pcap, pcapng; gzip too) and say in words what happened to security on each connection, then the known patterns it shows; exit 0 nothing wrong, 1 something found, 2 unreadable')
    .argument('<file>', 'the capture')
    .option('--json', 'print the result as JSON')
    .addOption(noColorOption())
    .option('--connection <n>', 'only this connection (numbered from 1 in capture order)', positive)
    .addOption(new Option('--central <platform>', 'the central\'s platform, to put what it is known to do first').choices(PLATFORMS as string[]))
    .action(async (file: string, opts: { json?: boolean; connection?: number; central?: Platform }) => {
      try {
        const r = await explainFile(file);
        if (r.records === 0) throw new CaptureFormatError(file, `${file}: nothing could be read${r.damage ? ` (record 1 at offset ${r.damage.offset}: ${r.damage.problem})` : ': no records'}`);
        if (opts.connection !== undefined) {
          if (opts.connection > r.connections.length) throw new CaptureFormatError(file, `--connection ${opts.connection}: the capture has ${r.connections.length} connection${r.connections.length === 1 ? '' : 's'}`);
          r.connections = r.connections.filter((c) => c.number === opts.connection);
          r.findings = r.findings.filter((f) => f.connection === undefined || f.connection === opts.connection);
        }
        const ro = opts.central ? { central: opts.central } : {};
        process.stdout.write(opts.json ? renderExplainJson(r, ro) : renderText(r, ro));
        done(r.findings.length || r.damage ? EXIT.EXPECTATION_FAILED : EXIT.OK);
      } catch (e) {
        done(reportError(e));
      }
    });
}
