// `blebench air` and a host that sends and never reads: what the air holds for it stays bounded
// (stream-host.ts). Measured as the octets the air buffers (server.buffered()), not the RSS; the RSS
// figure is in `npm run bench`.
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, H4, OP } from '../../common/base/codes/hci.js';
import { startAirServer, type AirServer, type VirtualController } from '../../common/stack/air/index.js';
import { H4Framer } from '../../common/stack/h4/h4-framer.js';
import { waitForEvent, withTimeout } from '../../common/base/util/wait.js';

const READ_BD_ADDR = Buffer.from([H4.COMMAND, OP.READ_BD_ADDR & 0xff, OP.READ_BD_ADDR >> 8, 0]);
/** Read BD_ADDR's Command Complete on the wire: indicator, code, length, ncmd, opcode, status, address. */
const ANSWER_OCTETS = 1 + 2 + 1 + 2 + 1 + 6;
/** A stream's own buffer (Node's default highWaterMark) plus one answer: the most the air may hold before it stops reading. */
const STREAM_BOUND = 16 * 1024 + ANSWER_OCTETS;

let servers: AirServer[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function air(): Promise<AirServer> {
  const s = await startAirServer({ listen: `unix:${path.join(mkdtempSync(path.join(tmpdir(), 'blebench-bp-')), 'air.sock')}` });
  servers.push(s);
  return s;
}

async function client(server: AirServer): Promise<{ socket: net.Socket; controller: VirtualController }> {
  const controller = waitForEvent<[VirtualController]>(server as unknown as NodeJS.EventEmitter, 'controller', { timeoutMs: 2000, what: 'the controller' });
  const socket = net.connect(server.address.slice('unix:'.length));
  sockets.push(socket);
  socket.pause(); // never reads
  await waitForEvent(socket, 'connect', { timeoutMs: 2000, what: 'connect' });
  return { socket, controller: (await controller)[0] };
}

/** Write `n` packets, one write each, yielding between them so that the air can take each as its own read. */
async function trickle(socket: net.Socket, packet: Buffer, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    if (!socket.write(packet)) await withTimeout(waitForEvent(socket, 'drain', { timeoutMs: 60_000, what: 'drain' }), { timeoutMs: 60_000, what: 'drain' }).catch(() => undefined);
    await new Promise<void>((r) => setImmediate(r));
  }
}

/**
 * Resolves once `done()` holds, checked at once and after every event of `sources` (listeners added after
 * the counters' own, so they see the counts updated).
 */
function whenDone(done: () => boolean, sources: readonly [NodeJS.EventEmitter, string][]): Promise<void> {
  return new Promise<void>((resolve) => {
    const check = () => {
      if (!done()) return;
      for (const [e, name] of sources) e.off(name, check);
      resolve();
    };
    for (const [e, name] of sources) e.on(name, check);
    check();
  });
}

describe('blebench air and a host that never reads', () => {
  it('a flood of commands beyond the credits: the excess is dropped and the air holds almost nothing for it', async () => {
    const server = await air();
    const { socket, controller } = await client(server);
    let read = 0;
    controller.on('host-packet', () => read++);
    const commands = 200_000; // 800 kB in big writes: what took the old air to gigabytes
    const flood = Buffer.concat(Array.from({ length: commands }, () => READ_BD_ADDR));
    let maxHeld = 0;
    const probe = setInterval(() => (maxHeld = Math.max(maxHeld, server.buffered().towardsHosts + server.buffered().fromHosts)), 1);
    try {
      socket.write(flood);
      await withTimeout(whenDone(() => read === commands, [[controller, 'host-packet']]), { timeoutMs: 30_000, what: 'the air to read every command' });
    } finally {
      clearInterval(probe);
    }
    maxHeld = Math.max(maxHeld, server.buffered().towardsHosts + server.buffered().fromHosts);
    // the host never waited for an answer, so nearly every command had no credit (Vol 4 Part E 4.4)
    expect(controller.counters.commandsOverCredit).toBeGreaterThan(commands * 0.9);
    expect(maxHeld).toBeLessThanOrEqual(STREAM_BOUND);
  }, 60_000);

  it('commands one at a time, answers never read: the air stops reading at its bound, and resumes without loss once the host reads', async () => {
    const server = await air();
    const { socket, controller } = await client(server);
    let read = 0;
    controller.on('host-packet', () => read++);
    const sent = 6000; // 6000 answers = 78 kB: more than the stream buffer and the air's bound together
    // The air must stop reading while the host still writes: it says so when it pauses the stream.
    const paused = waitForEvent(server as unknown as NodeJS.EventEmitter, 'stream-paused', { timeoutMs: 30_000, what: 'the air to stop reading' });
    const writing = trickle(socket, READ_BD_ADDR, sent);
    await paused;
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(sent);
    expect(server.buffered().towardsHosts).toBeLessThanOrEqual(STREAM_BOUND);
    const acceptedBeforePause = read - controller.counters.commandsOverCredit;
    // Now the host reads: every command the air read was answered, and the rest follow.
    const framer = new H4Framer();
    let answers = 0;
    socket.on('data', (d: Buffer) => {
      for (const p of framer.push(d)) if (p[0] === H4.EVENT && p[1] === EVT.COMMAND_COMPLETE && p.readUInt16LE(4) === OP.READ_BD_ADDR) answers++;
    });
    socket.resume();
    await writing;
    await withTimeout(
      whenDone(() => read === sent && answers === sent - controller.counters.commandsOverCredit, [
        [controller, 'host-packet'],
        [socket, 'data'],
      ]),
      { timeoutMs: 30_000, what: 'every command read and answered' },
    );
    // Nothing the air accepted is lost: every answer it held while paused reached the host. (Commands that
    // piled up in the host's own buffer arrive together when the air reads again: beyond the credit, dropped.)
    expect(answers + controller.counters.commandsOverCredit).toBe(sent);
    expect(answers).toBeGreaterThanOrEqual(acceptedBeforePause);
  }, 90_000);
});
