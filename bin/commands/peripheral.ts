// blebench peripheral: bleno over any transport, serving (for now) the seam check GATT, narrating
// what each central does from the tap. Profiles come with the peripheral program.
import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../../common/errors/blebench-error.js';
import { openTransport } from '../../common/hci/transport.js';
import type { TimelineEntry } from '../../common/trace/timeline.js';
import { loadBleno } from '../../peripheral/bleno-loader.js';
import { SEAM_CHECK, serveSeamCheck } from '../../peripheral/seam-check-service.js';
import { logFormatOption, logLevelOption, loggerFrom, transportOption } from '../options.js';
import { untilSignal } from '../signals.js';
import { isStoryEntry } from '../timeline-print.js';

interface PeripheralOptions {
  transport: string;
  name?: string;
  btsnoop?: string;
  logLevel: string;
  logFormat: string;
}

export function registerPeripheral(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('peripheral')
    .description('serve the seam-check GATT (an open and a secure characteristic) with bleno over a transport, until Ctrl-C')
    .addOption(transportOption())
    .option('--name <name>', 'advertised local name', SEAM_CHECK.name)
    .option('--btsnoop <file>', 'write every HCI packet to FILE (btsnoop, opens in Wireshark)')
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .action(async (opts: PeripheralOptions) => done(await runPeripheral(opts)));
}

export async function runPeripheral(opts: PeripheralOptions): Promise<ExitCode> {
  const log = loggerFrom(opts, 'peripheral');
  const transport = await openTransport(opts.transport, { name: 'peripheral' });
  if (opts.btsnoop) transport.tap.attachBtsnoop(opts.btsnoop);
  const narrate = (e: TimelineEntry) => {
    if (isStoryEntry(e)) log.info({ dir: e.dir, handle: e.handle }, e.summary);
  };
  transport.tap.on('entry', narrate);
  const loaded = await loadBleno(transport);
  try {
    await serveSeamCheck(loaded.bleno, opts.name ?? SEAM_CHECK.name);
    loaded.bleno.on('accept', (a: string) => log.info({ central: a }, 'central connected'));
    loaded.bleno.on('disconnect', (a: string) => log.info({ central: a }, 'central disconnected'));
    log.info({ transport: transport.label, address: loaded.bleno.address, name: opts.name ?? SEAM_CHECK.name }, 'advertising; waiting for a central (Ctrl-C stops)');
    process.stdout.write(`blebench peripheral: advertising as ${opts.name ?? SEAM_CHECK.name} (${loaded.bleno.address}) on ${transport.label}\n`);
    const closed = new Promise<ExitCode>((resolve) =>
      transport.once('close', (err) => {
        if (err) log.error({ code: err.code }, err.message);
        resolve(err ? EXIT.TRANSPORT_UNAVAILABLE : EXIT.OK);
      }),
    );
    const result = await Promise.race([untilSignal().then(() => EXIT.OK as ExitCode), closed]);
    log.info('stopping');
    return result;
  } finally {
    transport.tap.off('entry', narrate);
    await loaded.close();
    await transport.close();
  }
}
