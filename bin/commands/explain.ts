// blebench explain FILE [--json | --format text|json|mermaid] [--html OUT] [--connection N] [--central PLATFORM]: the security story of each connection
// in a capture, and the patterns it shows (common/apps/explain). Exit 0 nothing wrong, 1 found something, 2 unreadable.
import { noColorOption } from '../options.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { CaptureFormatError } from '../../common/stack/capture/open-capture.js';
import { PLATFORMS, explainFile, renderExplainJson, renderText, type Platform } from '../../common/apps/explain/index.js';
import { reportError } from '../cli-errors.js';
import { captureSequence, renderMermaid } from '../../common/apps/sequence/index.js';
import { captureTimeline } from '../../common/stack/capture/capture-timeline.js';
import { openCapture } from '../../common/stack/capture/open-capture.js';
import { htmlExplainReport } from '../../common/apps/html/index.js';
import { writeAtomically } from '../../common/apps/scenario/report/write-report.js';
import { escapeJsonForTerminal } from '../../common/base/output/escape.js';
import { checkOutputFile } from '../destinations.js';

export const EXPLAIN_FORMATS = ['text', 'json', 'mermaid'] as const;
type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

/** `--format mermaid`: the capture's sequence diagram (the first controller's view), to paste into an issue. */
async function printMermaid(file: string): Promise<ExitCode> {
  const { timeline, model } = await captureSequence(file);
  if (timeline.records === 0) throw new CaptureFormatError(file, `${file}: nothing could be read${timeline.damage ? ` (record 1 at offset ${timeline.damage.offset}: ${timeline.damage.problem})` : ': no records'}`);
  process.stdout.write(renderMermaid(model));
  return EXIT.OK;
}

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
    .option('--json', 'print the result as JSON (the same as --format json)')
    .addOption(new Option('--format <format>', 'text (default), json, or mermaid: the capture as a Mermaid sequenceDiagram (hosts and controllers as lanes, the link\'s security shaded)').choices([...EXPLAIN_FORMATS]))
    .addOption(noColorOption())
    .option('--connection <n>', 'only this connection (numbered from 1 in capture order)', positive)
    .option('--html <out>', 'also write the story, the findings and the capture\'s sequence chart as one self-contained HTML page to OUT')
    .addOption(new Option('--central <platform>', 'the central\'s platform, to put what it is known to do first').choices(PLATFORMS as string[]))
    .action(async (file: string, opts: { json?: boolean; format?: ExplainFormat; connection?: number; central?: Platform; html?: string }) => {
      try {
        if (opts.html !== undefined) checkOutputFile('--html', opts.html);
        if (opts.format === 'mermaid') return done(await printMermaid(file));
        const r = await explainFile(file);
        if (r.records === 0) throw new CaptureFormatError(file, `${file}: nothing could be read${r.damage ? ` (record 1 at offset ${r.damage.offset}: ${r.damage.problem})` : ': no records'}`);
        if (opts.connection !== undefined) {
          if (opts.connection > r.connections.length) throw new CaptureFormatError(file, `--connection ${opts.connection}: the capture has ${r.connections.length} connection${r.connections.length === 1 ? '' : 's'}`);
          r.connections = r.connections.filter((c) => c.number === opts.connection);
          r.findings = r.findings.filter((f) => f.connection === undefined || f.connection === opts.connection);
        }
        const ro = opts.central ? { central: opts.central } : {};
        if (opts.html !== undefined) {
          await writeAtomically(opts.html, escapeJsonForTerminal(htmlExplainReport(r, await captureTimeline(await openCapture(file)))));
          process.stderr.write(`blebench explain: report written to ${opts.html}\n`);
        }
        process.stdout.write(opts.json || opts.format === 'json' ? renderExplainJson(r, ro) : renderText(r, ro));
        done(r.findings.length || r.damage ? EXIT.EXPECTATION_FAILED : EXIT.OK);
      } catch (e) {
        done(reportError(e));
      }
    });
}
