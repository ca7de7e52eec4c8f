// Rigs for the runner: everything one scenario needs, fresh each time (a new radio, transports, bleno
// and noble: no bond, CCCD state or cache carries over), closed in reverse order of opening.
//   both, mock      the two roles on a private virtual radio; fault knobs go to radio.faults
//   both, h4:…      the two roles as two controllers of one `blebench air` server (no faults)
//   central, SPEC   the central only, against a real peripheral that serves the scenario's profile
//   peripheral, SPEC the peripheral only, serving the profile to a real central
import path from 'node:path';
import { Radio } from '../../common/air/index.js';
import { openTransport, type HciTransport } from '../../common/hci/transport.js';
import { prepareControllerAddress } from '../../common/hci/vendor-address.js';
import type { TransportError } from '../../common/hci/transport-errors.js';
import type { TransportSpec } from '../../common/hci/transport-spec.js';
import type { Logger } from '../../common/log/logger.js';
import { classNameOf, type Side } from '../../common/scenario/index.js';
import { CannotRun, type Rig, type RigFactory, type RigRequest, type RunRole } from '../../common/scenario/run/index.js';
import type { ResolvedProfile } from '../../common/gatt/resolved-profile.js';
import { CentralClient } from '../../central/central-client.js';
import type { ScanFilter } from '../../central/scan.js';
import { servePeripheral } from '../../peripheral/index.js';
import { MemoryKeyStore } from '../../common/smp/key-store.js';
import { RepeatedAttempts } from '../../common/smp/repeated-attempts.js';
import type { SmpSetup } from '../../common/smp/link-session.js';
import type { Scenario } from '../../common/scenario/scenario.js';
import { NobleCentralPort } from './central-port.js';
import { peripheralPort } from './peripheral-port.js';

/** How long bleno may take to power on, set its services and advertise. */
const SETUP_TIMEOUT_MS = 5000;

export interface RigOptions {
  readonly role: RunRole;
  readonly spec: TransportSpec;
  /** The spec as given (for messages). */
  readonly specText: string;
  readonly logger?: Logger;
  /** --address: the public address of this role's controller (--role central|peripheral), set before each scenario. */
  readonly address?: string;
  /** A controller went away under a scenario (the run then ends with exit 3). */
  readonly onTransportLost?: (error: TransportError) => void;
}

/** How the central finds the scenario's peripheral: its advertised service, else its name. */
export function targetOf(profile: ResolvedProfile): ScanFilter {
  const service = profile.advertising.serviceUuids[0];
  return service ? { kind: 'service', value: service } : { kind: 'name', value: profile.advertising.localName };
}

/** Where one scenario's capture for one side goes: DIR/<scenario file as a dotted name>.<side>.btsnoop */
export function btsnoopFile(dir: string, scenarioFile: string, side: Side): string {
  return path.join(dir, `${classNameOf(scenarioFile) || 'scenario'}.${side}.btsnoop`);
}

export function rigFactory(o: RigOptions): RigFactory {
  // A controller without a public address is named once per run, not once per scenario.
  const warned = new Set<string>();
  const warnOnce = (line: string) => {
    if (warned.has(line)) return;
    warned.add(line);
    process.stderr.write(`${line}\n`);
  };
  return async (req: RigRequest): Promise<Rig> => {
    const s = req.scenario;
    const onRadio = o.spec.kind === 'mock';
    if (s.faults.length && !onRadio) throw new CannotRun(`its faults (${s.faults.map((f) => f.label ?? f.on).join(', ')}) need the in-process virtual radio: run it with --transport mock`);
    const closers: Array<() => unknown> = [];
    const close = async () => {
      const problems: string[] = [];
      for (const c of closers.splice(0).reverse()) {
        try {
          await c();
        } catch (e) {
          problems.push((e as Error).message);
        }
      }
      if (problems.length) throw new Error(problems.join('; '));
    };
    const btsnoop: Partial<Record<Side, string>> = {};
    let loseTransport: (e: TransportError) => void = () => undefined;
    const lost = new Promise<never>((_, reject) => (loseTransport = reject));
    lost.catch(() => undefined);
    const transport = async (side: Side, radio?: Radio): Promise<HciTransport> => {
      const t = await openTransport(o.spec, { name: side, ...(radio ? { radio } : {}) });
      t.once('close', (err) => {
        if (!err) return;
        o.onTransportLost?.(err);
        loseTransport(err);
      });
      closers.push(() => t.close());
      if (req.btsnoopDir) t.tap.attachBtsnoop((btsnoop[side] = btsnoopFile(req.btsnoopDir, s.file, side)));
      // Before noble/bleno read it (their HCI Reset keeps it, as Zephyr's does); the capture has it.
      if (!radio) await prepareControllerAddress(t, o.address, warnOnce);
      return t;
    };
    try {
      let radio: Radio | undefined;
      if (onRadio) {
        radio = new Radio({ name: `run ${s.name}` });
        closers.push(() => radio!.close());
        radio.faults.load(s.faults);
      }
      const wantPeripheral = o.role !== 'central';
      const wantCentral = o.role !== 'peripheral';
      const pt = wantPeripheral ? await transport('peripheral', radio) : undefined;
      const ct = wantCentral ? await transport('central', radio) : undefined;
      let peripheral: Rig['peripheral'];
      let central: Rig['central'];
      if (pt) {
        // Starting bleno is not one of the central's operations: a scenario's short central timeout does not apply.
        const server = await servePeripheral({
          transport: pt,
          profile: s.peripheral.profile,
          timeoutMs: Math.max(req.operationTimeoutMs, SETUP_TIMEOUT_MS),
          ...(o.logger ? { logger: o.logger } : {}),
          ...scenarioSmp(s).peripheral,
        });
        closers.push(() => server.close());
        peripheral = peripheralPort(server);
      }
      if (ct) {
        const client = await CentralClient.open(ct, { policy: s.central.pairing, onKeyMissing: s.central.onKeyMissing, ...(s.central.cures ? { cures: new Set(s.central.cures) } : {}), timeoutMs: req.operationTimeoutMs, ...scenarioSmp(s).central });
        closers.push(() => client.close());
        central = new NobleCentralPort(client, targetOf(s.peripheral.profile));
      }
      return { ...(central ? { central } : {}), ...(peripheral ? { peripheral } : {}), btsnoop, lost, close, acrossProcesses: !onRadio && !!central && !!peripheral };
    } catch (e) {
      await close().catch(() => undefined);
      throw e;
    }
  };
}

/**
 * What each role's Security Manager runs with in a scenario (its `security-manager:` blocks): the
 * config, a key store for the run, and the peripheral's repeated-attempts gate. Spread into the
 * servePeripheral and CentralClient.open options; empty for a role without the block.
 */
export function scenarioSmp(s: Scenario): { peripheral: { smp?: SmpSetup }; central: { smp?: SmpSetup } } {
  return {
    peripheral: s.peripheral.smp ? { smp: { config: s.peripheral.smp, keyStore: new MemoryKeyStore(), attempts: new RepeatedAttempts() } } : {},
    central: s.central.smp ? { smp: { config: s.central.smp, keyStore: new MemoryKeyStore() } } : {},
  };
}
