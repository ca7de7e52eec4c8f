import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OP } from '../../common/base/codes/hci.js';
import { readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { Tap, TapWaitError } from '../../common/stack/trace/tap.js';
import type { LinkState } from '../../common/stack/trace/link-state.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import { CENTRAL_ADDR, HANDLE, LTK, acl, l2, PERIPHERAL_ADDR, att, centralSession, cmd, connectionComplete, disconnectionComplete, fragments, pdu, peripheralSession } from './packets.js';
import { LONG_RUN_HISTORY } from '../../common/stack/trace/tap.js';

const dir = mkdtempSync(join(tmpdir(), 'blebench-tap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Tap.waitFor', () => {
  it('resolves with the first future entry that matches', async () => {
    const tap = new Tap();
    const p = tap.waitFor((e) => e.name === 'ATT Error Response', { timeoutMs: 1000 });
    for (const [d, pk] of centralSession()) tap.observe(d, pk);
    const e = await p;
    expect(e.fields).toMatchObject({ errorCode: 0x05 });
  });

  it('finds a past entry only with includePast', async () => {
    const tap = new Tap();
    for (const [d, pk] of centralSession()) tap.observe(d, pk);
    const past = await tap.waitFor((e) => e.name === 'SMP Pairing Request', { timeoutMs: 50, includePast: true });
    expect(past.dir).toBe('tx');
    await expect(tap.waitFor((e) => e.name === 'SMP Pairing Request', { timeoutMs: 30 })).rejects.toBeInstanceOf(TapWaitError);
  });

  it('rejects with a TimeoutError naming what it waited for and the last entries', async () => {
    const tap = new Tap({ name: 'central' });
    tap.observe('tx', pdu(HANDLE, 4, att.readReq(3)));
    const err = (await tap.waitFor(() => false, { timeoutMs: 20, what: 'the read response' }).catch((e: unknown) => e)) as TapWaitError;
    expect(err).toBeInstanceOf(TapWaitError);
    expect(err.reason).toBe('timeout');
    expect(err.code).toBe('TAP_WAIT_TIMEOUT');
    expect(err.message).toMatch(/tap central: waiting for the read response: timed out after 20 ms; last entries:\n {2}#0 tx ATT Read Request: handle 0x0003/);
  });

  it('rejects on abort, also when already aborted', async () => {
    const tap = new Tap();
    const ac = new AbortController();
    const p = tap.waitFor(() => false, { timeoutMs: 10_000, signal: ac.signal });
    ac.abort(new Error('user pressed ^C'));
    const err = (await p.catch((e: unknown) => e)) as TapWaitError;
    expect(err).toBeInstanceOf(TapWaitError);
    expect(err.reason).toBe('aborted');
    expect((err.cause as Error).message).toBe('user pressed ^C');
    await expect(tap.waitFor(() => false, { timeoutMs: 10_000, signal: AbortSignal.abort() })).rejects.toMatchObject({ reason: 'aborted' });
  });

  it('rejects pending waits when the tap closes', async () => {
    const tap = new Tap();
    const p = tap.waitFor(() => false, { timeoutMs: 10_000 });
    await tap.close();
    await expect(p).rejects.toMatchObject({ reason: 'closed' });
  });

  it('a predicate that throws rejects that wait only, and observe still does not throw', async () => {
    const tap = new Tap();
    const bad = tap.waitFor(() => {
      throw new Error('oops');
    }, { timeoutMs: 1000 });
    const good = tap.waitFor((e) => e.name === 'ATT Read Request', { timeoutMs: 1000 });
    expect(() => tap.observe('tx', pdu(HANDLE, 4, att.readReq(3)))).not.toThrow();
    await expect(bad).rejects.toThrow('oops');
    await expect(good).resolves.toMatchObject({ name: 'ATT Read Request' });
  });
});

describe('Tap.aclPackets (what is still in flight between two hosts)', () => {
  it('counts ACL per direction on connected links; a link that goes down takes its count with it; a packet on a handle that is down is not counted', () => {
    const tap = new Tap();
    tap.observe('tx', pdu(HANDLE, 4, att.readReq(3))); // before any link: goes nowhere
    expect(tap.aclPackets).toEqual({ tx: 0, rx: 0 });
    tap.observe('rx', connectionComplete({ handle: HANDLE, role: 0, peerType: 0, peer: PERIPHERAL_ADDR }));
    tap.observe('tx', pdu(HANDLE, 4, att.readReq(3)));
    tap.observe('tx', pdu(HANDLE, 4, att.readReq(4)));
    tap.observe('rx', pdu(HANDLE, 4, att.ntf(3, Buffer.alloc(1))));
    expect(tap.aclPackets).toEqual({ tx: 2, rx: 1 });
    const seen: Array<{ tx: number; rx: number }> = [];
    tap.on('disconnect', () => seen.push(tap.aclPackets));
    tap.observe('rx', disconnectionComplete(0, HANDLE, 0x13));
    expect(seen).toEqual([{ tx: 0, rx: 0 }]); // already cleared when 'disconnect' is heard
    tap.observe('tx', pdu(HANDLE, 4, att.readReq(5))); // sent after the link went down: flushed (Vol 4 Part E 7.7.5)
    expect(tap.aclPackets).toEqual({ tx: 0, rx: 0 });
    // the same handle on a new link counts afresh
    tap.observe('rx', connectionComplete({ handle: HANDLE, role: 0, peerType: 0, peer: PERIPHERAL_ADDR }));
    tap.observe('rx', acl(HANDLE, 0b10, l2(4, att.ntf(3, Buffer.alloc(1))))); // Packet_Boundary_Flag bits set: not part of the handle
    expect(tap.aclPackets).toEqual({ tx: 0, rx: 1 });
    // a controller that reports a new link on a handle still up (no Disconnection Complete): the old one's count goes
    tap.observe('rx', connectionComplete({ handle: HANDLE, role: 0, peerType: 0, peer: CENTRAL_ADDR }));
    expect(tap.aclPackets).toEqual({ tx: 0, rx: 0 });
  });
});

describe('Tap events and options', () => {
  it("emits 'entry', 'link', 'encryption', 'disconnect' and 'pairing' with the live link state", () => {
    const tap = new Tap();
    const seen: string[] = [];
    tap.on('entry', (e: TimelineEntry) => {
      if (e.layer === 'smp') seen.push(`entry ${e.name}`);
    });
    tap.on('link', (l: LinkState) => seen.push(`link ${l.handle} ${l.role} ${l.peerAddress}`));
    tap.on('encryption', (l: LinkState, e: TimelineEntry) => seen.push(`encryption ${l.encrypted} ${e.name}`));
    tap.on('disconnect', (l: LinkState) => seen.push(`disconnect ${l.disconnectReasonName}`));
    tap.on('pairing', (l: LinkState, e: TimelineEntry) => seen.push(`pairing ${e.name} method=${l.pairing?.method ?? '-'}`));
    for (const [d, p] of centralSession()) tap.observe(d, p);
    expect(seen.filter((s) => !s.startsWith('entry SMP Pairing C') && !s.startsWith('entry SMP Pairing Ra'))).toEqual([
      `link 64 central ${PERIPHERAL_ADDR}`,
      'entry SMP Pairing Request',
      'pairing SMP Pairing Request method=-',
      'entry SMP Pairing Response',
      'pairing SMP Pairing Response method=Just Works',
      'encryption true HCI Encryption Change',
      'entry SMP Encryption Information',
      'entry SMP Central Identification',
      'disconnect Connection Terminated By Local Host',
    ]);
  });

  it('a listener that throws does not break observe', () => {
    const tap = new Tap();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    tap.on('entry', () => {
      throw new Error('listener bug');
    });
    expect(() => tap.observe('tx', cmd(OP.RESET))).not.toThrow();
    expect(tap.entries).toHaveLength(1);
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        process.off('warning', onWarning);
        expect(warnings.some((w) => w.includes('listener bug'))).toBe(true);
        resolve();
      }),
    );
  });

  it('keepEntries keeps a ring of the last N; 0 keeps none but still emits', () => {
    const ring = new Tap({ keepEntries: 5 });
    const none = new Tap({ keepEntries: 0 });
    let emitted = 0;
    none.on('entry', () => emitted++);
    for (let i = 0; i < 500; i++) {
      ring.observe('rx', pdu(HANDLE, 4, att.ntf(i, Buffer.alloc(1))));
      none.observe('rx', pdu(HANDLE, 4, att.ntf(i, Buffer.alloc(1))));
    }
    expect(ring.entries.map((e) => e.seq)).toEqual([495, 496, 497, 498, 499]);
    expect(none.entries).toHaveLength(0);
    expect(emitted).toBe(500);
  });

  it('a long run keeps flat history: a ring of entries and the last disconnected links, over 5,000 connections', () => {
    const long = new Tap({ name: 'peripheral', ...LONG_RUN_HISTORY });
    const all = new Tap({ name: 'scenario' });
    const connections = 5000;
    let disconnects = 0;
    long.on('disconnect', () => disconnects++);
    for (let i = 0; i < connections; i++) {
      const handle = 1 + (i % 0x0eff);
      const peer = `C0:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();
      for (const t of [long, all]) {
        t.observe('rx', connectionComplete({ handle, role: 1, peerType: 0, peer }));
        t.observe('rx', pdu(handle, 4, att.ntf(3, Buffer.alloc(1))));
        t.observe('rx', disconnectionComplete(0, handle, 0x13));
      }
    }
    // the ring: the last entries, in order, and the seq counter still counts every one
    expect(long.entries).toHaveLength(LONG_RUN_HISTORY.keepEntries);
    expect(long.entries.at(-1)!.seq).toBe(3 * connections - 1);
    expect(long.nextSeq).toBe(3 * connections);
    expect(long.keepsAll).toBe(false);
    // links: the last keepLinks disconnected ones, the newest last; the events still came for every one
    const links = long.links();
    expect(links).toHaveLength(LONG_RUN_HISTORY.keepLinks);
    expect(links.at(-1)!.peerAddress).toBe(all.links().at(-1)!.peerAddress);
    expect(links.every((l) => !l.connected)).toBe(true);
    expect(disconnects).toBe(connections);
    // a connected link is never dropped, however many others come and go
    long.observe('rx', connectionComplete({ handle: 0x0eff, role: 1, peerType: 0, peer: 'D0:00:00:00:00:01' }));
    for (let i = 0; i < 100; i++) {
      long.observe('rx', connectionComplete({ handle: 0x0100, role: 1, peerType: 0, peer: 'D0:00:00:00:00:02' }));
      long.observe('rx', disconnectionComplete(0, 0x0100, 0x13));
    }
    expect(long.link(0x0eff)?.connected).toBe(true);
    expect(long.links().filter((l) => l.connected).map((l) => l.peerAddress)).toEqual(['D0:00:00:00:00:01']);
    // a scenario's tap keeps all
    expect(all.entries).toHaveLength(3 * connections);
    expect(all.links()).toHaveLength(connections);
  });

  it('aclEntries puts each ACL fragment on the timeline before the PDU it completes', () => {
    const tap = new Tap({ aclEntries: true });
    for (const p of fragments(HANDLE, 4, att.readRsp(Buffer.alloc(50, 1)))) tap.observe('rx', p);
    expect(tap.entries.map((e) => e.name)).toEqual(['HCI ACL Data', 'HCI ACL Data', 'HCI ACL Data', 'ATT Read Response']);
    expect(tap.entries[1]!.fields).toMatchObject({ handle: HANDLE, packetBoundary: 1, packetBoundaryName: 'continuing' });
    expect(tap.entries[0]!.summary).toBe('HCI ACL Data: handle 0x0040, first non-flushable, 27 octets');
  });

  it('decode: false records one raw entry per packet and no link state', () => {
    const tap = new Tap({ decode: false });
    for (const [d, p] of centralSession()) tap.observe(d, p);
    expect(tap.entries).toHaveLength(centralSession().length);
    expect(new Set(tap.entries.map((e) => e.name))).toEqual(new Set(['HCI Command', 'HCI Event', 'HCI ACL Data']));
    expect(tap.links()).toEqual([]);
  });
});

describe('link state for the peripheral', () => {
  it('tracks the negative reply (0x06), the reconnection on the same handle and the LTK reply', () => {
    const tap = new Tap({ name: 'peripheral' });
    const steps = peripheralSession();
    for (const [d, p] of steps.slice(0, 13)) tap.observe(d, p);
    const first = tap.link(1)!;
    expect(first).toMatchObject({ role: 'peripheral', peerAddress: CENTRAL_ADDR, localAddress: PERIPHERAL_ADDR, localAddressType: 'random', encrypted: false, encryptionStatus: 0x06, encryptionStatusName: 'PIN or Key Missing', ltkNegativeReply: true });
    expect(first.ltkRequest).toMatchObject({ ediv: 0xbeef, rand: '1122334455667788' });
    for (const [d, p] of steps.slice(13)) tap.observe(d, p);
    expect(first).toMatchObject({ connected: false, disconnectReason: 0x13, disconnectedBy: 'remote' });
    const second = tap.link(1)!;
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ connected: true, encrypted: true, encryptionStatus: 0, ltkNegativeReply: false, ltk: { longTermKey: LTK.toString('hex'), ediv: 0xbeef, rand: '1122334455667788', via: 'LE Long Term Key Request Reply' } });
    expect(tap.links()).toEqual([first, second]);
  });

  it('knows the key size from the SMP exchange when HCI did not say', () => {
    const tap = new Tap();
    tap.observe('rx', connectionComplete({ handle: 2, role: 1, peerType: 0, peer: CENTRAL_ADDR }));
    tap.observe('rx', pdu(2, 6, Buffer.from([0x01, 0x03, 0x00, 0x01, 16, 0x00, 0x01])));
    tap.observe('tx', pdu(2, 6, Buffer.from([0x02, 0x03, 0x00, 0x01, 10, 0x00, 0x01])));
    expect(tap.link(2)).toMatchObject({ keySize: 10, keySizeSource: 'smp', pairing: { initiator: 'remote', keySize: 10 } });
  });
});

describe('btsnoop through the tap', () => {
  it('writes every later packet, in order, with direction flags and a µs clock near now', async () => {
    const path = join(dir, 'nested', 'deeper', 'central.btsnoop');
    const tap = new Tap();
    tap.observe('tx', cmd(OP.RESET)); // before attach: not written
    const before = Date.now();
    const w = tap.attachBtsnoop(path);
    const steps = centralSession();
    for (const [d, p] of steps) tap.observe(d, p);
    await tap.close();
    const after = Date.now();
    expect(w.packets).toBe(steps.length);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    const cap = await readBtsnoop(path);
    expect(cap.records).toHaveLength(steps.length);
    cap.records.forEach((r, i) => {
      expect(r.packet).toEqual(steps[i]![1]);
      expect(r.dir).toBe(steps[i]![0]);
      expect(r.unixMs).toBeGreaterThanOrEqual(before - 1);
      expect(r.unixMs).toBeLessThanOrEqual(after + 1);
    });
  });
});

describe('performance', () => {
  it('10,000 notifications of 244 bytes through two taps with btsnoop stay fast', async () => {
    const value = Buffer.alloc(244, 0xab);
    const packets = Array.from({ length: 10_000 }, (_, i) => pdu(HANDLE, 4, att.ntf(0x10 + (i & 7), value)));
    const central = new Tap({ name: 'central' });
    const peripheral = new Tap({ name: 'peripheral' });
    const pathA = join(dir, 'perf-central.btsnoop');
    central.attachBtsnoop(pathA);
    peripheral.attachBtsnoop(join(dir, 'perf-peripheral.btsnoop'));
    const t0 = performance.now();
    for (const p of packets) {
      peripheral.observe('tx', p);
      central.observe('rx', p);
    }
    const elapsed = performance.now() - t0;
    await Promise.all([central.close(), peripheral.close()]);
    expect(central.entries).toHaveLength(10_000);
    expect(central.entries[9999]!.name).toBe('ATT Handle Value Notification');
    expect((await readBtsnoop(pathA)).records).toHaveLength(10_000);
    // Generous bound for slow CI machines; locally this is a few tens of ms.
    expect(elapsed).toBeLessThan(1500);
  });
});
