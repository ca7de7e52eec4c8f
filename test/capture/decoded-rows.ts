// One row per frame, as blebench reads a capture and as tshark reads it: direction, HCI packet kind, event
// code, ATT opcode, SMP code. Shared by the capture and explain tests.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { openCapture } from '../../common/stack/capture/index.js';
import { PacketDecoder } from '../../common/stack/trace/packet-decoder.js';
import type { Decoded } from '../../common/stack/trace/timeline.js';
import { tsharkBatch } from '../helpers/tshark-batch.js';

export interface Row {
  frame: number;
  dir: string;
  kind: string;
  event: string;
  att: string;
  smp: string;
}

const h2 = (v: number | undefined) => (v === undefined ? '' : `0x${v.toString(16).padStart(2, '0')}`);

export async function blebenchRows(file: string): Promise<{ rows: Row[]; damage: unknown }> {
  const cap = await openCapture(file);
  const decoders = new Map<number, PacketDecoder>();
  const rows: Row[] = [];
  const scratch: Decoded<object>[] = [];
  for await (const r of cap.records()) {
    if (r.type !== 'hci') {
      rows.push({ frame: r.frame, dir: '', kind: r.type, event: '', att: '', smp: '' });
      continue;
    }
    let d = decoders.get(r.controller);
    if (!d) decoders.set(r.controller, (d = new PacketDecoder()));
    d.decode(r.dir, r.packet, scratch);
    const att = scratch.find((x) => x.layer === 'att')?.fields as { opcode?: number } | undefined;
    const smp = scratch.find((x) => x.layer === 'smp')?.fields as { code?: number } | undefined;
    scratch.length = 0;
    rows.push({ frame: r.frame, dir: r.dir, kind: r.kind, event: r.kind === 'event' ? h2(r.packet[1]) : '', att: h2(att?.opcode), smp: h2(smp?.code) });
  }
  return { rows, damage: cap.damage };
}

/** frame.number comes first from tsharkBatch; these follow it. */
const FIELDS = ['hci_h4.direction', 'hci_h4.type', 'frame.p2p_dir', 'hci_mon.opcode', 'packetlogger.type', 'bthci_cmd.opcode', 'bthci_evt.code', 'btatt.opcode', 'btsmp.opcode'];
const H4_KIND: Record<string, string> = { '0x01': 'command', '0x02': 'acl', '0x03': 'sco', '0x04': 'event', '0x05': 'iso' };
const MON: Record<string, [string, string]> = { '2': ['tx', 'command'], '3': ['rx', 'event'], '4': ['tx', 'acl'], '5': ['rx', 'acl'] };
const PKLG: Record<string, [string, string]> = { '0x00': ['tx', 'command'], '0x01': ['rx', 'event'], '0x02': ['tx', 'acl'], '0x03': ['rx', 'acl'] };

/**
 * tshark's fields for each capture, with one tshark start for all of them (test/helpers/tshark-batch.ts: the
 * fields are each packet's own, so every format is read merged). Read once per `vitest run` for each distinct
 * content (the capture and explain tests read the same fixtures), kept in the run's share folder
 * (test/helpers/run-share.ts).
 */
function tsharkFields(files: string[]): Map<string, string[][]> {
  const share = inject('runShareDir');
  const kept = new Map(files.map((f) => [f, share ? path.join(share, `tshark-${createHash('sha256').update(readFileSync(f)).digest('hex')}.txt`) : '']));
  const out = new Map<string, string[][]>();
  for (const [f, k] of kept) if (k && existsSync(k)) out.set(f, readFileSync(k, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')));
  const missing = files.filter((f) => !out.has(f));
  for (const [f, { rows }] of tsharkBatch(missing, { fields: FIELDS, perPacket: true })) {
    out.set(f, rows);
    const k = kept.get(f)!;
    if (!k) continue;
    writeFileSync(`${k}.${process.pid}`, rows.map((r) => r.join('\t')).join('\n'));
    renameSync(`${k}.${process.pid}`, k);
  }
  return out;
}

/** tshark's rows for each file, read with one tshark start for all (see tsharkFields). */
export function tsharkRowsOf(files: string[]): Map<string, Row[]> {
  return new Map([...tsharkFields(files)].map(([f, rows]) => [f, rows.map(toRow)]));
}

export function tsharkRows(file: string): Row[] {
  return tsharkRowsOf([file]).get(file)!;
}

function toRow(cells: string[]): Row {
  const [frame, h4dir, h4type, p2p, mon, pklg, cmd, evt, att, smp] = cells;
  let dir = '';
  let kind = '';
  if (h4type) {
    dir = h4dir === '0x00' ? 'tx' : 'rx';
    kind = H4_KIND[h4type] ?? h4type;
  } else if (mon) {
    [dir, kind] = MON[mon] ?? ['', 'note'];
  } else if (pklg) {
    [dir, kind] = PKLG[pklg] ?? ['', 'note'];
  } else {
    dir = p2p === '0' ? 'tx' : 'rx';
    kind = cmd ? 'command' : evt ? 'event' : 'acl';
  }
  const first = (s: string | undefined) => (s ?? '').split(',')[0]!;
  return { frame: Number(frame), dir, kind, event: first(evt), att: first(att), smp: first(smp) };
}
