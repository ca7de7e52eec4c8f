// noble and bleno report their adapter with CoreBluetooth's state words. Waiting for 'poweredOn'
// must not sit out a timeout when the stack has already said it never will: 'unauthorized' (the
// socket answered EPERM) and 'unsupported' (the controller's HCI version is below 4.0, Core v5.4
// Vol 4 Part E 7.4.1: HCI_Version 0x06 is Bluetooth 4.0, the first with LE) end the wait at once,
// each as a named transport error; a timeout after 'poweredOff' says the adapter is down.
import type { EventEmitter } from 'node:events';
import { TimeoutError } from '../../base/util/wait.js';
import { TransportError } from './transport-errors.js';

export type StackState = 'unknown' | 'resetting' | 'unsupported' | 'unauthorized' | 'poweredOff' | 'poweredOn';

export interface PowerWait {
  /** 'noble' or 'bleno', for the message. */
  stack: string;
  /** The transport's label ('mock', 'hci:0', …). */
  transport: string;
  timeoutMs: number;
}

/** Resolves on 'poweredOn'; rejects with a TransportError on a state that cannot lead there, or a TimeoutError. */
export function waitForPoweredOn(emitter: Pick<EventEmitter, 'on' | 'removeListener'>, w: PowerWait): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let last: string | undefined;
    const finish = (err?: Error) => {
      clearTimeout(timer);
      emitter.removeListener('stateChange', onState);
      if (err) reject(err);
      else resolve();
    };
    const onState = (state: string) => {
      last = state;
      if (state === 'poweredOn') return finish();
      const refusal = refusalFor(state, w);
      if (refusal) finish(refusal);
    };
    const timer = setTimeout(() => {
      if (last === 'poweredOff') {
        finish(
          new TransportError('ADAPTER_DOWN', `${w.transport}: ${w.stack} reported the adapter poweredOff and it did not come up within ${w.timeoutMs} ms`, w.transport, {
            hint: 'bring it up: sudo hciconfig hciN up (or: sudo btmgmt --index N power on; bluetoothctl power on)',
          }),
        );
      } else finish(new TimeoutError(`${w.stack} to power on over ${w.transport}${last ? ` (last state: ${last})` : ''}`, w.timeoutMs));
    }, w.timeoutMs);
    emitter.on('stateChange', onState);
  });
}

function refusalFor(state: string, w: PowerWait): TransportError | undefined {
  if (state === 'unauthorized') {
    return new TransportError('PERMISSION_DENIED', `${w.transport}: ${w.stack} reported 'unauthorized': the HCI socket was refused (EPERM)`, w.transport, {
      hint: 'run as root, or once: sudo setcap cap_net_raw,cap_net_admin+eip "$(readlink -f "$(which node)")"',
    });
  }
  if (state === 'unsupported') {
    return new TransportError('LE_UNSUPPORTED', `${w.transport}: ${w.stack} reported 'unsupported': the controller's HCI version is below 4.0, so it has no Bluetooth LE`, w.transport, {
      hint: 'use a Bluetooth 4.0 or later controller (`blebench doctor` lists adapters), or --transport mock',
    });
  }
  return undefined;
}
