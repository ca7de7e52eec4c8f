// Rigs for the runner: everything one scenario needs, fresh each time (a new radio, transports, bleno
// and noble: no bond, CCCD state or cache carries over), closed in reverse order of opening.
//   both, mock      the two roles on a private virtual radio; fault knobs go to radio.faults
//   both, h4:…      the two roles as two controllers of one `blebench air` server (no faults)
//   central, SPEC   the central only, against a real peripheral that serves the scenario's profile
//   peripheral, SPEC the peripheral only, serving the profile to a real central
import path from 'node:path';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { prepareControllerAddress } from '../../common/stack/hci/vendor-address.js';
import type { TransportError } from '../../common/stack/hci/transport-errors.js';
import { openWorld, type WorldParts } from '../../world/open-world.js';
import type { TransportSpec } from '../../common/stack/hci/transport-spec.js';
import type { Logger } from '../../common/base/log/logger.js';
import { classNameOf, movesRadioClock, type ScenarioRole } from '../../common/apps/scenario/index.js';
import { CannotRun, type Rig, type RigFactory, type RigRequest, type RunRole } from '../../common/apps/scenario/run/index.js';
import type { ResolvedProfile } from '../../common/stack/gatt/resolved-profile.js';
import type { ScanFilter } from '../../central/scan.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { RepeatedAttempts } from '../../common/stack/smp/repeated-attempts.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import type { Scenario, ScenarioCentral } from '../../common/apps/scenario/scenario.js';
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
export function btsnoopFile(dir: string, scenarioFile: string, side: ScenarioRole | `central-${string}`): string {
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
    // The hosts' RPA timers run on the radio's clock only when they share its process.
    if (!onRadio && movesRadioClock(s)) throw new CannotRun("its advance-clock steps move the in-process virtual radio's clock, on which both hosts' RPA timers run: run it with --transport mock");
    // Several centrals: each its own controller, which only the virtual radio or `blebench air` hands out.
    const several = s.centrals.length > 1;
    if (several && (o.role !== 'both' || !(onRadio || o.spec.kind === 'h4-unix' || o.spec.kind === 'h4-tcp'))) {
      throw new CannotRun(`its ${s.centrals.length} centrals each need a controller of their own: run it with both roles on --transport mock or on one \`blebench air\` (h4:)`);
    }
    const btsnoop: Record<string, string> = {};
    const capture: Partial<Record<ScenarioRole, string>> = {};
    const wantPeripheral = o.role !== 'central';
    const wantCentral = o.role !== 'peripheral';
    if (req.btsnoopDir) {
      if (wantPeripheral) capture.peripheral = btsnoop.peripheral = btsnoopFile(req.btsnoopDir, s.file, 'peripheral');
      if (wantCentral) capture.central = btsnoop.central = btsnoopFile(req.btsnoopDir, s.file, 'central');
      for (const c of s.centrals.slice(1)) btsnoop[`central-${c.name}`] = btsnoopFile(req.btsnoopDir, s.file, `central-${c.name}`);
    }
    const smp = scenarioSmp(s);
    // The radio's clock runs with real time plus what advance-clock steps added (RPA timeouts run on it).
    let skewMs = 0;
    const world: WorldParts = await openWorld({
      transport: o.spec,
      radio: { name: `run ${s.name}`, clock: () => performance.now() + skewMs },
      faults: s.faults,
      capture,
      // Before noble/bleno read it (their HCI Reset keeps it, as Zephyr's does); the capture has it.
      ...(onRadio ? {} : { prepare: (_side: ScenarioRole, t: HciTransport) => prepareControllerAddress(t, o.address, warnOnce) }),
      ...(o.onTransportLost ? { onTransportLost: o.onTransportLost } : {}),
      // Starting bleno is not one of the central's operations: a scenario's short central timeout does not apply.
      ...(wantPeripheral
        ? {
            peripheral: {
              profile: s.peripheral.profile,
              timeoutMs: Math.max(req.operationTimeoutMs, SETUP_TIMEOUT_MS),
              ...(o.logger ? { logger: o.logger } : {}),
              ...smp.peripheral,
            },
          }
        : {}),
      ...(wantCentral ? { central: centralOptions(s.central, req.operationTimeoutMs) } : {}),
      ...(several ? { moreCentrals: s.centrals.slice(1).map((c) => ({ name: c.name, ...centralOptions(c, req.operationTimeoutMs), ...(btsnoop[`central-${c.name}`] ? { capture: btsnoop[`central-${c.name}`] } : {}) })) } : {}),
    });
    const peripheral = world.server ? peripheralPort(world.server) : undefined;
    const central = world.client ? new NobleCentralPort(world.client, targetOf(s.peripheral.profile)) : undefined;
    const centrals = several && central ? [{ name: s.central.name, port: central }, ...(world.moreClients ?? []).map((m) => ({ name: m.name, port: new NobleCentralPort(m.client, targetOf(s.peripheral.profile)) }))] : undefined;
    return {
      ...(central ? { central } : {}),
      ...(centrals ? { centrals } : {}),
      ...(peripheral ? { peripheral } : {}),
      btsnoop,
      lost: world.lost,
      close: () => world.close(),
      acrossProcesses: !onRadio && !!central && !!peripheral,
      ...(onRadio ? { advanceClock: (seconds: number) => void (skewMs += seconds * 1000) } : {}),
    };
  };
}

/**
 * What each role's Security Manager runs with in a scenario (its `security-manager:` blocks): the
 * config, a key store for the run, and the peripheral's repeated-attempts gate. Spread into the
 * servePeripheral and CentralClient.open options; empty for a role without the block.
 */
export function scenarioSmp(s: Scenario): { peripheral: { smp?: SmpSetup }; central: { smp?: SmpSetup } } {
  return {
    peripheral: s.peripheral.smp ? { smp: { config: s.peripheral.smp, keyStore: new MemoryKeyStore(), attempts: new RepeatedAttempts(), ...s.peripheral.privacy } } : {},
    central: centralSmp(s.central),
  };
}

/** One central's Security Manager (its own key store: each central keeps its own bonds). */
function centralSmp(c: ScenarioCentral): { smp?: SmpSetup } {
  return c.smp ? { smp: { config: c.smp, keyStore: new MemoryKeyStore(), ...c.privacy } } : {};
}

/** One central's CentralClient options: its policies, persona cures, Security Manager, the runner's time limit. */
export function centralOptions(c: ScenarioCentral, timeoutMs: number) {
  return { policy: c.pairing, onKeyMissing: c.onKeyMissing, ...(c.cures ? { cures: new Set(c.cures) } : {}), timeoutMs, ...(c.gattCache ? { gattCache: c.gattCache } : {}), ...centralSmp(c) };
}
