// Advertising through bleno (its public API): started once (its wait ends on bleno's advertisingStart or
// advertisingStartError, the refusal named from the tap), and enabled again after each connection
// while fewer than maxCentrals are connected (peripheral/bleno/connections.ts), where a controller may
// refuse: Core v5.4 Vol 4 Part E 7.8.9; Vol 6 Part B 4.4.2.
import { HCI_STATUS, OP } from '../../common/base/codes/hci.js';
import { commandRefusal, ControllerRefusedError, hciStatusLabel } from '../../common/stack/hci/command-refusal.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import { TimeoutError, waitForEvent } from '../../common/base/util/wait.js';
import type { LoadedBleno } from './load.js';
import { PeripheralError } from '../peripheral-error.js';

/** Starts advertising `name` and the service UUIDs; resolves once bleno says it advertises, or fails naming why. */
export async function startAdvertising(loaded: LoadedBleno, name: string, serviceUuids: readonly string[], timeoutMs: number): Promise<void> {
  const { bleno, transport } = loaded;
  const tap = transport.tap;
  // bleno reports a refused LE Set Advertising Enable as 'advertisingStartError', never calling back
  // startAdvertising: both end the wait, and the refusal is named from the tap (HCI status and name).
  const from = tap.entries.at(-1)?.seq ?? -1;
  const started = waitForEvent<[Error | null | undefined]>(bleno as unknown as NodeJS.EventEmitter, 'advertisingStart', { what: 'bleno to start advertising', timeoutMs, rejectOn: ['advertisingStartError'] });
  bleno.startAdvertising(name, [...serviceUuids]);
  const [err] = await started.catch((e: unknown) => {
    const refused = tap.entries.find((x) => x.seq > from && commandRefusal(x, OP.LE_SET_ADVERTISING_ENABLE) !== undefined);
    if (refused) throw new ControllerRefusedError(OP.LE_SET_ADVERTISING_ENABLE, commandRefusal(refused, OP.LE_SET_ADVERTISING_ENABLE)!, 'bleno could not start advertising');
    throw e instanceof TimeoutError ? e : new PeripheralError(`bleno could not start advertising: ${(e as Error).message}`, 'ADVERTISING_FAILED', { cause: e });
  });
  if (err) throw new PeripheralError(`bleno could not start advertising: ${err.message}`, 'ADVERTISING_FAILED', { cause: err });
}

/** An LE Set Advertising Enable the controller refused (after start: advertising again after a connection), in words. */
export function advertisingRefusal(e: TimelineEntry, centrals: number): { status: number; statusName: string; words: string } | undefined {
  const status = commandRefusal(e, OP.LE_SET_ADVERTISING_ENABLE);
  if (status === undefined) return undefined;
  const why = status === HCI_STATUS.MEMORY_CAPACITY_EXCEEDED ? 'the controller has no room for another connection' : 'the controller refused it';
  const statusName = hciStatusLabel(status);
  return { status, statusName, words: `could not advertise again with ${centrals} central${centrals === 1 ? '' : 's'} connected: ${statusName}: ${why}; no other central can connect until one disconnects` };
}
