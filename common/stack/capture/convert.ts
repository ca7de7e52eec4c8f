// capture convert: every HCI packet and note of one capture into another format, in order, streamed.
import { CaptureWriter, formatFromExtension, type WriteFormat } from './capture-writer.js';
import { CaptureFormatError, openCapture, type Capture } from './open-capture.js';
import type { CaptureDamage, CaptureInfo } from './capture-record.js';
import { BTSNOOP_DATALINK, LINKTYPE } from '../../base/codes/capture.js';

export interface ConvertResult {
  from: CaptureInfo;
  to: WriteFormat;
  records: number;
  written: number;
  notesDropped: number;
  skipped: number;
  damage?: CaptureDamage;
}

export function isMonitor(info: CaptureInfo): boolean {
  return (info.format === 'btsnoop' && info.linkType === BTSNOOP_DATALINK.MONITOR) || (info.format !== 'btsnoop' && info.format !== 'pklg' && info.linkType === LINKTYPE.BLUETOOTH_LINUX_MONITOR);
}

export async function convertCapture(input: string, output: string, format?: WriteFormat): Promise<ConvertResult> {
  const cap: Capture = await openCapture(input);
  const to = format ?? formatFromExtension(output, isMonitor(cap.info));
  let writer: CaptureWriter;
  try {
    writer = new CaptureWriter(output, to);
  } catch (e) {
    cap.close();
    throw new CaptureFormatError(output, `cannot write ${output}: ${(e as Error).message}`);
  }
  let skipped = 0;
  try {
    for await (const r of cap.records()) {
      if (r.type === 'hci' || r.type === 'note') writer.write(r);
      else if (r.type === 'll') throw new CaptureFormatError(input, `${input} is a link-layer (air) capture: it has no HCI packets to write as ${to}`);
      else skipped++;
    }
  } finally {
    writer.close();
  }
  if (cap.recordsRead === 0 && cap.damage) throw new CaptureFormatError(input, `${input}: nothing could be read (record 1 at offset ${cap.damage.offset}: ${cap.damage.problem})`);
  return { from: cap.info, to, records: cap.recordsRead, written: writer.written, notesDropped: writer.notesDropped, skipped, ...(cap.damage ? { damage: cap.damage } : {}) };
}
