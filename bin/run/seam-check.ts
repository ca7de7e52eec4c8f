// blebench run --seam-check: the built-in check of the HCI seam on the virtual radio, with noble and
// bleno as shipped: bleno serves a characteristic marked secure, noble reads it, and the timeline
// shows ATT 0x05, the pairing, the encryption and the value.
import { EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { SEAM_CHECK, serveSeamCheck } from '../../peripheral/seam-check-service.js';
import { loadNoble } from '../../central/noble/load.js';
import { openWorld } from '../../world/open-world.js';
import { runSeamCheck } from '../../central/seam-check.js';
import { loggerFrom } from '../options.js';
import { mergeTimelines } from '../timeline-print.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';

export interface SeamCheckOptions {
  btsnoop?: string;
  logLevel: string;
  logFormat: string;
}

export async function seamCheck(opts: SeamCheckOptions): Promise<ExitCode> {
  const log = loggerFrom(opts, 'run');
  const started = performance.now();
  const world = await openWorld({
    radio: { name: 'run' },
    peripheral: { kind: 'bleno' },
    central: { kind: 'transport' },
    ...(opts.btsnoop ? { capture: { peripheral: `${opts.btsnoop}/peripheral.btsnoop`, central: `${opts.btsnoop}/central.btsnoop` } } : {}),
  });
  try {
    const { pt, ct, bleno } = world;
    await serveSeamCheck(bleno.bleno);
    // noble as shipped loads after bleno serves (its scan then hears the service at once).
    const noble = await loadNoble(ct);
    world.addPart('noble', () => noble.close());
    log.info('both roles up on the virtual radio');
    const res = await runSeamCheck(noble.noble, SEAM_CHECK);
    const out = process.stdout;
    out.write(`blebench seam check on the virtual radio (noble ${noble.version} central, bleno ${bleno.version} peripheral)\n\n`);
    // The central's view, plus what only the peripheral's host sees: the LTK request and its answer.
    const ltkOnly = (e: TimelineEntry) => /Long Term Key Request/.test(e.name);
    for (const line of mergeTimelines([['central', ct.tap], ['peripheral', pt.tap, ltkOnly]])) out.write(line + '\n');
    const ok = res.openValue.equals(SEAM_CHECK.openValue) && res.secureValue.equals(SEAM_CHECK.secureValue);
    const sawAuthError = ct.tap.entries.some((e) => e.layer === 'att' && e.fields.errorCode === 0x05);
    const encrypted = ct.tap.links().some((l) => l.encrypted) || ct.tap.entries.some((e) => e.name === 'HCI Encryption Change' && e.fields.status === 0);
    out.write(`\nopen read:   ${JSON.stringify(res.openValue.toString())}\nsecure read: ${JSON.stringify(res.secureValue.toString())}\n`);
    const verdict = ok && sawAuthError && encrypted;
    out.write(
      verdict
        ? `\nPASS: the secure read got ATT 0x05 Insufficient Authentication, the central paired (LE legacy, Just Works), the link was encrypted and the re-sent read returned the value (${(performance.now() - started).toFixed(0)} ms)\n`
        : `\nFAIL: expected ATT 0x05 then pairing, encryption and the value; got value ok=${ok}, 0x05 seen=${sawAuthError}, encrypted=${encrypted}\n`,
    );
    return verdict ? EXIT.OK : EXIT.EXPECTATION_FAILED;
  } finally {
    await world.close();
  }
}
