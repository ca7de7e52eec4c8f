// The runner's peripheral port over the bleno-backed PeripheralServer (peripheral/): its runtime
// actions as they are, its events flattened into one listener.
import type { PeripheralEvent, PeripheralPort } from '../../common/apps/scenario/run/index.js';
import type { PeripheralServer, RequestRecord } from '../../peripheral/index.js';

export function peripheralPort(server: PeripheralServer): PeripheralPort {
  // A link by its connection handle, as the server names centrals: by address.
  const centralOn = (handle: number | undefined) => (handle === undefined ? undefined : server.centrals.find((l) => l.handle === handle)?.peerAddress);
  return {
    tap: server.transport.tap,
    setValue: (name, value) => server.setValue(name, value),
    notify: (name, value) => server.notify(name, value),
    indicate: (name, value) => server.indicate(name, value),
    refusePairing: (reason, times) => server.refusePairing(reason, { times }),
    answerWith: (name, operation, code, which) => server.answerWith(name, operation, code, which),
    delayAnswers: (name, operation, ms) => server.delayAnswers(name, operation, ms),
    disconnect: async (reason, connection) => {
      const central = centralOn(connection);
      // A handle no longer connected: nothing to end.
      if (connection !== undefined && central === undefined) return;
      await server.disconnect(reason, undefined, central);
    },
    requestSecurity: (connection) => {
      if (!server.requestSecurity(centralOn(connection))) throw new Error('no Security Manager session on this link (a Security Request needs the peripheral\'s security-manager block)');
    },
    forgetBonds: (options) => server.forgetBonds(options),
    updateFirmware: async (profile, serviceChanged) => {
      await server.updateFirmware(profile, { serviceChanged });
    },
    listen(l: (e: PeripheralEvent) => void) {
      const on = {
        connect: (i: { central: string }) => l({ type: 'connect', central: i.central }),
        disconnect: (i: { central: string; reason: number | undefined }) => l({ type: 'disconnect', central: i.central, reason: i.reason }),
        subscribe: (i: { characteristic: string; notifications: boolean; indications: boolean }) => l({ type: 'subscribe', characteristic: i.characteristic, notifications: i.notifications, indications: i.indications }),
        unsubscribe: (i: { characteristic: string }) => l({ type: 'unsubscribe', characteristic: i.characteristic }),
        pairing: (i: { step: string; failed?: { reason: number } }) => l({ type: 'pairing', step: i.step, ...(i.failed ? { failedReason: i.failed.reason } : {}) }),
        encryption: (i: { encrypted: boolean; status: number | undefined }) => l({ type: 'encryption', encrypted: i.encrypted, status: i.status }),
        request: (r: RequestRecord) =>
          l({
            type: 'request',
            characteristic: r.characteristic,
            operation: r.operation,
            ok: r.outcome.ok,
            ...(r.outcome.ok ? (r.outcome.value ? { value: r.outcome.value } : {}) : { attError: r.outcome.attError }),
          }),
      };
      for (const [event, fn] of Object.entries(on)) server.on(event as 'connect', fn as never);
      return () => {
        for (const [event, fn] of Object.entries(on)) server.off(event as 'connect', fn as never);
      };
    },
  };
}
