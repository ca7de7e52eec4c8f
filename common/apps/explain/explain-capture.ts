// explain: read a capture as a stream, decode every HCI packet with the tap's decoder (one timeline per
// controller), tell each connection's security story and find the patterns its evidence shows.
import { recogniseCentral, type RecognisedCentral } from './recognise-central.js';
import { LL_CONTROL } from '../../base/codes/ll.js';
import { openCapture, type Capture } from '../../stack/capture/open-capture.js';
import type { CaptureDamage, CaptureInfo, LinkLayerRecord } from '../../stack/capture/capture-record.js';
import { LinkTracker, type LinkEvent } from '../../stack/trace/link-state.js';
import { PacketDecoder } from '../../stack/trace/packet-decoder.js';
import { TraceEntry, emptyScratch, type Decoded } from '../../stack/trace/timeline.js';
import { newConnectionFacts, type ConnectionFacts } from './facts.js';
import { HciStory, line } from './hci-story.js';
import { findPatterns, type Finding, type GlobalFacts } from './rules.js';
import { hex } from '../../base/codes/code-table.js';

export interface ExplainNote {
  frame: number;
  unixMs: number;
  source: string;
  text: string;
}

export interface ExplainResult {
  file: string;
  info: CaptureInfo;
  records: number;
  damage?: CaptureDamage;
  controllers: number[];
  /** The first notes (at most MAX_NOTES), and how many there were. */
  notes: ExplainNote[];
  noteCount: number;
  connections: ConnectionFacts[];
  findings: Finding[];
  /** Link-layer capture: what cannot be read. */
  encryptedLlPackets: number;
  /** The central's platform as its Pairing Request and address suggest (undefined: no Pairing Request from a central). */
  recognised?: RecognisedCentral;
}

const MAX_NOTES = 50;

interface Lane {
  decoder: PacketDecoder;
  tracker: LinkTracker;
  story: HciStory;
}

export async function explainFile(file: string): Promise<ExplainResult> {
  return explainCapture(await openCapture(file));
}

export async function explainCapture(cap: Capture): Promise<ExplainResult> {
  const connections: ConnectionFacts[] = [];
  const lanes = new Map<number, Lane>();
  const notes: ExplainNote[] = [];
  let noteCount = 0;
  const g: GlobalFacts = { cutAcl: 0, endMs: 0 };
  const scratch: Decoded<object>[] = [];
  const linkEvents: LinkEvent[] = [];
  const llConnections = new Map<number, ConnectionFacts>();
  let encryptedLl = 0;
  let seq = 0;
  let t0: number | undefined;

  const lane = (controller: number): Lane => {
    let l = lanes.get(controller);
    if (!l) {
      const tracker = new LinkTracker();
      l = { decoder: new PacketDecoder(), tracker, story: new HciStory(controller, tracker, connections) };
      lanes.set(controller, l);
    }
    return l;
  };

  for await (const batch of cap.batches()) for (const r of batch) {
    t0 ??= r.unixMs;
    g.endMs = r.unixMs;
    const at = { frame: r.frame, unixMs: r.unixMs };
    if (r.type === 'hci') {
      if (r.kind === 'acl' && r.packet.length < r.originalLength) {
        g.cutAcl++;
        g.firstCut ??= at;
      }
      const l = lane(r.controller);
      l.decoder.decode(r.dir, r.packet, scratch);
      for (const d of scratch) {
        const e = new TraceEntry(seq++, r.unixMs - t0, r.dir, d);
        l.tracker.apply(e, linkEvents);
        emptyScratch(linkEvents);
        l.story.observe(e, at);
      }
      emptyScratch(scratch);
    } else if (r.type === 'note') {
      noteCount++;
      if (notes.length < MAX_NOTES) notes.push({ ...at, source: r.source, text: r.text });
    } else if (r.type === 'll') {
      if (r.ll.pdu.kind === 'encrypted') encryptedLl++;
      linkLayer(r, connections, llConnections);
    }
  }
  const controllers = [...lanes.keys()].sort((a, b) => a - b);
  const findings = findPatterns(connections, g);
  const recognised = recogniseCentral(connections);
  return {
    file: cap.file,
    info: cap.info,
    records: cap.recordsRead,
    ...(cap.damage ? { damage: cap.damage } : {}),
    controllers,
    notes,
    noteCount,
    connections,
    findings,
    encryptedLlPackets: encryptedLl,
    ...(recognised ? { recognised } : {}),
  };
}

/** Air captures: CONNECT_IND opens a connection (by access address), LL control PDUs tell encryption and the end. */
function linkLayer(r: LinkLayerRecord, all: ConnectionFacts[], open: Map<number, ConnectionFacts>): void {
  const at = { frame: r.frame, unixMs: r.unixMs };
  const pdu = r.ll.pdu;
  if (pdu.kind === 'advertising' && pdu.connectionAccessAddress !== undefined) {
    const c = newConnectionFacts({
      number: all.length + 1,
      controller: 0,
      handle: pdu.connectionAccessAddress,
      connected: at,
      ...(pdu.initA ? { centralAddress: pdu.initA } : {}),
      ...(pdu.advA ? { peripheralAddress: pdu.advA } : {}),
    });
    all.push(c);
    open.set(pdu.connectionAccessAddress, c);
    line(c, at, `CONNECT_IND: ${pdu.initA} (central) connects to ${pdu.advA} (peripheral), access address ${hex(pdu.connectionAccessAddress, 8)}`);
    return;
  }
  const c = open.get(r.ll.accessAddress);
  if (!c) return;
  if (pdu.kind === 'control') {
    line(c, at, r.ll.summary);
    if (pdu.opcode === LL_CONTROL.ENC_REQ) c.encryptions.push({ start: at, via: 'LL_ENC_REQ', ediv: pdu.ediv ?? 0, rand: pdu.rand ?? '', afterPairing: c.pairings.length > 0 });
    if (pdu.opcode === LL_CONTROL.START_ENC_REQ) {
      c.encrypted = true;
      line(c, at, 'encryption starts: from here on the payload is ciphertext and cannot be read without the key');
    }
    if ((pdu.opcode === LL_CONTROL.REJECT_EXT_IND || pdu.opcode === LL_CONTROL.REJECT_IND) && pdu.errorCode !== undefined) {
      c.llRejects.push({ ...at, errorCode: pdu.errorCode, ...(pdu.rejectedOpcode !== undefined ? { rejected: pdu.rejectedOpcode } : {}) });
      const x = c.encryptions.at(-1);
      if (x && !x.result) x.result = { ...at, status: pdu.errorCode };
    }
    if (pdu.opcode === LL_CONTROL.TERMINATE_IND && pdu.errorCode !== undefined) {
      c.disconnect = { ...at, reason: pdu.errorCode, ...(r.ll.sender ? { by: r.ll.sender } : {}) };
      open.delete(r.ll.accessAddress);
    }
  } else if (pdu.kind === 'l2cap' && pdu.decoded) {
    line(c, at, `${r.ll.sender ? `the ${r.ll.sender} sent ` : ''}${pdu.decoded.name}`);
  }
}
