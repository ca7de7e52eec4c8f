// `blebench air --listen pty:PATH`: one virtual controller behind a pseudo-terminal, with a symlink at
// PATH to the terminal's device (/dev/pts/N), so anything that opens serial ports (serialport,
// btattach, a Zephyr host) finds an H4 UART controller there.
//
// Node cannot make a pseudo-terminal without a native addon (openpty needs ioctls node does not
// expose), so a tiny helper in python3's standard library (pty, select, termios: no packages) holds
// the master side and bridges it to this process over pipes. python3 is already on every machine
// that builds this project (node-gyp needs it); socat would add a Debian package and knows nothing
// of the hangup that tells us a host closed the port.
//
// The helper's stdout is a framed record stream so that data and port events stay in order:
// 'D' + u32 length + bytes (the host wrote them), 'O' (a host opened the port), 'H' (the host closed
// it), 'R' + u32 length + device name (ready). Its stdin carries what the controller sends, raw.
// Each host session gets a fresh controller (a power cycle, as unplugging a dongle would be); bytes
// for a port nobody holds are dropped, and a closed session's unread input is flushed, so a new
// session starts clean.
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { H4Framer } from '../h4/h4-framer.js';
import { AirError } from './errors.js';
import type { VirtualController } from './controller.js';
import type { Radio } from './radio.js';

export const PTY_HELPER = String.raw`
import os, sys, pty, tty, select, termios, struct, errno
link = sys.argv[1]
out = sys.stdout.buffer
def record(kind, body=b''):
    out.write(kind + (struct.pack('<I', len(body)) + body if kind in (b'D', b'R') else b''))
    out.flush()
m, s = pty.openpty()
tty.setraw(s)
name = os.ttyname(s)
os.close(s)
tmp = '%s.%d.tmp' % (link, os.getpid())
os.symlink(name, tmp)
os.replace(tmp, link)
def cleanup():
    try:
        if os.readlink(link) == name: os.unlink(link)
    except OSError: pass
def hungup():
    p = select.poll(); p.register(m, select.POLLIN)
    return any(ev & select.POLLHUP for _, ev in p.poll(0))
def flush_slave():
    try:
        fd = os.open(name, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        termios.tcflush(fd, termios.TCIOFLUSH)
        os.close(fd)
    except OSError: pass
record(b'R', name.encode())
attached = False
try:
    while True:
        if not attached and not hungup():
            attached = True; record(b'O')
        p = select.poll()
        p.register(0, select.POLLIN)
        if attached: p.register(m, select.POLLIN)
        for fd, ev in p.poll(None if attached else 20):
            if fd == 0:
                data = os.read(0, 65536)
                if not data: raise SystemExit(0)
                while attached and data:
                    try: data = data[os.write(m, data):]
                    except OSError: break
            elif fd == m:
                if ev & select.POLLIN:
                    try:
                        data = os.read(m, 65536)
                        if data: record(b'D', data)
                    except OSError: pass
                if ev & (select.POLLHUP | select.POLLERR) and hungup():
                    attached = False; flush_slave(); record(b'H')
except (SystemExit, KeyboardInterrupt, BrokenPipeError): pass
finally: cleanup()
`;

const READY_TIMEOUT_MS = 5000;

export interface PtyAirServer extends EventEmitter {
  readonly address: string;
  /** The pseudo-terminal's device, e.g. /dev/pts/4 (PATH links to it). */
  readonly device: string;
  readonly radio: Radio;
  close(): Promise<void>;
  /** Octets held for the host: towards it, not yet taken by the helper; a partial packet from it. */
  buffered(): { towardsHosts: number; fromHosts: number };
}

/** Refuse to take a PATH that is not ours to take: a file, or a link to a pty another air still holds. */
function preparePtyPath(link: string): void {
  let st;
  try {
    st = lstatSync(link);
  } catch {
    return; // nothing there
  }
  if (!st.isSymbolicLink()) throw new AirError('AIR_NOT_A_SOCKET', `${link} exists and is not a symlink: refusing to replace it; choose another path`);
  const target = readlinkSync(link);
  if (existsSync(path.resolve(path.dirname(link), target))) {
    throw new AirError('AIR_ADDRESS_IN_USE', `${link} points to ${target}, which still exists (another blebench air?): stop it or choose another path`);
  }
  // a link to a pseudo-terminal that is gone: stale, the helper replaces it
}

class PtyServer extends EventEmitter implements PtyAirServer {
  device = '';
  private controller: VirtualController | undefined;
  private framer = new H4Framer();
  private pending: Buffer = Buffer.alloc(0);
  private closing: Promise<void> | undefined;
  private readonly exited: Promise<void>;

  constructor(
    readonly radio: Radio,
    private readonly ownsRadio: boolean,
    private readonly helper: ChildProcessByStdio<Writable, Readable, Readable>,
    readonly address: string,
  ) {
    super();
    this.exited = new Promise((resolve) => helper.once('exit', () => resolve()));
    helper.stdin.on('error', () => {}); // EPIPE when the helper is gone: its exit says so
    helper.stdout.on('data', (chunk: Buffer) => this.records(chunk));
    helper.once('exit', () => this.endSession());
  }

  /** Resolves with the device name once the helper has made the pty and the link. */
  ready(): Promise<string> {
    return new Promise((resolve, reject) => {
      let stderr = '';
      this.helper.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => fail(`no pseudo-terminal within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
      const fail = (why: string) => {
        clearTimeout(timer);
        this.helper.kill();
        reject(new AirError('AIR_PTY_UNAVAILABLE', `cannot listen on ${this.address}: ${why}${stderr.trim() ? ` (${stderr.trim().split('\n').pop()})` : ''}`));
      };
      const onError = (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? 'python3 is not installed (it makes the pseudo-terminal)' : err.message);
      const onExit = (code: number | null) => fail(`the pty helper exited (${code})`);
      this.helper.once('error', onError);
      this.helper.once('exit', onExit);
      this.once('ready', (device: string) => {
        clearTimeout(timer);
        this.helper.off('error', onError);
        this.helper.off('exit', onExit);
        this.helper.on('error', () => {}); // a later failure shows as its exit
        resolve(device);
      });
    });
  }

  private records(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const kind = this.pending[0];
      if (kind === undefined) return;
      const k = String.fromCharCode(kind);
      if (k === 'O' || k === 'H') {
        this.pending = this.pending.subarray(1);
        if (k === 'O') this.startSession();
        else this.endSession();
        continue;
      }
      if (this.pending.length < 5) return;
      const len = this.pending.readUInt32LE(1);
      if (this.pending.length < 5 + len) return;
      const body = Buffer.from(this.pending.subarray(5, 5 + len));
      this.pending = this.pending.subarray(5 + len);
      if (k === 'R') {
        this.device = body.toString();
        this.emit('ready', this.device);
      } else if (k === 'D') this.fromHost(body);
    }
  }

  private startSession(): void {
    if (this.controller || this.radio.closed || this.closing) return;
    const c = (this.controller = this.radio.createController());
    this.framer = new H4Framer();
    c.on('packet', (p: Buffer) => {
      if (this.controller !== c || this.helper.stdin.destroyed) return;
      // Back-pressure (stream-host.ts): while the host does not take what it is sent, stop reading what it sends.
      if (!this.helper.stdin.write(p) && !this.helper.stdout.isPaused()) {
        this.helper.stdout.pause();
        this.helper.stdin.once('drain', () => this.helper.stdout.resume());
      }
    });
    c.once('close', () => {
      if (this.controller === c) this.controller = undefined;
    });
    this.emit('controller', c);
  }

  private endSession(): void {
    const c = this.controller;
    this.controller = undefined;
    c?.close(); // the port was the controller's power
  }

  private fromHost(bytes: Buffer): void {
    if (!this.controller) this.startSession(); // data before the 'O' record cannot happen; be safe
    const c = this.controller;
    if (!c) return;
    let packets: Buffer[];
    try {
      packets = this.framer.push(bytes);
    } catch {
      // Out of sync, as a UART controller would be: drop what is buffered and wait for the next packet start.
      this.framer = new H4Framer();
      return;
    }
    for (const p of packets) c.write(p);
  }

  buffered(): { towardsHosts: number; fromHosts: number } {
    return { towardsHosts: this.helper.stdin.writableLength, fromHosts: this.framer.buffered + this.pending.length };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.endSession();
      this.helper.stdin.end(); // EOF: the helper removes its link and exits, closing the master
      const killer = setTimeout(() => this.helper.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(killer);
      if (this.ownsRadio) this.radio.close();
    })();
    return this.closing;
  }
}

const interpreters = new Map<string, Promise<string>>();

/**
 * The interpreter `python` runs (its sys.executable), asked once per process: PATH's python3 is often a
 * wrapper (a pyenv shim is a bash script that runs pyenv first, ~65 ms of CPU per start against ~8 ms
 * for python itself). When it cannot be asked, `python` itself is started and its failure named then.
 */
function interpreterOf(python: string): Promise<string> {
  let p = interpreters.get(python);
  if (!p) {
    p = new Promise((resolve) =>
      execFile(python, ['-I', '-S', '-c', 'import sys; sys.stdout.write(sys.executable)'], { timeout: READY_TIMEOUT_MS }, (err, stdout) => resolve(!err && path.isAbsolute(stdout) && existsSync(stdout) ? stdout : python)),
    );
    interpreters.set(python, p);
  }
  return p;
}

export async function startPtyServer(link: string, radio: Radio, ownsRadio: boolean, python = 'python3'): Promise<PtyAirServer> {
  if (process.platform === 'win32') throw new AirError('AIR_PTY_UNAVAILABLE', 'pty: listening is not available on Windows (no pseudo-terminals): use unix: or tcp:127.0.0.1:PORT');
  preparePtyPath(link);
  const interpreter = await interpreterOf(python);
  // -I: isolated (no PYTHON* variables, no user site: nothing of the user's can shadow pty or termios);
  // -S: no site module (the helper needs the standard library only), which is most of python's start-up.
  const helper = spawn(interpreter, ['-I', '-S', '-c', PTY_HELPER, link], { stdio: ['pipe', 'pipe', 'pipe'] });
  const server = new PtyServer(radio, ownsRadio, helper, `pty:${link}`);
  try {
    await server.ready();
  } catch (err) {
    if (ownsRadio) radio.close();
    throw err;
  }
  return server;
}
