// A capture made by hand for the one case no scenario can make quickly: a pairing followed by a silence of
// a chosen length (the SMP timeout's edges, test/explain/pairing-timeout-edges.test.ts). Every fixture in
// fixtures/captures is made by a scenario (fixtures/captures/make.sh). Built from the Core v5.4 layouts
// with test/trace/packets.ts and written by blebench's own writer.
import { CaptureWriter } from '../../common/stack/capture/index.js';
import type { Direction } from '../../common/stack/trace/timeline.js';
import { connectionComplete, disconnectionComplete, pdu, smp } from '../trace/packets.js';

type Rec = [ms: number, dir: Direction, packet: Buffer];
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const H = 0x0040;
const SMP_CID = 0x0006;

/**
 * Central side: Pairing Request and Response, then `silentMs` of nothing before the peer disconnects (0x13),
 * for the edges of the pairing-timeout rule.
 */
export function writeStalledPairing(silentMs: number, path: string): void {
  const recs: Rec[] = [
    [0, 'rx', connectionComplete({ handle: H, role: 0, peerType: 0, peer: 'C0:11:22:33:44:55' })],
    [20, 'tx', pdu(H, SMP_CID, smp.pairingReq(0x04, 0, 0x0d, 16, 0x03, 0x03))],
    [21, 'rx', pdu(H, SMP_CID, smp.pairingRsp(0x03, 0, 0x09, 16, 0x03, 0x03))],
    [21 + silentMs, 'rx', disconnectionComplete(0, H, 0x13)],
  ];
  const w = new CaptureWriter(path, 'btsnoop-1002');
  for (const [ms, dir, packet] of recs) w.write({ type: 'hci', dir, packet, unixMs: T0 + ms, controller: 0 });
  w.close();
}
