// Many capture files read by ONE tshark start (each start costs ~0.2 s of CPU loading the dissectors): the files
// are concatenated, tshark reads the whole, and its output is split back into each file's frames by each file's
// frame count (capinfos, one start for all files, the same wiretap library; the counts must add up to the merged
// file's, so a lost frame cannot pass unseen). Frame numbers come back as each file's own.
//
// - Formats pcapng can carry (btsnoop 1002 and 2001, pcapng, pcap): `mergecap -a -I none` keeps each file's
//   interfaces apart, and the Bluetooth dissectors keep their state (connections, GATT handles, reassembly) per
//   interface, so each file decodes as alone: the fields and summary lines of every fixture, and -V of a sample,
//   checked the same but for the frame numbers in the text ("Continuation to #N") and the Time column, which
//   counts from the merged file's first frame.
// - btsnoop 1001 and PacketLogger cannot be written as pcapng (Wireshark has no link type for them). With
//   `perPacket` (the fields asked are each packet's own: direction, type, opcodes) they are concatenated in
//   their own format (btsnoop 1001 by `mergecap -F btsnoop`; PacketLogger, which has no file header, byte by
//   byte, one byte order at a time) and share one interface: fields checked the same for every fixture, but
//   the summary lines can differ (a GATT handle named from another file's discovery). Otherwise, alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TsharkQuery {
  /** -T fields with these (frame.number is added first); without, tshark's summary line. */
  fields?: string[];
  /** -V: each frame's details, [frame number, the frame's lines from its `Frame N:` line]. */
  verbose?: boolean;
  /** The fields are each packet's own, so files of a shared interface may be read together (see above). */
  perPacket?: boolean;
}

/** A file and the display filter (-Y) it is read with; one file may be asked several filters. */
export interface FileQuery {
  file: string;
  filter?: string;
}

/** One file's part: its frame count and tshark's lines for its frames, each with the file's own frame number. */
export interface FileRows {
  frames: number;
  /**
   * -T fields: the values, [0] the frame number. Summary: [frame number, the line] (its Time column counts from
   * the merged file's first frame). -V: [frame number, the frame's details]. Frame numbers are the file's own.
   */
  rows: string[][];
}

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(`${cmd} is not installed: apt-get install -y tshark (Debian/Ubuntu package "tshark", with capinfos and mergecap). This check must not be skipped.`);
  }
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
};

/** capinfos for all files at once: each file's encapsulation and frame count, in argument order. */
function counts(files: string[]): { encap: string; frames: number }[] {
  const lines = run('capinfos', ['-T', '-M', '-r', '-E', '-c', ...files]).split('\n').filter(Boolean);
  if (lines.length !== files.length) throw new Error(`capinfos answered for ${lines.length} of ${files.length} files: ${files.join(', ')}`);
  return lines.map((l, i) => {
    const [name, encap, n] = l.split('\t');
    if (name !== files[i]) throw new Error(`capinfos: ${name} where ${files[i]} was expected`);
    return { encap: encap!, frames: Number(n) };
  });
}

/** The group a file is read in: one merged file per group; null reads it alone. */
function groupOf(file: string, encap: string, perPacket: boolean): string | null {
  if (encap === 'bluetooth-hci') return perPacket ? 'btsnoop' : null;
  if (encap === 'packetlogger') {
    if (!perPacket) return null;
    // PacketLogger's record length, big- or little-endian (Wireshark wiretap/packetlogger.c guesses the same way).
    const head = readFileSync(file).subarray(0, 4);
    return head.length === 4 && head.readUInt32BE(0) < 0x10000 ? 'pklg-be' : 'pklg';
  }
  return 'pcapng';
}

function merge(group: string, files: string[], to: string): void {
  if (group === 'pklg' || group === 'pklg-be') writeFileSync(to, Buffer.concat(files.map((f) => readFileSync(f))));
  else run('mergecap', ['-a', ...(group === 'pcapng' ? ['-I', 'none', '-F', 'pcapng'] : ['-F', 'btsnoop']), '-w', to, ...files]);
}

function tshark(file: string, q: TsharkQuery, filter: string | undefined): string[][] {
  const out = q.fields
    ? ['-T', 'fields', '-e', 'frame.number', ...q.fields.flatMap((f) => ['-e', f])]
    : q.verbose
      ? ['-V']
      : [];
  const text = run('tshark', ['-r', file, ...(filter ? ['-Y', filter] : []), ...out]);
  if (q.verbose) {
    // each frame's tree starts with its `Frame N: …` line at the margin (epan/dissectors/packet-frame.c)
    const frames: string[][] = [];
    for (const l of text.split('\n')) {
      const m = /^Frame (\d+): /.exec(l);
      if (m) frames.push([m[1]!, l]);
      else if (frames.length) frames[frames.length - 1]![1] += `\n${l}`;
      else if (l.trim()) throw new Error(`tshark -r ${file} -V: a line before the first frame: ${l}`);
    }
    return frames;
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      if (q.fields) return l.split('\t');
      // tshark's summary line, its default columns: No., Time, Source, Destination, Protocol, Length, Info
      const m = /^\s*(\d+)\s/.exec(l);
      if (!m) throw new Error(`tshark -r ${file}: a summary line that does not start with the frame number: ${l}`);
      return [m[1]!, l.trim()];
    });
}

/** tshark's reading of a merged file; when tshark fails on it, each file alone, so the error names the capture. */
function readNaming(target: string, q: TsharkQuery, filter: string | undefined, files: FileQuery[]): string[][] {
  try {
    return tshark(target, q, filter);
  } catch (e) {
    for (const x of files) tshark(x.file, q, x.filter);
    throw new Error(`${(e as Error).message}\n(tshark read each of ${files.map((x) => x.file).join(', ')} alone without this error)`);
  }
}

/**
 * tshark's reading of every file, as `tshark -r FILE [-Y FILTER] [-T fields -e frame.number -e …]` gives it
 * for that file alone, with one tshark start per group of files.
 */
export function tsharkBatch(files: string[], q: TsharkQuery & { filter?: string } = {}): Map<string, FileRows> {
  const unique = [...new Set(files)];
  const read = tsharkQueries(unique.map((file) => ({ file, filter: q.filter })), q);
  return new Map(unique.map((f, i) => [f, read[i]!]));
}

/**
 * Each query's answer, in order, as `tshark -r FILE -Y FILTER …` gives it for that file alone, with one tshark
 * start per group: a file is in the merged file once per query, and each query's filter is asked of its own
 * copy's frames (`frame.number >= A && frame.number <= B && (FILTER)`).
 */
export function tsharkQueries(items: FileQuery[], q: TsharkQuery = {}): FileRows[] {
  const result: FileRows[] = [];
  if (items.length === 0) return result;
  const info = counts(items.map((x) => x.file));
  const groups = new Map<string, number[]>();
  items.forEach((x, i) => {
    const g = groupOf(x.file, info[i]!.encap, q.perPacket ?? false) ?? `alone:${i}`;
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-tshark-batch-'));
  try {
    for (const [group, members] of groups) {
      const names = members.map((i) => items[i]!.file);
      const alone = members.length === 1;
      const target = alone ? names[0]! : path.join(dir, `merged.${group}`);
      if (!alone) merge(group, names, target);
      // where each query's copy of its file is in the merged file
      let offset = 0;
      const ranges = members.map((i) => {
        const r = { i, filter: items[i]!.filter, from: offset + 1, to: offset + info[i]!.frames };
        offset = r.to;
        return r;
      });
      if (!alone) {
        const [merged] = counts([target]);
        if (merged!.frames !== offset) throw new Error(`tshark-batch: ${target} has ${merged!.frames} frames, its files ${offset} (${names.join(', ')})`);
      }
      const same = ranges.every((r) => r.filter === ranges[0]!.filter);
      const filter = same ? ranges[0]!.filter : ranges.map((r) => `(frame.number >= ${r.from} && frame.number <= ${r.to} && (${r.filter ?? 'frame'}))`).join(' || ');
      const rows = readNaming(target, q, filter, alone ? [] : members.map((i) => items[i]!));
      let placed = 0;
      for (const r of ranges) {
        const mine = rows
          .filter((x) => Number(x[0]) >= r.from && Number(x[0]) <= r.to)
          .map(([n, ...rest]) => {
            const own = String(Number(n) - r.from + 1);
            if (q.fields) return [own, ...rest];
            return [own, q.verbose ? rest[0]!.replace(/^Frame \d+:/, `Frame ${own}:`) : rest[0]!.replace(/^\d+/, own)];
          });
        result[r.i] = { frames: r.to - r.from + 1, rows: mine };
        placed += mine.length;
      }
      if (placed !== rows.length) throw new Error(`tshark-batch: ${rows.length - placed} of tshark's lines fall outside the files' frames (${names.join(', ')})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
