import { describe, expect, it } from 'vitest';
import { Tap } from '../../common/stack/trace/tap.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import type { AttErrorFields, AttHandleValueFields, AttValueFields } from '../../common/stack/trace/att-decode.js';
import type { SmpPairingFields, SmpPairingFailedFields } from '../../common/stack/trace/smp-decode.js';
import type { EncryptionChangeFields, LeConnectionCompleteFields, DisconnectionCompleteFields, CommandCompleteFields } from '../../common/stack/trace/hci-events.js';
import { narrate } from '../../common/stack/trace/narrate.js';
import { CENTRAL_ADDR, HANDLE, LONG_VALUE, LTK, PERIPHERAL_ADDR, STK, att, centralSession, pdu, smp } from './packets.js';

function run(steps: ReturnType<typeof centralSession>, tap = new Tap({ name: 'central' })): Tap {
  for (const [dir, p] of steps) tap.observe(dir, p);
  return tap;
}
const byName = (tap: Tap, name: string) => tap.entries.filter((e) => e.name === name);
const one = (tap: Tap, name: string): TimelineEntry => {
  const found = byName(tap, name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

describe('a central session on the timeline', () => {
  const tap = run(centralSession());

  it('has no malformed entries for a well-formed session', () => {
    expect(tap.entries.filter((e) => e.layer === 'malformed').map((e) => e.summary)).toEqual([]);
  });

  it('names HCI commands and their Command Complete by the command', () => {
    const names = tap.entries.filter((e) => e.layer === 'hci-cmd' || e.layer === 'hci-evt').map((e) => e.name);
    expect(names).toContain('HCI LE Set Scan Enable');
    expect(names).toContain('HCI Command Complete (LE Set Scan Enable)');
    expect(names).toContain('HCI Command Status (LE Create Connection)');
    const scanOn = byName(tap, 'HCI LE Set Scan Enable')[0]!;
    expect(scanOn.dir).toBe('tx');
    expect(scanOn.fields).toMatchObject({ scanEnable: true, filterDuplicates: true });
    expect(scanOn.summary).toBe('HCI LE Set Scan Enable: scan enable on, filter duplicates on');
    const bd = one(tap, 'HCI Command Complete (Read BD_ADDR)').fields as CommandCompleteFields;
    expect(bd).toMatchObject({ status: 0, statusName: 'Success', bdAddr: CENTRAL_ADDR, commandName: 'Read BD_ADDR' });
  });

  it('decodes the advertising report with its name', () => {
    const rep = one(tap, 'HCI LE Advertising Report');
    expect(rep.summary).toContain(`${PERIPHERAL_ADDR} (random) RSSI -60, flags 0x06, name "blebench"`);
  });

  it('decodes LE Connection Complete with role and peer', () => {
    const e = one(tap, 'HCI LE Connection Complete');
    const f = e.fields as unknown as LeConnectionCompleteFields;
    expect(e.handle).toBe(HANDLE);
    expect(f).toMatchObject({ status: 0, role: 0, roleName: 'central', peerAddressType: 1, peerAddressTypeName: 'random', peerAddress: PERIPHERAL_ADDR, connectionInterval: 24 });
  });

  it('shows ATT Error Response 0x05 for the first read, with request, handle and meaning', () => {
    const e = one(tap, 'ATT Error Response');
    const f = e.fields as unknown as AttErrorFields;
    expect(e.layer).toBe('att');
    expect(e.dir).toBe('rx');
    expect(e.handle).toBe(HANDLE);
    expect(f).toMatchObject({ requestOpcode: 0x0a, requestOpcodeName: 'Read Request', attributeHandle: 0x0003, errorCode: 0x05, errorName: 'Insufficient Authentication' });
    expect(e.summary).toBe('ATT Error Response: Read Request handle 0x0003 → 0x05 Insufficient Authentication');
    expect(e.raw).toEqual(att.errorRsp(0x0a, 0x0003, 0x05));
  });

  it('shows the SMP legacy pairing exchange with decoded features', () => {
    const smpNames = tap.entries.filter((e) => e.layer === 'smp').map((e) => `${e.dir} ${e.name}`);
    expect(smpNames).toEqual([
      'tx SMP Pairing Request',
      'rx SMP Pairing Response',
      'tx SMP Pairing Confirm',
      'rx SMP Pairing Confirm',
      'tx SMP Pairing Random',
      'rx SMP Pairing Random',
      'rx SMP Encryption Information',
      'rx SMP Central Identification',
    ]);
    const req = one(tap, 'SMP Pairing Request');
    const f = req.fields as unknown as SmpPairingFields;
    expect(f).toMatchObject({
      ioCapability: 3,
      ioCapabilityName: 'NoInputNoOutput',
      oob: false,
      authReqFlags: { bonding: true, mitm: false, secureConnections: false, keypress: false, ct2: false },
      maxEncryptionKeySize: 16,
      initiatorKeys: { encKey: false, idKey: false, signKey: false, linkKey: false },
      responderKeys: { encKey: true, idKey: false, signKey: false, linkKey: false },
    });
    expect(req.summary).toBe('SMP Pairing Request: NoInputNoOutput, OOB not present, Bonding, max key size 16, initiator keys none, responder keys EncKey');
    expect(one(tap, 'SMP Encryption Information').fields).toMatchObject({ longTermKey: LTK.toString('hex') });
  });

  it('shows Encryption Change status 0x00 with encryption on, and the LTK handed to the controller', () => {
    const e = one(tap, 'HCI Encryption Change');
    const f = e.fields as unknown as EncryptionChangeFields;
    expect(f).toMatchObject({ status: 0, statusName: 'Success', handle: HANDLE, encryptionEnabled: 1, enabled: true });
    expect(e.summary).toBe('HCI Encryption Change: handle 0x0040, status 0x00 Success, encryption on');
    expect(one(tap, 'HCI LE Enable Encryption').fields).toMatchObject({ handle: HANDLE, longTermKey: STK.toString('hex'), encryptedDiversifier: 0 });
  });

  it('reassembles the Read Response fragmented over three ACL packets into one ATT entry', () => {
    const rsp = one(tap, 'ATT Read Response');
    expect((rsp.fields as unknown as AttValueFields).value).toEqual(LONG_VALUE);
    expect(rsp.raw.length).toBe(1 + LONG_VALUE.length);
    // the re-sent read comes after encryption
    const reads = byName(tap, 'ATT Read Request');
    expect(reads).toHaveLength(2);
    expect(reads[1]!.seq).toBeGreaterThan(one(tap, 'HCI Encryption Change').seq);
  });

  it('shows the notification with its handle and value', () => {
    const n = one(tap, 'ATT Handle Value Notification');
    expect(n.fields as unknown as AttHandleValueFields).toMatchObject({ attributeHandle: 0x0010, value: Buffer.from('cafe', 'hex') });
    expect(n.summary).toBe('ATT Handle Value Notification: handle 0x0010, cafe');
  });

  it('shows the disconnection with its reason', () => {
    const e = one(tap, 'HCI Disconnection Complete');
    expect(e.fields as unknown as DisconnectionCompleteFields).toMatchObject({ status: 0, handle: HANDLE, reason: 0x16, reasonName: 'Connection Terminated By Local Host' });
    expect(e.summary).toBe('HCI Disconnection Complete: handle 0x0040, reason 0x16 Connection Terminated By Local Host');
    expect(one(tap, 'HCI Disconnect').summary).toBe('HCI Disconnect: handle 0x0040, reason 0x13 Remote User Terminated Connection');
  });

  it('keeps seq in order and ms non-decreasing', () => {
    const e = tap.entries;
    for (let i = 1; i < e.length; i++) {
      expect(e[i]!.seq).toBe(e[i - 1]!.seq + 1);
      expect(e[i]!.ms).toBeGreaterThanOrEqual(e[i - 1]!.ms);
    }
  });

  it('builds the link state a security policy asks for', () => {
    const l = tap.link(HANDLE)!;
    expect(l).toMatchObject({
      handle: HANDLE,
      role: 'central',
      peerAddress: PERIPHERAL_ADDR,
      peerAddressType: 1,
      localAddress: CENTRAL_ADDR,
      localAddressType: 'public',
      connected: false,
      encrypted: false, // the link is gone
      encryptionStatus: 0,
      encryptionChanges: 1,
      keySize: 16,
      keySizeSource: 'hci',
      ltk: { longTermKey: STK.toString('hex'), ediv: 0, via: 'LE Enable Encryption' },
      disconnectReason: 0x16,
      disconnectReasonName: 'Connection Terminated By Local Host',
      disconnectedBy: 'local',
    });
    expect(l.pairing).toMatchObject({ initiator: 'local', secureConnections: false, method: 'Just Works', keySize: 16, confirms: 2, randoms: 2 });
    expect(l.pairing!.failed).toBeUndefined();
    expect(l.pairing!.keys.map((k) => `${k.sentBy} ${k.kind}`)).toEqual(['remote LTK', 'remote EDIV/Rand']);
    expect(tap.links()).toHaveLength(1);
  });

  it('says encrypted while the link is up, after Encryption Change', () => {
    const t = new Tap();
    const steps = centralSession();
    const enc = steps.findIndex(([, p]) => p[0] === 0x04 && p[1] === 0x08);
    for (const [dir, p] of steps.slice(0, enc)) t.observe(dir, p);
    expect(t.link(HANDLE)!.encrypted).toBe(false);
    t.observe(...steps[enc]!);
    expect(t.link(HANDLE)!.encrypted).toBe(true);
  });

  it('records Pairing Failed with its reason and who sent it', () => {
    const t = new Tap();
    const steps = centralSession();
    const upTo = steps.findIndex(([, p]) => p[0] === 0x02 && p.readUInt16LE(7) === 6);
    for (const [dir, p] of steps.slice(0, upTo)) t.observe(dir, p);
    t.observe('tx', pdu(HANDLE, 6, smp.pairingReq(0x03, 0x00, 0x05, 16, 0x00, 0x01)));
    t.observe('rx', pdu(HANDLE, 6, smp.failed(0x03)));
    const e = t.entries.at(-1)!;
    expect(e.name).toBe('SMP Pairing Failed');
    expect(e.fields as unknown as SmpPairingFailedFields).toMatchObject({ reason: 3, reasonName: 'Authentication Requirements' });
    expect(e.summary).toBe('SMP Pairing Failed: 0x03 Authentication Requirements');
    expect(t.link(HANDLE)!.pairing!.failed).toMatchObject({ reason: 3, reasonName: 'Authentication Requirements', sentBy: 'remote' });
  });

  it('narrates the timeline one line per entry', () => {
    const text = narrate(tap.entries, { who: 'central' });
    expect(text.split('\n')).toHaveLength(tap.entries.length);
    expect(text).toMatch(/central {2}← #\d+ ATT Error Response: Read Request handle 0x0003 → 0x05 Insufficient Authentication/);
  });

  it('serialises entries to JSON with hex buffers and the summary', () => {
    const e = one(tap, 'ATT Handle Value Notification');
    const j = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    expect(j).toMatchObject({ name: 'ATT Handle Value Notification', layer: 'att', summary: e.summary, raw: e.raw.toString('hex'), fields: { value: 'cafe' } });
  });
});
