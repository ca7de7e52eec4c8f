// One suite, every transport (libp2p's interface-compliance idea): whatever is below the seam, the
// socket handed to noble and bleno behaves the same.
import { describe, expect, it, afterEach } from 'vitest';
import { EVT, H4, OP } from '../../common/base/codes/hci.js';
import { hciCommand } from '../../common/stack/hci/hci-packets.js';
import type { HciSocketApi } from '../../common/stack/hci/socket-api.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { TransportError } from '../../common/stack/hci/transport-errors.js';
import { waitForEvent } from '../../common/base/util/wait.js';

export interface ComplianceSetup {
  open(): Promise<HciTransport>;
  /** Makes the controller go away from outside (the server stops, the device is unplugged). */
  killController?(t: HciTransport): Promise<void> | void;
  teardown?(): Promise<void>;
}

const commandComplete = (op: number) => (p: Buffer) => p[0] === H4.EVENT && p[1] === EVT.COMMAND_COMPLETE && p.readUInt16LE(4) === op;

async function command(s: HciSocketApi, op: number, params?: Buffer): Promise<Buffer> {
  const done = waitForEvent<[Buffer]>(s, 'data', { what: `Command Complete for 0x${op.toString(16)}`, timeoutMs: 3000, pred: commandComplete(op) });
  s.write(hciCommand(op, params));
  return (await done)[0];
}

export function transportComplianceSuite(name: string, setup: ComplianceSetup): void {
  describe(`transport compliance: ${name}`, () => {
    const open: HciTransport[] = [];
    const openOne = async () => {
      const t = await setup.open();
      open.push(t);
      return t;
    };
    afterEach(async () => {
      for (const t of open.splice(0)) await t.close();
      await setup.teardown?.();
    });

    it('a raw socket gets Command Complete for HCI Reset and Read BD_ADDR, and the tap sees both ways', async () => {
      const t = await openOne();
      const s = t.createSocket();
      s.bindRaw(0);
      s.start();
      expect(s.isDevUp()).toBe(true);
      const reset = await command(s, OP.RESET);
      expect(reset[6]).toBe(0x00);
      const addr = await command(s, OP.READ_BD_ADDR);
      expect(addr[6]).toBe(0x00);
      expect(addr.length).toBe(7 + 6);
      const names = t.tap.entries.map((e) => `${e.dir}:${e.layer}`);
      expect(names).toContain('tx:hci-cmd');
      expect(names).toContain('rx:hci-evt');
      s.stop();
    });

    it('a raw socket filter drops what it does not let through, as the kernel does', async () => {
      const t = await openOne();
      const s = t.createSocket();
      s.bindRaw(0);
      // let only Command Status through: Command Complete must not arrive
      const f = Buffer.alloc(16);
      f.writeUInt32LE(1 << H4.EVENT, 0);
      f.writeUInt32LE(1 << EVT.COMMAND_STATUS, 4);
      s.setFilter(f);
      s.start();
      const seen: Buffer[] = [];
      s.on('data', (p: Buffer) => seen.push(p));
      // a second, unfiltered socket tells us when the answer has come
      const u = t.createSocket();
      u.bindRaw(0);
      u.start();
      await command(u, OP.READ_BD_ADDR);
      expect(seen.filter(commandComplete(OP.READ_BD_ADDR))).toEqual([]);
      s.stop();
      u.stop();
    });

    it('two sockets on one transport share the controller (same address)', async () => {
      const t = await openOne();
      const a = t.createSocket();
      const b = t.createSocket();
      for (const s of [a, b]) {
        s.bindRaw(0);
        s.start();
      }
      const ra = await command(a, OP.READ_BD_ADDR);
      const rb = await command(b, OP.READ_BD_ADDR);
      expect(ra.subarray(7)).toEqual(rb.subarray(7));
    });

    it('binding a device the transport does not have fails with ENODEV', async () => {
      const t = await openOne();
      const s = t.createSocket();
      expect(() => s.bindRaw(7)).toThrow(expect.objectContaining({ code: 'ENODEV' }));
    });

    it('close() ends the transport: isDevUp false, writes are dropped, a close event without error', async () => {
      const t = await openOne();
      const s = t.createSocket();
      s.bindRaw(0);
      s.start();
      const closed = waitForEvent<[TransportError | undefined]>(t, 'close', { what: 'close', timeoutMs: 3000 });
      await t.close();
      expect((await closed)[0]).toBeUndefined();
      expect(t.isOpen).toBe(false);
      expect(s.isDevUp()).toBe(false);
      expect(() => s.write(hciCommand(OP.RESET))).not.toThrow();
    });

    if (setup.killController) {
      it('the controller going away closes the transport with TRANSPORT_CLOSED and sockets see ENETDOWN', async () => {
        const t = await openOne();
        const s = t.createSocket();
        s.bindRaw(0);
        s.start();
        const errors: Error[] = [];
        s.on('error', (e: Error) => errors.push(e));
        const closed = waitForEvent<[TransportError | undefined]>(t, 'close', { what: 'close', timeoutMs: 3000 });
        await setup.killController!(t);
        const [err] = await closed;
        expect(err).toBeInstanceOf(TransportError);
        expect(err!.code).toBe('TRANSPORT_CLOSED');
        expect(err!.exitCode).toBe(3);
        expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ENETDOWN']);
        expect(s.isDevUp()).toBe(false);
      });
    }
  });
}
