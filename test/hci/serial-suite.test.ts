// Issue 9, "Shown by": the default scenario suite with the central (noble) over serial: — a real tty,
// the pseudo-terminal of an air listening on pty: — and the peripheral (bleno) over h4:unix to the same
// air. One fresh air (radio, unix socket, pty) per scenario; the radio is in this process, so the
// scenarios' fault knobs apply too. Then the seam check with noble and bleno as shipped, over the same
// two transports.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Radio, startAirServer } from '../../common/stack/air/index.js';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import type { Rig, RigFactory } from '../../common/apps/scenario/run/index.js';
import { runSuite } from '../../common/apps/scenario/run/index.js';
import { failureReason } from '../../common/apps/scenario/report/result.js';
import { CentralClient } from '../../central/central-client.js';
import { loadNoble, type LoadedNoble } from '../../central/noble/load.js';
import { loadBleno, type LoadedBleno } from '../../peripheral/bleno/index.js';
import { servePeripheral } from '../../peripheral/index.js';
import { NobleCentralPort } from '../../bin/run/central-port.js';
import { peripheralPort } from '../../bin/run/peripheral-port.js';
import { centralOptions, scenarioSmp, targetOf } from '../../bin/run/rigs.js';
import { defaultSuite } from '../scenario/run-helpers.js';
import { movesRadioClock, scenarioCentrals } from '../../common/apps/scenario/scenario.js';
import { connectAndDiscover, scanFor } from '../helpers/central-steps.js';
import { serveSeamCheck, OPEN_CHAR, OPEN_VALUE, SEAM_SERVICE, SECURE_CHAR, SECURE_VALUE } from '../helpers/seam-check-gatt.js';

const base = mkdtempSync(path.join(tmpdir(), 'blebench-serial-suite-'));
let n = 0;

/** Both roles of a scenario on one air: the peripheral over h4:unix, the central over serial: to its pty. */
const serialCentralRig: RigFactory = async (req) => {
  const s = req.scenario;
  const closers: Array<() => unknown> = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    const radio = new Radio({ name: `serial ${s.name}` });
    closers.push(() => radio.close());
    radio.faults.load(s.faults);
    const dir = path.join(base, String(++n));
    const unix = await startAirServer({ listen: `unix:${dir}.sock`, radio });
    closers.push(() => unix.close());
    const pty = await startAirServer({ listen: `pty:${dir}.tty`, radio });
    closers.push(() => pty.close());
    const pt = await openTransport(`h4:unix:${dir}.sock`, { name: 'peripheral' });
    closers.push(() => pt.close());
    const ct = await openTransport(`serial:${dir}.tty`, { name: 'central' });
    closers.push(() => ct.close());
    const smp = scenarioSmp(s);
    const server = await servePeripheral({ transport: pt, profile: s.peripheral.profile, timeoutMs: Math.max(req.operationTimeoutMs, 5000), ...smp.peripheral });
    closers.push(() => server.close());
    const client = await CentralClient.open(ct, centralOptions(s.central, req.operationTimeoutMs));
    closers.push(() => client.close());
    const rig: Rig = { central: new NobleCentralPort(client, targetOf(s.peripheral.profile)), peripheral: peripheralPort(server), btsnoop: {}, close, acrossProcesses: true };
    return rig;
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
};

describe('the default suite with the central over serial: (a real tty) and the peripheral over h4:', () => {
  it('every scenario passes', async () => {
    // advance-clock moves the in-process radio's clock, on which the hosts' RPA timers run only when they
    // share the process with it (--transport mock); over serial: and h4: each host keeps its own time.
    // Several centrals need a controller each: this rig has one serial: central (they run on mock and h4:).
    const all = defaultSuite();
    // This rig opens one central on the pty: scenarios with several centrals run on --transport mock (test/scenario).
    const scenarios = all.filter((s) => !movesRadioClock(s) && scenarioCentrals(s).length === 1);
    expect(all.filter((s) => movesRadioClock(s)).length).toBeGreaterThanOrEqual(1);
    expect(all.filter((s) => scenarioCentrals(s).length > 1).length).toBeGreaterThanOrEqual(1);
    const suite = await runSuite(scenarios, { openRig: serialCentralRig, seed: 9 });
    expect(suite.results.length).toBe(scenarios.length);
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
    // Packets cross the tty bridge and the unix socket: the runner settles a step only once each
    // side's ACL has reached the other (Rig.acrossProcesses), so no check looks before a packet lands.
    const failures = suite.results.filter((r) => r.status !== 'passed');
    expect(failures.map((r) => `${r.status} ${r.file}: ${failureReason(r)}`)).toEqual([]);
  }, 240_000);
});

describe('the seam check over serial: and h4: (noble and bleno as shipped)', () => {
  let radio: Radio | undefined;
  const closers: Array<() => unknown> = [];
  afterAll(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    radio?.close();
  });

  it('the central over serial: reads the secure characteristic after noble pairs on its own; the tap shows 0x05, the pairing and the Encryption Change', async () => {
    radio = new Radio({ name: 'seam over serial' });
    const dir = path.join(base, 'seam');
    const unix = await startAirServer({ listen: `unix:${dir}.sock`, radio });
    closers.push(() => unix.close());
    const pty = await startAirServer({ listen: `pty:${dir}.tty`, radio });
    closers.push(() => pty.close());
    const pt: HciTransport = await openTransport(`h4:unix:${dir}.sock`, { name: 'peripheral' });
    closers.push(() => pt.close());
    const bleno: LoadedBleno = await loadBleno(pt);
    closers.push(() => bleno.close());
    await serveSeamCheck(bleno.bleno);
    const ct: HciTransport = await openTransport(`serial:${dir}.tty`, { name: 'central' });
    closers.push(() => ct.close());
    const noble: LoadedNoble = await loadNoble(ct);
    closers.push(() => noble.close());

    const p = await scanFor(noble.noble, SEAM_SERVICE);
    const { characteristics } = await connectAndDiscover(p);
    expect(await characteristics.find((c) => c.uuid === OPEN_CHAR)!.readAsync()).toEqual(OPEN_VALUE);
    expect(await characteristics.find((c) => c.uuid === SECURE_CHAR)!.readAsync()).toEqual(SECURE_VALUE);
    expect(ct.tap.entries.find((e) => e.layer === 'att' && e.fields.errorCode === 0x05)).toBeDefined();
    expect(ct.tap.entries.some((e) => e.name === 'SMP Pairing Request')).toBe(true);
    const enc = await ct.tap.waitFor((e) => e.name === 'HCI Encryption Change', { timeoutMs: 5000, includePast: true });
    expect(enc.fields.status).toBe(HCI_STATUS.SUCCESS);
    await p.disconnectAsync();
  }, 30_000);
});
