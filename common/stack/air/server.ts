// The stream server behind `blebench air --listen`: every accepted stream is a fresh virtual
// controller on one radio, speaking H4 (Core v5.4 Vol 4 Part A 2) both ways. Unix sockets are
// created mode 0600; TCP listens on loopback only. pty:PATH puts one controller behind a
// pseudo-terminal instead (pty-server.ts): a UART controller for the serial: transport.
import { EventEmitter } from 'node:events';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { AirError } from './errors.js';
import { startPtyServer } from './pty-server.js';
import { Radio } from './radio.js';
import { attachStream, type StreamHost } from './stream-host.js';
import type { VirtualController } from './controller.js';

export interface AirServerOptions {
  /** 'unix:PATH', 'tcp:HOST:PORT' (HOST loopback only; port 0 = any free port) or 'pty:PATH' (a symlink to a pseudo-terminal). */
  listen: string;
  /** Share an existing radio; otherwise the server makes its own and closes it on close(). */
  radio?: Radio;
}

export interface AirServer {
  /** The resolved listen spec, e.g. 'tcp:127.0.0.1:41234', 'unix:/tmp/air.sock' or 'pty:/tmp/air.tty'. */
  readonly address: string;
  readonly radio: Radio;
  close(): Promise<void>;
  /** Octets the air holds for its open streams now (stream-host.ts): towards hosts not yet read, and partial packets from them. */
  buffered(): { towardsHosts: number; fromHosts: number };
  on(event: 'controller', listener: (c: VirtualController) => void): this;
  /** A stream's host is not reading (its events back up), or its stream was closed for it: words for the log. */
  on(event: 'stream-trouble', listener: (c: VirtualController, what: string) => void): this;
  /** The air stopped reading a stream whose host does not take its answers (it reads again on 'drain'). */
  on(event: 'stream-paused', listener: (c: VirtualController) => void): this;
}

type ListenSpec = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number } | { kind: 'pty'; path: string };

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);
const SOCKET_FILE_MODE = 0o600;
const OWNER_ONLY_UMASK = 0o177;
const MAX_PORT = 0xffff;

export function parseListenSpec(spec: string): ListenSpec {
  if (spec.startsWith('unix:') && spec.length > 'unix:'.length) return { kind: 'unix', path: spec.slice('unix:'.length) };
  if (spec.startsWith('pty:') && spec.length > 'pty:'.length) return { kind: 'pty', path: spec.slice('pty:'.length) };
  const tcp = /^tcp:(\[[^\]]+\]|[^:]+):(\d+)$/.exec(spec);
  if (tcp) {
    const host = tcp[1]!.replace(/^\[|\]$/g, '');
    const port = Number(tcp[2]);
    if (port > MAX_PORT) throw new AirError('AIR_BAD_LISTEN_SPEC', `port ${port} in ${spec} is out of range: use 0..65535`);
    if (!LOOPBACK_HOSTS.has(host) && !host.startsWith('127.')) {
      throw new AirError('AIR_NOT_LOOPBACK', `refusing to listen on ${host}: the virtual radio has no authentication, so it listens on loopback only (use tcp:127.0.0.1:${port})`);
    }
    return { kind: 'tcp', host: host === 'localhost' ? '127.0.0.1' : host, port };
  }
  throw new AirError('AIR_BAD_LISTEN_SPEC', `cannot listen on ${JSON.stringify(spec)}: use unix:PATH, tcp:127.0.0.1:PORT or pty:PATH`);
}

class StreamAirServer extends EventEmitter implements AirServer {
  address = '';
  private readonly sockets = new Map<net.Socket, StreamHost>();
  private closing: Promise<void> | undefined;

  constructor(
    readonly radio: Radio,
    private readonly ownsRadio: boolean,
    private readonly server: net.Server,
    private readonly spec: Exclude<ListenSpec, { kind: 'pty' }>,
  ) {
    super();
    server.on('connection', (s) => this.accept(s));
  }

  private accept(socket: net.Socket): void {
    if (this.radio.closed || this.closing) {
      socket.destroy();
      return;
    }
    const controller = this.radio.createController();
    socket.setNoDelay?.(true);
    this.sockets.set(
      socket,
      attachStream(
        socket,
        controller,
        (what) => this.emit('stream-trouble', controller, what),
        () => this.emit('stream-paused', controller),
      ),
    );
    controller.once('close', () => socket.destroy());
    socket.on('error', () => socket.destroy());
    // The host ended the stream: power the controller off now, before this side closes, so that a host
    // that waits for the close knows the controller (and its address) is gone from the radio.
    socket.on('end', () => controller.close());
    socket.on('close', () => {
      this.sockets.delete(socket);
      controller.close(); // the stream was the controller's power
    });
    this.emit('controller', controller);
  }

  buffered(): { towardsHosts: number; fromHosts: number } {
    let towardsHosts = 0;
    let fromHosts = 0;
    for (const h of this.sockets.values()) {
      const b = h.buffered();
      towardsHosts += b.towardsHost;
      fromHosts += b.fromHost;
    }
    return { towardsHosts, fromHosts };
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const s of this.sockets.keys()) s.destroy();
      this.server.close(() => {
        if (this.spec.kind === 'unix') removeQuietly(this.spec.path);
        if (this.ownsRadio) this.radio.close();
        resolve();
      });
    });
    return this.closing;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Is something accepting connections on this unix socket path? */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

async function prepareUnixPath(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new AirError('AIR_NOT_A_SOCKET', `${path} exists and is not a socket: refusing to replace it; choose another path`);
  if (await socketAnswers(path)) throw new AirError('AIR_ADDRESS_IN_USE', `something is already listening on ${path}: stop it or choose another path`);
  unlinkSync(path); // stale socket file left by a process that died
}

function listen(server: net.Server, spec: Exclude<ListenSpec, { kind: 'pty' }>): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(err.code === 'EADDRINUSE' ? new AirError('AIR_ADDRESS_IN_USE', `cannot listen: ${err.message}`) : err);
    };
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (spec.kind === 'tcp') {
      server.listen(spec.port, spec.host, done);
      return;
    }
    // The socket file is born owner-only: umask around the bind, then chmod to be sure.
    let previous: number | undefined;
    try {
      previous = process.umask(OWNER_ONLY_UMASK);
    } catch {
      previous = undefined; // worker threads cannot change the umask
    }
    try {
      server.listen(spec.path, () => {
        try {
          chmodSync(spec.path, SOCKET_FILE_MODE);
        } catch (err) {
          server.close();
          reject(err);
          return;
        }
        done();
      });
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });
}

/** Start `blebench air`: a radio reachable over unix or loopback TCP streams, or a pseudo-terminal. */
export async function startAirServer(opts: AirServerOptions): Promise<AirServer> {
  const spec = parseListenSpec(opts.listen);
  if (spec.kind === 'pty') return startPtyServer(spec.path, opts.radio ?? new Radio({ name: 'air' }), opts.radio === undefined);
  if (spec.kind === 'unix') await prepareUnixPath(spec.path);
  const server = net.createServer();
  await listen(server, spec);
  const radio = opts.radio ?? new Radio({ name: 'air' });
  const air = new StreamAirServer(radio, opts.radio === undefined, server, spec);
  if (spec.kind === 'tcp') {
    const a = server.address() as net.AddressInfo;
    air.address = `tcp:${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  } else {
    air.address = `unix:${spec.path}`;
  }
  return air;
}
