// A controller on a UART speaking H4 (serial:PATH[@BAUD][,rtscts|,noflow]): a Zephyr hci_uart board,
// an nRF52840 dongle, or `blebench air --listen pty:PATH`. Opening it proves it is one: the port's
// stale input is flushed, HCI Reset is sent, and the link exists only once its Command Complete has
// come back (Core v5.4 Vol 4 Part E 7.3.2). Anything before that answer is line noise from an
// earlier session and is skipped; a port that stays silent, or says something else, is named.
import { EVT, H4, OP } from '../../../base/codes/hci.js';
import { H4Framer } from '../../h4/h4-framer.js';
import { hciCommand } from '../hci-packets.js';
import type { H4Link } from '../socket-api.js';
import { TransportError, explainSerialError } from '../transport-errors.js';
import { LinkEnding } from './link-ending.js';
import { hex } from '../../../base/codes/code-table.js';

export interface SerialTarget {
  path: string;
  baud: number;
  rtscts: boolean;
}

export interface SerialOpenOptions {
  /** How long the controller has to answer HCI Reset (default 3000 ms). */
  resetTimeoutMs?: number;
}

/** The part of serialport's SerialPort this link uses. */
interface Port {
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  flush(cb: (err: Error | null) => void): void;
  write(data: Buffer): boolean;
  close(cb?: (err: Error | null) => void): void;
  on(event: 'data', l: (chunk: Buffer) => void): unknown;
  on(event: 'close', l: (err?: Error & { disconnected?: boolean }) => void): unknown;
  on(event: 'error', l: (err: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
}

export const DEFAULT_RESET_TIMEOUT_MS = 3000;

/** HCI Reset's Command Complete: event 0x0E, length 4, Num_HCI_Command_Packets (any), opcode, status. */
function findResetComplete(buf: Buffer): number {
  for (let i = 0; i + 7 <= buf.length; i++) {
    if (buf[i] === H4.EVENT && buf[i + 1] === EVT.COMMAND_COMPLETE && buf[i + 2] === 4 && buf.readUInt16LE(i + 4) === OP.RESET) return i;
  }
  return -1;
}

async function loadSerialPort(): Promise<new (options: { path: string; baudRate: number; rtscts: boolean; autoOpen: false }) => Port> {
  const mod = (await import('serialport')) as unknown as { SerialPort: new (options: object) => Port };
  return mod.SerialPort;
}

export class SerialLink implements H4Link {
  private readonly framer = new H4Framer();
  private packetListeners: Array<(packet: Buffer) => void> = [];
  private readonly ending = new LinkEnding();

  /** The HCI Reset sent on open and its Command Complete, for the tap (the host did not send them). */
  readonly handshake: { command: Buffer; complete: Buffer };

  private constructor(
    private readonly port: Port,
    readonly label: string,
    readonly target: SerialTarget,
    handshake: { command: Buffer; complete: Buffer },
    rest: Buffer,
  ) {
    this.handshake = handshake;
    port.removeAllListeners('data');
    port.removeAllListeners('close');
    port.removeAllListeners('error');
    port.on('data', (chunk: Buffer) => this.fromPort(chunk));
    port.on('close', (err) =>
      this.finish(
        new TransportError('TRANSPORT_CLOSED', `${label}: the serial port closed${err?.disconnected ? ' (device unplugged or the other end went away)' : ''}`, label, err ? { cause: err } : undefined),
      ),
    );
    port.on('error', (err) => this.finish(new TransportError('TRANSPORT_CLOSED', `${label}: ${err.message}`, label, { cause: err })));
    if (rest.length) queueMicrotask(() => this.fromPort(rest));
  }

  /** Opens the port, flushes it, resets the controller: resolves once HCI Reset has been answered. */
  static async open(target: SerialTarget, label: string, options: SerialOpenOptions = {}): Promise<SerialLink> {
    let SerialPort: Awaited<ReturnType<typeof loadSerialPort>>;
    try {
      SerialPort = await loadSerialPort();
    } catch (err) {
      throw new TransportError('NATIVE_MODULE_MISSING', `${label}: the serialport package cannot load on this machine (${(err as Error).message})`, label, {
        cause: err,
        hint: 'run npm ci (serialport ships prebuilt bindings for Linux, macOS and Windows)',
      });
    }
    const port = new SerialPort({ path: target.path, baudRate: target.baud, rtscts: target.rtscts, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(explainSerialError(err, label, target.path)) : resolve())));
    try {
      // Whatever the device said before we came (an earlier session's events) is not ours.
      await new Promise<void>((resolve, reject) => port.flush((err) => (err ? reject(explainSerialError(err, label, target.path)) : resolve())));
      const { complete, rest, command } = await SerialLink.reset(port, label, target, options.resetTimeoutMs ?? DEFAULT_RESET_TIMEOUT_MS);
      return new SerialLink(port, label, target, { command, complete }, rest);
    } catch (err) {
      port.removeAllListeners();
      if (port.isOpen) port.close(() => {});
      throw err;
    }
  }

  private static reset(port: Port, label: string, target: SerialTarget, timeoutMs: number): Promise<{ command: Buffer; complete: Buffer; rest: Buffer }> {
    return new Promise((resolve, reject) => {
      const command = hciCommand(OP.RESET);
      let seen = Buffer.alloc(0);
      let received = 0;
      const done = (f: () => void) => {
        clearTimeout(timer);
        port.removeAllListeners('data');
        port.removeAllListeners('close');
        port.removeAllListeners('error');
        f();
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new TransportError(
                'NOT_HCI_CONTROLLER',
                received === 0
                  ? `${label}: no answer to HCI Reset within ${timeoutMs} ms: ${target.path} is not an HCI controller speaking H4, or it is not running (flashed with hci_uart? powered?)`
                  : `${label}: ${received} bytes came back within ${timeoutMs} ms but no Command Complete for HCI Reset: the baud rate (${target.baud}) or flow control (${target.rtscts ? 'rtscts' : 'noflow'}) is likely wrong, or ${target.path} does not speak H4`,
                label,
                {
                  hint: `check the controller's UART settings (Zephyr hci_uart: 1000000 baud, RTS/CTS: serial:${target.path}@1000000,rtscts); try serial:${target.path}@115200 or ,noflow; or use --transport mock`,
                },
              ),
            ),
          ),
        timeoutMs,
      );
      port.on('data', (chunk: Buffer) => {
        received += chunk.length;
        seen = Buffer.concat([seen, chunk]);
        const at = findResetComplete(seen);
        if (at < 0) {
          if (seen.length > 4096) seen = seen.subarray(seen.length - 6); // keep a possible partial match
          return;
        }
        const complete = Buffer.from(seen.subarray(at, at + 7));
        const status = complete[6]!;
        if (status !== 0) {
          done(() => reject(new TransportError('CONNECT_FAILED', `${label}: the controller refused HCI Reset (status ${hex(status)})`, label, { hint: 'power-cycle the controller, then try again' })));
          return;
        }
        done(() => resolve({ command, complete, rest: Buffer.from(seen.subarray(at + 7)) }));
      });
      port.on('close', () => done(() => reject(new TransportError('TRANSPORT_CLOSED', `${label}: the serial port closed while waiting for HCI Reset`, label))));
      port.on('error', (err) => done(() => reject(explainSerialError(err, label, target.path))));
      port.write(command);
    });
  }

  private fromPort(chunk: Buffer): void {
    if (this.ending.ended) return;
    let packets: Buffer[];
    try {
      packets = this.framer.push(chunk);
    } catch (err) {
      this.finish(
        new TransportError('TRANSPORT_CLOSED', `${this.label}: ${(err as Error).message}`, this.label, {
          cause: err,
          hint: `bytes were lost or garbled on the UART: check the baud rate (${this.target.baud}) and use RTS/CTS flow control (,rtscts) if the board has it`,
        }),
      );
      void this.closePort();
      return;
    }
    for (const p of packets) for (const l of this.packetListeners) l(p);
  }

  send(packet: Buffer): void {
    if (!this.ending.ended) this.port.write(packet);
  }

  onPacket(listener: (packet: Buffer) => void): void {
    this.packetListeners.push(listener);
  }

  onClose(listener: (error?: Error) => void): void {
    this.ending.on(listener);
  }

  /** Resolves once the port is closed and its lock released (the next open of PATH would get EBUSY before). */
  async close(): Promise<void> {
    if (this.ending.ended) return;
    const closed = this.closePort();
    this.ending.end();
    await closed;
  }

  private closePort(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }

  private finish(error?: Error): void {
    this.ending.end(error);
  }
}
