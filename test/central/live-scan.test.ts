// The console's live scan list runs through CentralClient.scanWhile: every advertisement reaches the
// list while the person looks, scanning stops when the list closes, and the scan guard applies (a
// controller that refuses LE Set Scan Enable ends it with ControllerRefusedError, not a silent list).
import { describe, expect, it } from 'vitest';
import { OP, HCI_STATUS } from '../../common/base/codes/hci.js';
import { loadProfile } from '../../common/stack/gatt/index.js';
import { ControllerRefusedError } from '../../common/stack/hci/command-refusal.js';
import type { Found } from '../../central/scan.js';
import { useWorld } from '../helpers/world.js';

const profile = loadProfile('default');
const scanEnables = (entries: readonly { dir: string; name: string; raw: Uint8Array }[]) => entries.filter((e) => e.dir === 'tx' && e.name === 'HCI LE Set Scan Enable');

describe('CentralClient.scanWhile (the live scan list)', () => {
  const world = useWorld();

  it('hands the advertiser to the list while the work runs, and stops scanning when it ends', async () => {
    const w = await world({ radio: { name: 'live-scan' }, peripheral: { profile }, central: { policy: 'never', timeoutMs: 3000 } });
    const heard: Found[] = [];
    let sawIt: () => void = () => undefined;
    const seen = new Promise<void>((resolve) => (sawIt = resolve));
    const value = await w.client.scanWhile(
      (f) => {
        heard.push(f);
        if (f.advertisement.address === w.server.address.toLowerCase()) sawIt();
      },
      async () => {
        await seen;
        return 'picked';
      },
    );
    expect(value).toBe('picked');
    expect(heard.some((f) => f.advertisement.address === w.server.address.toLowerCase() && f.advertisement.connectable)).toBe(true);
    // The last LE Set Scan Enable the central sent turns scanning off.
    const enables = scanEnables(w.ct.tap.entries);
    expect(enables.length).toBeGreaterThanOrEqual(2);
    expect(enables.at(-1)!.raw[4]).toBe(0x00);
  });

  it('a refused LE Set Scan Enable ends the list with ControllerRefusedError while the work still waits', async () => {
    const w = await world({ radio: { name: 'live-scan-refused' }, central: { policy: 'never', timeoutMs: 3000 } });
    w.radio.faults.add({ on: 'command', opcode: OP.LE_SET_SCAN_ENABLE, status: HCI_STATUS.COMMAND_DISALLOWED, repeat: true });
    const never = new Promise<never>(() => undefined);
    const e = await w.client.scanWhile(() => undefined, () => never).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ControllerRefusedError);
    expect(e).toMatchObject({ opcode: OP.LE_SET_SCAN_ENABLE, status: HCI_STATUS.COMMAND_DISALLOWED });
  });
});
