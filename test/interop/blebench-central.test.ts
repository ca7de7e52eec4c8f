// Interoperability with an independent host stack, part 2: blebench's central against a ble-host
// 1.0.3 peripheral serving the default profile (translated into ble-host's GATT database with its
// permissions: test/helpers/ble-host-profile.ts), over `blebench air`. The security matrix
// (`blebench central --json`) under noble's own SMP and under blebench's Security Manager (Just
// Works, Passkey Entry, Numeric Comparison), judged cell by cell from the profile; and the scenarios
// of the default suite that need nothing of the peripheral but the profile (`blebench run --role
// central`), a bonded reconnection among them; a ble-host peripheral that refuses the pairing (a wrong
// passkey typed on its side, a rejected Numeric Comparison: the reason named, exit 1, the number both
// sides showed); and its notifications and indications received through CentralClient in this
// process. The count line at the end is what CI prints.
import { afterAll, describe, it, vi } from 'vitest';
import { ATT_OP } from '../../common/base/codes/att.js';
import { hex } from '../../common/base/codes/code-table.js';
import { SMP_REASON, smpReason } from '../../common/base/codes/smp.js';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { expectedOutcome } from '../../common/stack/gatt/expected-outcome.js';
import { findCharacteristic } from '../../common/stack/gatt/resolved-profile.js';
import { toUuid128 } from '../../common/stack/gatt/uuid.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import { loadScenario } from '../../common/apps/scenario/load-scenario.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import { CentralClient } from '../../central/central-client.js';
import type { Notification } from '../../central/connection.js';
import { AttError } from '../../central/errors.js';
import type { DiscoveredCharacteristic } from '../../central/gatt/discovered.js';
import { CCCD_UUID } from '../../central/gatt/gatt-uuids.js';
import { PAIRING_CURES } from '../../central/pairing/pairing-policy.js';
import { until } from '../helpers/until.js';
import { bleHostGattPlan } from '../helpers/ble-host-profile.js';
import { Agreement } from './agreement.js';
import { judgeFailedPairingPhase, judgeMatrix, type MatrixJson } from './blebench-central-cells.js';
import { DEFAULT_PROFILE as profile, PASSKEY, STEP_MS, WRONG_PASSKEY, only, openBench } from './interop-bench.js';

/** Two tests at a time: each starts node programs, and the machine has 2 cores. */
vi.setConfig({ maxConcurrency: 2 });

const ledger = new Agreement('interop, blebench central × ble-host peripheral');
afterAll(() => console.log(ledger.line()));

/** The line blebench's Security Manager prints for a comparison --numeric-comparison answered (bin/pairing-options.ts). */
const COMPARED = /^numeric comparison with ([0-9A-F:]{17}): (\d{6}) \(accepted by --numeric-comparison accept\)$/gm;

/** What the ble-host peripheral is told to do when asked to pair (see its header). */
const PAIRING_ANSWERS = { pairing: { passkey: PASSKEY, numericComparison: 'accept' } };

interface CentralCase {
  name: string;
  flags: string[];
  /** Each paired phase's pairing, as the central's report from the tap gives it. */
  pairings: Array<{ phase: string; method: string; secureConnections: boolean; keySize?: number }>;
  /** Numeric Comparison: the number our central printed must be the one ble-host showed. */
  compared?: true;
}

const CENTRAL_CASES: CentralCase[] = [
  { name: "noble's own SMP (LE legacy Just Works), pairing on 0x05/0x0F", flags: [], pairings: [{ phase: 'paired', method: 'Just Works', secureConnections: false }] },
  {
    name: "blebench's Security Manager: Just Works, then Passkey Entry (the central shows 123456, ble-host types it)",
    flags: ['--methods', 'just-works,passkey', '--io-capability', 'DisplayOnly', '--passkey', String(PASSKEY)],
    pairings: [
      { phase: 'paired:just-works', method: 'Just Works', secureConnections: true },
      { phase: 'paired:passkey', method: 'Passkey Entry', secureConnections: true },
    ],
  },
  {
    name: "blebench's Security Manager: Just Works with a 10-octet key (Strong Key Read answers 0x0C, ble-host's key-size rule)",
    flags: ['--methods', 'just-works', '--max-key-size', '10'],
    pairings: [{ phase: 'paired:just-works', method: 'Just Works', secureConnections: true, keySize: 10 }],
  },
  {
    name: "blebench's Security Manager: Numeric Comparison (both accept, both show the same number)",
    flags: ['--methods', 'numeric-comparison'],
    pairings: [{ phase: 'paired:numeric-comparison', method: 'Numeric Comparison', secureConnections: true }],
    compared: true,
  },
];

describe.concurrent('blebench central against a ble-host peripheral serving the default profile over blebench air', () => {
  it.for(CENTRAL_CASES)('$name: the matrix agrees with the profile', async (c, { expect, onTestFinished }) => {
    const a = new Agreement();
    const bench = await openBench();
    onTestFinished(() => bench.close());
    const peripheral = bench.bleHost('peripheral', { ...PAIRING_ANSWERS, ...bleHostGattPlan(profile) });
    await peripheral.waitFor('ready', 10_000);
    const r = await bench.blebench(['central', '--transport', `h4:${bench.air}`, '--target', profile.advertising.localName, '--profile', 'default', '--json', ...c.flags], 30_000);
    const matrix = JSON.parse(r.stdout) as MatrixJson;
    judgeMatrix(a, profile, c.name, matrix);
    if (c.compared) {
      const ours = [...r.stderr.matchAll(COMPARED)].map((m) => ({ peer: m[1]!.toLowerCase(), value: m[2] }));
      const theirs = only(peripheral.lines(), 'passkey-exchange').map((l) => ({ peer: matrix.target.address.toLowerCase(), value: l.shown }));
      a.check(`${c.name}: the number both sides showed`, theirs, ours);
      a.check(`${c.name}: one comparison`, 1, ours.length);
    }
    for (const want of c.pairings) {
      const p = matrix.phases.find((x) => x.name === want.phase)?.pairings.at(-1);
      a.check(`${c.name} / ${want.phase}: pairing`, { result: 'encrypted', method: want.method, secureConnections: want.secureConnections, keySize: want.keySize ?? 16 }, p && { result: p.result, method: p.method, secureConnections: p.secureConnections, keySize: p.keySize });
    }
    a.check(`${c.name}: the central's own verdict`, { exit: 0, differences: [] }, { exit: r.code, differences: matrix.differences });
    ledger.absorb(a);
    expect(a.disagreements, r.stderr.slice(-2000)).toEqual([]);
  });
});

/**
 * Scenarios of the default suite that need nothing of the peripheral but the profile (no behaviours,
 * no peripheral-side timeline): Read Blob and Prepare Write, pairing on 0x05, the key-size check, and
 * a bonded reconnection with no Pairing Request.
 */
const PROFILE_ONLY_SCENARIOS = [
  'open-read',
  'encrypted-read-before-pairing',
  'encrypted-read-pairs-on-error',
  'encrypted-write',
  'strong-key-read',
  'authenticated-read-just-works-not-enough',
  'long-value',
  'sm-bonded-reconnect-no-pairing-request',
].map((n) => `fixtures/scenarios/${n}.yaml`);

interface RunJson {
  scenarios: Array<{ file: string; status: string; reason: string | null; steps: Array<{ label: string; verdicts: Array<{ ok: boolean; message: string }> }> }>;
}

describe('blebench run --role central: profile-only scenarios against a ble-host peripheral', () => {
  it('every step verdict holds; the bonded reconnection encrypts with the stored key, and ble-host misreports that key', async ({ expect, onTestFinished }) => {
    const a = new Agreement();
    const bench = await openBench();
    onTestFinished(() => bench.close());
    const plan = bleHostGattPlan(profile);
    // The scenarios' own initial values (long-value sets one longer than the ATT_MTU).
    for (const file of PROFILE_ONLY_SCENARIOS) {
      for (const v of loadScenario(file).peripheral.values) {
        plan.services.flatMap((x) => x.characteristics).find((x) => x.name === v.characteristic.name)!.value = v.value.toString('hex');
      }
    }
    const peripheral = bench.bleHost('peripheral', { ...PAIRING_ANSWERS, ...plan });
    await peripheral.waitFor('ready', 10_000);
    const r = await bench.blebench(['run', ...PROFILE_ONLY_SCENARIOS, '--role', 'central', '--transport', `h4:${bench.air}`, '--reporter', 'json', '--seed', '1'], 40_000);
    const run = JSON.parse(r.stdout) as RunJson;
    a.check('scenarios run', PROFILE_ONLY_SCENARIOS.length, run.scenarios.length);
    for (const sc of run.scenarios) {
      a.check(`${sc.file}: status`, 'passed', sc.status === 'passed' ? 'passed' : `${sc.status}: ${sc.reason}`);
      for (const step of sc.steps) for (const v of step.verdicts) a.check(`${sc.file}: ${step.label}: ${v.message}`, true, v.ok);
    }
    // ble-host bug (peripheral role): when a bonded central encrypts with the stored LTK, smp.js
    // reports `{ mitm: ltk.mitm, sc: ltk.mitm, keySize: ltk.length }`: sc copied from mitm (an LE
    // Secure Connections bond from Just Works reads as legacy) and no key size (the record has no
    // `length`), so its `encrypted-mitm-sc` permission would judge such a link wrongly.
    const lines = peripheral.lines();
    const reconnected = lines.findIndex((l) => l.event === 'connected' && l.hasLtk === true);
    const bondedWith = lines.slice(0, reconnected).filter((l) => l.event === 'paired').at(-1);
    a.check('the bond the reconnection uses: LE Secure Connections Just Works', { sc: true, mitm: false }, bondedWith && { sc: bondedWith.sc, mitm: bondedWith.mitm });
    a.bleHostFinding(
      "as a peripheral, encryption with a stored LTK is reported with sc = the key's mitm flag and no key size (smp.js: sc: ltk.mitm, keySize: ltk.length)",
      { event: 'encrypt', status: 0, level: { mitm: false, sc: false } },
      reconnected >= 0 ? lines.slice(reconnected).find((l) => l.event === 'encrypt') : undefined,
    );
    ledger.absorb(a);
    expect(a.disagreements, r.stderr.slice(-2000)).toEqual([]);
  });
});

interface RejectingCase {
  name: string;
  /** blebench central's flags (its Security Manager's, bin/pairing-options.ts). */
  flags: string[];
  /** What the ble-host peripheral answers when asked (see its header). */
  pairing: { passkey: number; numericComparison: 'accept' | 'reject' };
  /** The Pairing Failed reason ble-host must send (Core v5.4 Vol 3 Part H 3.5.5). */
  reason: number;
  phase: string;
  method: string;
  secureConnections: boolean;
}

const REJECTING_CASES: RejectingCase[] = [
  {
    // Vol 3 Part H 2.3.5.5: the responder checks Mconfirm once Mrand arrives; it is the one to fail it.
    name: 'LE legacy Passkey Entry, the central shows 123456, ble-host types 654321: ble-host (the responder, checking Mconfirm) sends 0x04',
    flags: ['--methods', 'passkey', '--io-capability', 'DisplayOnly', '--passkey', String(PASSKEY), '--sc', 'no'],
    pairing: { passkey: WRONG_PASSKEY, numericComparison: 'accept' },
    reason: SMP_REASON.CONFIRM_VALUE_FAILED,
    phase: 'paired:passkey',
    method: 'Passkey Entry',
    secureConnections: false,
  },
  {
    // Vol 3 Part H 2.3.5.6.3 step 7a: the responder checks Cai first in every round, so at the first
    // passkey bit that differs (bit 0 of 123456 and 654321) it fails the pairing.
    name: 'LE Secure Connections Passkey Entry, the central shows 123456, ble-host types 654321: ble-host (checking Cai in round 1) sends 0x04',
    flags: ['--methods', 'passkey', '--io-capability', 'DisplayOnly', '--passkey', String(PASSKEY)],
    pairing: { passkey: WRONG_PASSKEY, numericComparison: 'accept' },
    reason: SMP_REASON.CONFIRM_VALUE_FAILED,
    phase: 'paired:passkey',
    method: 'Passkey Entry',
    secureConnections: true,
  },
  {
    // Vol 3 Part H 2.3.5.6.2: each side shows g2(PKa, PKb, Na, Nb); a user who says no aborts with 0x0C.
    name: "LE Secure Connections Numeric Comparison, ble-host's user says the numbers differ: ble-host sends 0x0C; both sides showed the same number",
    flags: ['--methods', 'numeric-comparison'],
    pairing: { passkey: PASSKEY, numericComparison: 'reject' },
    reason: SMP_REASON.NUMERIC_COMPARISON_FAILED,
    phase: 'paired:numeric-comparison',
    method: 'Numeric Comparison',
    secureConnections: true,
  },
];

describe.concurrent('blebench central against a ble-host peripheral that refuses the pairing', () => {
  it.for(REJECTING_CASES)('$name: the central names the SMP reason, exits 1, and every cell is what the unpaired link gives', async (c, { expect, onTestFinished }) => {
    const a = new Agreement();
    const bench = await openBench();
    onTestFinished(() => bench.close());
    const peripheral = bench.bleHost('peripheral', { pairing: c.pairing, ...bleHostGattPlan(profile) });
    await peripheral.waitFor('ready', 10_000);
    const central = ['central', '--transport', `h4:${bench.air}`, '--target', profile.advertising.localName, '--profile', 'default', ...c.flags];
    const r = await bench.blebench([...central, '--json'], 30_000);
    const matrix = JSON.parse(r.stdout) as MatrixJson;
    const reason = { code: c.reason, label: `SMP ${hex(c.reason)} ${smpReason(c.reason).name}` };
    a.check(`${c.name}: exit code (a pairing that fails is a failed expectation)`, EXIT.EXPECTATION_FAILED, r.code);

    const phase = matrix.phases.find((p) => p.name === c.phase);
    a.check(`${c.name}: the phase ran`, c.phase, phase?.name);
    if (phase) {
      const pairedFor = judgeFailedPairingPhase(a, profile, c.name, phase, reason, PAIRING_CURES);
      const pairings = phase.pairings as Array<{ result: string; method?: string; secureConnections?: boolean; response?: { sentBy: string }; error?: { kind: string; code: number; who: string } }>;
      a.check(`${c.name}: one pairing on the link, however many cells met 0x05/0x0F`, [1, 1], [pairedFor, pairings.length]);
      for (const [i, p] of pairings.entries()) {
        a.check(`${c.name}: pairing ${i + 1}`, { result: 'failed', method: c.method, secureConnections: c.secureConnections, error: { kind: 'smp', code: c.reason, who: 'peripheral' } }, {
          result: p.result,
          method: p.method,
          secureConnections: p.secureConnections,
          error: p.error && { kind: p.error.kind, code: p.error.code, who: p.error.who },
        });
      }
      // Every refused request is named with the SMP reason in the central's differences from the profile.
      a.check(`${c.name}: differences name the SMP reason`, pairedFor, matrix.differences.filter((d) => d.endsWith(`got ${reason.label}`)).length);

      // ble-host's side: it failed each pairing itself, with the same reason.
      const failures = await peripheral.waitFor('pairing-failed', STEP_MS, () => only(peripheral.lines(), 'pairing-failed').length >= pairings.length).then(() => only(peripheral.lines(), 'pairing-failed'));
      a.check(`${c.name}: ble-host's own account of each failure`, pairings.map(() => ({ reason: c.reason, fromRemote: false })), failures.map((f) => ({ reason: f.reason, fromRemote: f.fromRemote })));
      // The same documentation bug as in its central role (ble-host-central.test.ts).
      a.bleHostFinding("a failed pairing is emitted as 'pairingFail', not the documented 'pairingFailed'", pairings.map(() => 'pairingFail'), failures.map((f) => f.bleHostEvent));
      // One attempt per link (Vol 3 Part H 2.3.6): ble-host received one Pairing Request and answered it.
      a.check(
        `${c.name}: ble-host got one Pairing Request on the link and answered it`,
        { pairingRequests: 1, answered: 1, repeatedAttempts: 0 },
        {
          pairingRequests: only(peripheral.lines(), 'pairing-request').length,
          answered: pairings.filter((p) => p.response?.sentBy === 'peripheral').length,
          repeatedAttempts: pairings.filter((p) => p.error?.code === SMP_REASON.REPEATED_ATTEMPTS).length,
        },
      );
      if (c.method === 'Numeric Comparison') {
        // Both sides showed the same six digits for each pairing: ours (the line --numeric-comparison
        // accept prints, on stderr under --json) and ble-host's (its passkeyExchange).
        const ours = [...r.stderr.matchAll(COMPARED)].map((m) => ({ peer: m[1]!.toLowerCase(), value: m[2] }));
        const theirs = only(peripheral.lines(), 'passkey-exchange').map((l) => ({ peer: matrix.target.address.toLowerCase(), value: l.shown }));
        a.check(`${c.name}: the numbers both sides showed`, theirs, ours);
        a.check(`${c.name}: one number per pairing`, pairings.length, ours.length);
      }
    }

    // The table says the same in words: the reason on the MITM-protected characteristic's row, exit 1.
    const t = await bench.blebench(central, 30_000);
    a.check(`${c.name}: table exit code`, EXIT.EXPECTATION_FAILED, t.code);
    const rowOf = (name: string) => t.stdout.split('\n').find((l) => l.startsWith(`${name} `))?.split(/ {2,}/).slice(2, 4);
    // the first cell that met 0x05 paired and shows the pairing's failure; Authenticated Read, later, shows its 0x05 as it came
    const trigger = phase?.cells.find((x) => x.firstError);
    const triggerName = trigger ? (findCharacteristic(profile, trigger.characteristic.uuid)?.name ?? '?') : '?';
    a.check(`${c.name}: the first cell that paired is Encrypted Read`, 'Encrypted Read', triggerName);
    a.check(`${c.name}: its row: 0x05 unpaired, the SMP reason after the failed pairing (DIFF: a pipe has no ✗)`, ['ATT 0x05 Insufficient Authentication', `DIFF ${reason.label}`], rowOf(triggerName));
    a.check(`${c.name}: Authenticated Read's row: 0x05 unpaired and 0x05 again, no second pairing`, ['ATT 0x05 Insufficient Authentication', 'ATT 0x05 Insufficient Authentication'], rowOf('Authenticated Read'));
    a.check(`${c.name}: the pairing report names who failed it and why`, true, t.stdout.includes(`result: failed: pairing failed: the peripheral sent Pairing Failed ${reason.label.slice('SMP '.length)}`));
    ledger.absorb(a);
    expect(a.disagreements, r.stderr.slice(-2000)).toEqual([]);
  });
});

/** What each characteristic sends when subscribed to (the ble-host peripheral's plan.send), in order. */
const SENT = {
  Temperature: { notify: ['6608', '6708', '6808'] },
  Indicate: { indicate: ['07', '08', '09'] },
  'Encrypted Notify': { notify: ['aa00', 'bb00'] },
} as const;

describe('notifications and indications from a ble-host peripheral to blebench central (CentralClient in this process, on h4:)', () => {
  it('arrive after the CCCD write, in order; each indication is confirmed before the next; the encrypted one only after pairing', async ({ expect, onTestFinished }) => {
    const a = new Agreement();
    const bench = await openBench();
    let client: CentralClient | undefined;
    let transport: HciTransport | undefined;
    onTestFinished(async () => {
      await client?.close();
      await transport?.close();
      await bench.close();
    });
    const uuidOf = (name: string) => toUuid128(profile.services[0]!.characteristics.find((x) => x.name === name)!.uuid).toUpperCase();
    const send = Object.fromEntries(Object.entries(SENT).map(([name, v]) => [uuidOf(name), v]));
    const peripheral = bench.bleHost('peripheral', { pairing: { passkey: PASSKEY, numericComparison: 'accept' }, send, ...bleHostGattPlan(profile) });
    await peripheral.waitFor('ready', 10_000);
    transport = await openTransport(`h4:${bench.air}`, { name: 'central' });
    // blebench's Security Manager, LE Secure Connections Just Works, for the encrypted characteristic.
    client = await CentralClient.open(transport, { policy: 'never', timeoutMs: STEP_MS, smp: { config: pairingConfig({ ioCapability: 'NoInputNoOutput', bonding: false }) } });
    const tap = client.tap;
    const conn = await client.connectTo({ kind: 'name', value: profile.advertising.localName });
    const chars = await conn.characteristics();
    const char = (name: keyof typeof SENT) => chars.find((c) => findCharacteristic(profile, c.uuid)?.name === name)!;
    const received: Notification[] = [];
    conn.on('notification', (n) => received.push(n));
    const valuesOf = (c: DiscoveredCharacteristic) => received.filter((n) => n.characteristic.valueHandle === c.valueHandle).map((n) => ({ hex: n.value.toString('hex'), indication: n.indication }));
    const arrived = (c: DiscoveredCharacteristic, n: number) => until(() => valuesOf(c).length >= n, `${n} value(s) from ${c.uuid}`, STEP_MS);
    /**
     * What our central's tap saw for one characteristic: its CCCD writes, its values, and each
     * Handle Value Confirmation sent while one of its indications was outstanding (it names no handle).
     */
    const onTheAir = (c: DiscoveredCharacteristic) => {
      const cccd = c.descriptors.find((d) => d.uuid === CCCD_UUID)!.handle;
      const seen: string[] = [];
      let indicationOutstanding = false;
      for (const e of tap.entries) {
        if (e.layer !== 'att' || e.handle !== conn.handle) continue;
        const f = e.fields as { opcode: number; attributeHandle?: number; value?: Buffer };
        if (e.dir === 'tx' && f.opcode === ATT_OP.WRITE_REQ && f.attributeHandle === cccd) seen.push(`CCCD ${f.value!.toString('hex')}`);
        else if (e.dir === 'rx' && f.opcode === ATT_OP.HANDLE_VALUE_NTF && f.attributeHandle === c.valueHandle) seen.push(`notification ${f.value!.toString('hex')}`);
        else if (e.dir === 'rx' && f.opcode === ATT_OP.HANDLE_VALUE_IND) {
          indicationOutstanding = f.attributeHandle === c.valueHandle;
          if (indicationOutstanding) seen.push(`indication ${f.value!.toString('hex')}`);
        } else if (e.dir === 'tx' && f.opcode === ATT_OP.HANDLE_VALUE_CFM && indicationOutstanding) {
          seen.push('confirmation');
          indicationOutstanding = false;
        }
      }
      return seen;
    };

    // Notifications (Vol 3 Part G 4.10): the CCCD write 0x0001, then the values in the order sent.
    const temperature = char('Temperature');
    await conn.subscribe(temperature, 'notify');
    await arrived(temperature, SENT.Temperature.notify.length);
    a.check('Temperature: the notifications our central received, in order', SENT.Temperature.notify.map((hex) => ({ hex, indication: false })), valuesOf(temperature));
    await conn.unsubscribe(temperature);
    const subscriptions = await peripheral.waitFor('subscription', STEP_MS, () => only(peripheral.lines(), 'subscription').length >= 2).then(() => only(peripheral.lines(), 'subscription'));
    a.check("Temperature: ble-host saw the CCCD written on, then off", [true, false].map((notification) => ({ uuid: uuidOf('Temperature'), notification, indication: false, isWrite: true })), subscriptions.map((l) => ({ uuid: l.uuid, notification: l.notification, indication: l.indication, isWrite: l.isWrite })));
    a.check('Temperature: on the air', ['CCCD 0100', ...SENT.Temperature.notify.map((v) => `notification ${v}`), 'CCCD 0000'], onTheAir(temperature));

    // Indications (Vol 3 Part G 4.11; Vol 3 Part F 3.4.7.2: one at a time, each confirmed before the next).
    const indicate = char('Indicate');
    await conn.subscribe(indicate, 'indicate');
    await arrived(indicate, SENT.Indicate.indicate.length);
    a.check('Indicate: the indications our central received, in order', SENT.Indicate.indicate.map((hex) => ({ hex, indication: true })), valuesOf(indicate));
    const last = SENT.Indicate.indicate.at(-1)!;
    await peripheral.waitFor('indication-confirmed', STEP_MS, (l) => l.hex === last);
    a.check('Indicate: ble-host heard each confirmation', SENT.Indicate.indicate.map((hex) => ({ uuid: uuidOf('Indicate'), hex })), only(peripheral.lines(), 'indication-confirmed').map((l) => ({ uuid: l.uuid, hex: l.hex })));
    a.check('Indicate: on the air, each indication confirmed before the next', ['CCCD 0200', ...SENT.Indicate.indicate.flatMap((v) => [`indication ${v}`, 'confirmation'])], onTheAir(indicate));

    // A CCCD that needs encryption: refused as the profile says before pairing, nothing sent; after pairing, the values.
    const secret = char('Encrypted Notify');
    const profileChar = profile.services[0]!.characteristics.find((x) => x.name === 'Encrypted Notify')!;
    const before = expectedOutcome(profile, profileChar, 'notify', { encrypted: false, authenticated: false, keyExists: false });
    const refused = await conn.subscribe(secret, 'notify').then(
      () => 'subscribed',
      (e: unknown) => (e instanceof AttError ? e.attCode : String(e)),
    );
    a.check('Encrypted Notify: the CCCD write before pairing', before.ok ? 'subscribed' : before.attError, refused);
    const paired = await conn.pair();
    a.check('the pairing (blebench Security Manager, LE Secure Connections Just Works)', { result: 'encrypted', method: 'Just Works', secureConnections: true }, { result: paired.result, method: paired.method, secureConnections: paired.secureConnections });
    await conn.subscribe(secret, 'notify');
    await arrived(secret, SENT['Encrypted Notify'].notify.length);
    a.check('Encrypted Notify: the notifications, only after pairing, in order', SENT['Encrypted Notify'].notify.map((hex) => ({ hex, indication: false })), valuesOf(secret));
    a.check('Encrypted Notify: on the air (the refused CCCD write, then the one after pairing)', ['CCCD 0100', 'CCCD 0100', ...SENT['Encrypted Notify'].notify.map((v) => `notification ${v}`)], onTheAir(secret));
    a.check('nothing else was notified or indicated', 0, received.filter((n) => ![temperature, indicate, secret].some((c) => c.valueHandle === n.characteristic.valueHandle)).length);
    ledger.absorb(a);
    expect(a.disagreements).toEqual([]);
  });
});
