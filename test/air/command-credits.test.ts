// HCI command flow control (Core v5.4 Vol 4 Part E 4.4): the controller announces one command at a
// time (Num_HCI_Command_Packets 1), drops a command beyond that unanswered and says so, and the host
// side of blebench's transports (command-flow.ts) never sends one too many, however noble and bleno burst.
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, H4, OP } from '../../common/base/codes/hci.js';
import { Radio, type VirtualController } from '../../common/stack/air/index.js';
import { injectTowardsHost } from '../../common/stack/air/host-injection.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import { waitForEvent } from '../../common/base/util/wait.js';
import { hostFor, initHost } from './helpers/setup.js';
import type { HciEvent } from './helpers/host.js';

const cmd = (opcode: number, params: number[] = []) => Buffer.from([H4.COMMAND, opcode & 0xff, opcode >> 8, params.length, ...params]);
const answers = (events: HciEvent[], opcode: number) =>
  events.filter((e) => (e.code === EVT.COMMAND_COMPLETE && e.params.readUInt16LE(1) === opcode) || (e.code === EVT.COMMAND_STATUS && e.params.readUInt16LE(2) === opcode));

let radios: Radio[] = [];
const transports: HciTransport[] = [];
afterEach(async () => {
  for (const t of transports.splice(0)) await t.close();
  for (const r of radios) r.close();
  radios = [];
});

function controller(): VirtualController {
  const r = new Radio({ name: 'credits' });
  radios.push(r);
  return r.createController();
}

describe('the controller enforces its command credits', () => {
  it('a command sent before the previous one was answered is dropped unanswered, counted and said', async () => {
    const c = controller();
    const h = hostFor(c, 'host');
    await initHost(h);
    const said: number[] = [];
    c.on('command-over-credit', (op: number) => said.push(op));
    const since = h.mark();
    c.write(cmd(OP.READ_BD_ADDR));
    c.write(cmd(OP.READ_LOCAL_VERSION_INFORMATION)); // no credit left: the host had one, and used it
    await h.waitEvent((e) => answers([e], OP.READ_BD_ADDR).length === 1, 'the answer to Read BD_ADDR', { since });
    await h.barrier(OP.READ_BUFFER_SIZE); // with the credit back, the next command is answered
    const after = h.events.slice(since);
    expect(answers(after, OP.READ_BD_ADDR)).toHaveLength(1);
    expect(answers(after, OP.READ_LOCAL_VERSION_INFORMATION)).toHaveLength(0);
    expect(answers(after, OP.READ_BUFFER_SIZE)).toHaveLength(1);
    expect(c.counters.commandsOverCredit).toBe(1);
    expect(said).toEqual([OP.READ_LOCAL_VERSION_INFORMATION]);
    // every answer hands the host exactly one credit (7.7.14 Num_HCI_Command_Packets)
    for (const e of after.filter((x) => x.code === EVT.COMMAND_COMPLETE)) expect(e.params[0]).toBe(1);
    expect(c.credits).toBe(1);
  });

  it('the credit comes back only when the answer goes to the host, not when the command is read', () => {
    const c = controller();
    expect(c.credits).toBe(1); // power-on: one command (4.4)
    c.write(cmd(OP.READ_BD_ADDR));
    expect(c.credits).toBe(0);
  });

  it('Host Number Of Completed Packets needs no credit (7.3.40)', async () => {
    const c = controller();
    const h = hostFor(c, 'host');
    await initHost(h);
    const since = h.mark();
    c.write(cmd(OP.READ_BD_ADDR));
    expect(c.credits).toBe(0);
    c.write(cmd(OP.HOST_NUMBER_OF_COMPLETED_PACKETS, [0x00])); // Num_Handles 0: nothing to say, but no credit needed to say it
    await h.waitEvent((e) => answers([e], OP.READ_BD_ADDR).length === 1, 'the answer to Read BD_ADDR', { since });
    await h.barrier(OP.READ_BUFFER_SIZE);
    expect(c.counters.commandsOverCredit).toBe(0);
  });

  it("a Command Complete forged towards the host (injectTowardsHost) hands out no credit", async () => {
    const c = controller();
    const h = hostFor(c, 'host');
    await initHost(h);
    c.write(cmd(OP.READ_BD_ADDR));
    expect(c.credits).toBe(0);
    const forged = Buffer.from([H4.EVENT, EVT.COMMAND_COMPLETE, 4, 5, 0x3f, 0xfc, 0x00]); // "5 commands allowed", vendor opcode
    injectTowardsHost(c, forged);
    // the forged event is queued after the real answer: once both reached the host, one credit, not five
    await h.waitEvent((e) => e.code === EVT.COMMAND_COMPLETE && e.params.readUInt16LE(1) === 0xfc3f, 'the forged event');
    expect(c.credits).toBe(1);
  });
});

describe("blebench's host side keeps to the credits (the kernel's command queue)", () => {
  it('a burst of 20 commands from one socket reaches the controller one at a time, each answered, none dropped', async () => {
    const r = new Radio({ name: 'burst' });
    radios.push(r);
    const seen: VirtualController[] = [];
    r.on?.('controller', (c: VirtualController) => seen.push(c));
    const t = await openTransport('mock', { radio: r, name: 'host' });
    transports.push(t);
    const socket = t.createSocket();
    const got: Buffer[] = [];
    socket.on('data', (d: Buffer) => got.push(d));
    socket.bindRaw?.();
    socket.start?.();
    const burst = Array.from({ length: 20 }, (_, i) => (i % 2 ? OP.READ_BD_ADDR : OP.READ_LOCAL_VERSION_INFORMATION));
    for (const op of burst) socket.write(cmd(op));
    const done = new Promise<void>((resolve) => {
      const check = () => (got.filter((p) => p[0] === H4.EVENT && p[1] === EVT.COMMAND_COMPLETE).length >= burst.length ? resolve() : undefined);
      socket.on('data', check);
      check();
    });
    await Promise.race([done, waitForEvent(t as unknown as NodeJS.EventEmitter, 'never', { timeoutMs: 3000, what: '20 Command Completes' })]);
    const completes = got.filter((p) => p[0] === H4.EVENT && p[1] === EVT.COMMAND_COMPLETE).map((p) => p.readUInt16LE(4));
    expect(completes).toEqual(burst);
    // on the tap: never a second command before the answer to the one before
    let outstanding = 0;
    for (const e of t.tap.entries) {
      if (e.layer === 'hci-cmd') outstanding++;
      else if (e.name.startsWith('HCI Command Complete') || e.name.startsWith('HCI Command Status')) outstanding = 0;
      expect(outstanding).toBeLessThanOrEqual(1);
    }
    expect([...r.controllers].map((c) => c.counters.commandsOverCredit)).toEqual([0]);
  });
});
