// Raw packets towards a host, as a broken controller would send them: an event with the wrong
// length, an event the host masked, an ACL packet for a handle it never heard of. Nothing is
// checked; the packet joins the controller's queue, so it keeps its place among the real ones.
// For the fuzz harness (common/apps/fuzz) and tests of a host's robustness.
import type { VirtualController } from './controller.js';

export function injectTowardsHost(controller: VirtualController, packet: Buffer): void {
  controller.injectRaw(packet);
}
