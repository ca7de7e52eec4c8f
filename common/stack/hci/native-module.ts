// The one place that loads @abandonware/bluetooth-hci-socket, lazily: on a kernel without Bluetooth
// merely constructing its socket throws, so nothing touches it until a native transport is asked for.
import { createRequire } from 'node:module';
import type { HciSocketApi } from './socket-api.js';

export type NativeSocketClass = new () => HciSocketApi;

const require = createRequire(import.meta.url);

/** The kernel socket flavour (Linux AF_BLUETOOTH): raw, user channel and management. */
export function loadKernelSocketClass(): NativeSocketClass {
  return require('@abandonware/bluetooth-hci-socket/lib/native.js') as NativeSocketClass;
}

/** The USB flavour: drives a dongle directly through libusb (any OS). */
export function loadUsbSocketClass(): NativeSocketClass {
  return require('@abandonware/bluetooth-hci-socket/lib/usb.js') as NativeSocketClass;
}
