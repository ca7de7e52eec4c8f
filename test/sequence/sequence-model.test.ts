// The sequence model drawn from real timelines: both taps of scenarios run on the virtual radio, and a capture.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../common/stack/capture/open-capture.js';
import { captureTimeline } from '../../common/stack/capture/capture-timeline.js';
import type { SuiteResult } from '../../common/apps/scenario/index.js';
import { buildSequence, type SequenceModel } from '../../common/apps/sequence/index.js';
import { arrowKind } from '../../common/apps/sequence/shown.js';
import { loadScenario } from '../../common/apps/scenario/index.js';
import { root, runOnMock } from '../scenario/run-helpers.js';

const scenario = (name: string) => loadScenario(path.join(root, 'fixtures/scenarios', name), { cwd: root });

describe('the sequence model of a scenario (both taps)', () => {
  let suite: SuiteResult;
  const models = new Map<string, SequenceModel>();
  beforeAll(async () => {
    suite = await runOnMock([scenario('encrypted-read-pairs-on-error.yaml'), scenario('sm-authenticated-read-after-passkey.yaml'), scenario('sm-failed-04-confirm-value-failed.yaml')], 1);
    for (const r of suite.results) models.set(path.basename(r.file), buildSequence(r.timelines));
  });

  it('draws every shown entry of both taps exactly once, and a PDU both taps saw as one arrow', () => {
    for (const r of suite.results) {
      const m = models.get(path.basename(r.file))!;
      const drawn = m.arrows.flatMap((a) => a.entries.map((e) => `${e.side}:${e.seq}`));
      const shown = (['central', 'peripheral'] as const).flatMap((side) => (r.timelines[side] ?? []).filter((e) => arrowKind(e)).map((e) => `${side}:${e.seq}`));
      expect(drawn.length).toBe(new Set(drawn).size);
      expect(new Set(drawn)).toEqual(new Set(shown));
      // Every ATT and SMP PDU went over the air of a healthy link: seen by both taps, one arrow.
      const host = m.arrows.filter((a) => a.kind.startsWith('att') || a.kind.startsWith('smp'));
      expect(host.length).toBeGreaterThan(0);
      expect(host.filter((a) => a.entries.length !== 2).map((a) => a.label)).toEqual([]);
    }
  });

  it('puts ATT between the hosts, HCI events between a controller and its host, and each send before its answer', () => {
    const m = models.get('encrypted-read-pairs-on-error.yaml')!;
    const read = m.arrows.find((a) => a.label.startsWith('ATT Read Request'))!;
    expect([read.from, read.to, read.kind]).toEqual(['central-host', 'peripheral-host', 'att-request']);
    const err = m.arrows.find((a) => a.kind === 'att-error' && a.label.includes('0x05'))!;
    expect([err.from, err.to]).toEqual(['peripheral-host', 'central-host']);
    expect(err.index).toBeGreaterThan(read.index);
    const changes = m.arrows.filter((a) => a.label.startsWith('HCI Encryption Change'));
    expect(changes.map((a) => `${a.from}>${a.to}`).sort()).toEqual(['central-controller>central-host', 'peripheral-controller>peripheral-host']);
    const ltk = m.arrows.find((a) => a.label.startsWith('HCI LE Long Term Key Request:'))!;
    expect([ltk.from, ltk.to, ltk.kind]).toEqual(['peripheral-controller', 'peripheral-host', 'hci-event']);
    const req = m.arrows.find((a) => a.label.startsWith('SMP Pairing Request'))!;
    expect(req.label).toContain('max key size 16');
    expect(req.index).toBeLessThan(m.arrows.find((a) => a.label.startsWith('SMP Pairing Response'))!.index);
  });

  it('shades the link: unencrypted before pairing, encrypted with key size 16 after Just Works, authenticated after Passkey Entry', () => {
    const jw = models.get('encrypted-read-pairs-on-error.yaml')!;
    expect(jw.spans[0]!.state.level).not.toBe('encrypted');
    const enc = jw.spans.find((s) => s.state.level === 'encrypted')!;
    expect(enc.state.keySize).toBe(16);
    expect(jw.arrows[enc.from]!.label).toMatch(/Encryption Change|Long Term Key/);
    expect(jw.spans.some((s) => s.state.level === 'authenticated')).toBe(false);
    const pk = models.get('sm-authenticated-read-after-passkey.yaml')!;
    const auth = pk.spans.find((s) => s.state.level === 'authenticated')!;
    expect(auth).toBeDefined();
    expect(pk.arrows.slice(auth.from, auth.to).some((a) => a.label.startsWith('ATT Read Response'))).toBe(true);
    // Spans cover the chart once, in order, and neighbours differ.
    for (const m of models.values()) {
      expect(m.spans[0]!.from).toBe(0);
      expect(m.spans.at(-1)!.to).toBe(m.arrows.length);
      for (let i = 1; i < m.spans.length; i++) {
        expect(m.spans[i]!.from).toBe(m.spans[i - 1]!.to);
        expect(m.spans[i]!.state).not.toEqual(m.spans[i - 1]!.state);
      }
    }
  });

  it('marks a Pairing Failed as a failure arrow and never encrypts after it', () => {
    const m = models.get('sm-failed-04-confirm-value-failed.yaml')!;
    const failed = m.arrows.filter((a) => a.kind === 'smp-failed');
    expect(failed.length).toBe(1);
    expect(failed[0]!.label).toContain('Confirm Value Failed');
    expect(m.spans.some((s) => s.state.level === 'encrypted' || s.state.level === 'authenticated')).toBe(false);
  });
});

describe('the sequence model of a capture (one tap)', () => {
  it('draws the other host from what this one sent and received, and the link lost with its reason', async () => {
    const tl = await captureTimeline(await openCapture(path.join(root, 'fixtures/captures/key-mismatch.btsnoop')));
    const m = buildSequence({ [tl.role!]: tl.entries });
    expect(m.sides).toEqual([tl.role]);
    expect(m.arrows.every((a) => a.entries.length === 1)).toBe(true);
    expect(m.arrows.length).toBe(tl.entries.filter((e) => arrowKind(e)).length);
    
    expect(m.arrows.filter((a) => a.label.startsWith('HCI Disconnection Complete')).some((a) => /0x3D/.test(a.label))).toBe(true);
    expect(m.spans.at(-1)!.state.level).toBe('no link');
  });
});
