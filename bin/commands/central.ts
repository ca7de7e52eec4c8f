// blebench central: noble over any transport: find a target, connect, discover, read every readable
// characteristic, and report each outcome from the tap (the value, or the ATT error noble hides).
import type { Command } from 'commander';
import { BadInputError, EXIT, type ExitCode } from '../../common/errors/blebench-error.js';
import { openTransport } from '../../common/hci/transport.js';
import { loadNoble, type NoblePeripheral } from '../../central/noble-loader.js';
import { waitForEvent, withTimeout } from '../../common/util/wait.js';
import { ATT_OP, attError } from '../../common/codes/att.js';
import { logFormatOption, logLevelOption, loggerFrom, positiveInt, transportOption } from '../options.js';

interface CentralOptions {
  target?: string;
  transport: string;
  btsnoop?: string;
  json?: boolean;
  timeout: number;
  logLevel: string;
  logFormat: string;
}

export function registerCentral(program: Command, done: (code: ExitCode) => void): void {
  program
    .command('central')
    .description('connect to a target with noble and read every readable characteristic, reporting values and ATT errors')
    .requiredOption('--target <name|address|service-uuid>', 'the advertised name, the address (AA:BB:CC:DD:EE:FF) or an advertised service UUID')
    .addOption(transportOption())
    .option('--btsnoop <file>', 'write every HCI packet to FILE (btsnoop, opens in Wireshark)')
    .option('--json', 'print the results as JSON')
    .option('--timeout <ms>', 'time limit for each operation', positiveInt('--timeout'), 5000)
    .addOption(logLevelOption().default('warn'))
    .addOption(logFormatOption())
    .action(async (opts: CentralOptions) => done(await runCentral(opts)));
}

type Target = { kind: 'address'; value: string } | { kind: 'service'; value: string } | { kind: 'name'; value: string };

function parseTarget(text: string): Target {
  if (/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(text)) return { kind: 'address', value: text.toLowerCase().replace(/-/g, ':') };
  const hex = text.replace(/-/g, '').toLowerCase();
  if (/^(0x)?[0-9a-f]{4}$/.test(hex) || /^[0-9a-f]{32}$/.test(hex)) return { kind: 'service', value: hex.replace(/^0x/, '') };
  if (!text.trim()) throw new BadInputError('BAD_FLAG', '--target is empty', { path: '--target' });
  return { kind: 'name', value: text };
}

const matches = (t: Target, p: NoblePeripheral) =>
  t.kind === 'address' ? p.address === t.value : t.kind === 'name' ? p.advertisement.localName === t.value : p.advertisement.serviceUuids.includes(t.value);

export async function runCentral(opts: CentralOptions): Promise<ExitCode> {
  const log = loggerFrom(opts, 'central');
  const target = parseTarget(opts.target ?? '');
  const transport = await openTransport(opts.transport, { name: 'central' });
  if (opts.btsnoop) transport.tap.attachBtsnoop(opts.btsnoop);
  const loaded = await loadNoble(transport);
  const { noble } = loaded;
  const timeoutMs = opts.timeout;
  try {
    const found = waitForEvent<[NoblePeripheral]>(noble as unknown as NodeJS.EventEmitter, 'discover', {
      what: `a peripheral matching --target ${opts.target}`,
      timeoutMs,
      pred: (p) => matches(target, p),
    });
    await noble.startScanningAsync(target.kind === 'service' ? [target.value] : [], false);
    const [p] = await found.finally(() => noble.stopScanningAsync());
    log.info({ address: p.address, name: p.advertisement.localName, rssi: p.rssi }, 'found');
    await withTimeout(p.connectAsync(), { what: `connection to ${p.address}`, timeoutMs });
    const { characteristics } = await withTimeout(p.discoverAllServicesAndCharacteristicsAsync(), { what: 'discovery', timeoutMs });
    const rows: Array<Record<string, unknown>> = [];
    for (const c of characteristics) {
      if (!c.properties.includes('read')) {
        rows.push({ characteristic: c.uuid, properties: c.properties, read: 'not readable' });
        continue;
      }
      const from = transport.tap.entries.length;
      const value = await withTimeout(c.readAsync(), { what: `read of ${c.uuid}`, timeoutMs });
      const errors = transport.tap.entries.slice(from).filter((e) => e.layer === 'att' && e.fields.opcode === ATT_OP.ERROR_RSP);
      const firstError = errors[0]?.fields.errorCode as number | undefined;
      rows.push({
        characteristic: c.uuid,
        properties: c.properties,
        ...(firstError !== undefined ? { firstAttempt: `ATT 0x${firstError.toString(16).padStart(2, '0')} ${attError(firstError).name}` } : {}),
        value: value.toString('hex'),
        ...(/^[\x20-\x7e]*$/.test(value.toString('latin1')) && value.length ? { text: value.toString('latin1') } : {}),
      });
    }
    const gone = waitForEvent(p as unknown as NodeJS.EventEmitter, 'disconnect', { what: 'disconnection', timeoutMs });
    await p.disconnectAsync();
    await gone;
    if (opts.json) process.stdout.write(JSON.stringify({ address: p.address, name: p.advertisement.localName, characteristics: rows }, null, 2) + '\n');
    else {
      process.stdout.write(`${p.advertisement.localName ?? '(no name)'} ${p.address} rssi ${p.rssi}\n`);
      for (const r of rows) {
        const how = r.firstAttempt ? `${r.firstAttempt}, then after pairing: ` : '';
        process.stdout.write(`  ${String(r.characteristic).padEnd(34)} ${r.read ?? `${how}${r.value}${r.text ? ` "${r.text}"` : ''}`}\n`);
      }
    }
    return EXIT.OK;
  } finally {
    await loaded.close();
    await transport.close();
  }
}
