// What both ble-host peers share: ble-host's transport over a `blebench air` stream (one whole H4
// packet per `write` and per `data` event, as ble-host's docs ask: Core v5.4 Vol 4 Part A 2), results
// as JSON lines on stdout, and a deadline on every step, so that a peer always ends with a line that
// says how, never hangs. Runs in a child process: a ble-host crash cannot take the test runner down.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';

const require = createRequire(import.meta.url);
/** ble-host is CommonJS. */
export const bleHost = require('ble-host');

// Our own framer (compiled): it only cuts the byte stream into packets, it decides nothing.
const { H4Framer } = await import(new URL('../../../dist/common/stack/h4/h4-framer.js', import.meta.url).href);

/** One JSON object per line on stdout; the test reads nothing else. */
export function emit(event, fields = {}) {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

/** Any throw, in ble-host or here, ends the peer with an `error` line and exit 1. */
export function failOnCrash() {
  const crash = (e) => {
    emit('error', { message: String(e?.stack ?? e) });
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

/** The peer's whole plan (argv[2]): JSON. */
export function planFromArgv() {
  const raw = process.argv[2];
  if (!raw) {
    emit('error', { message: 'usage: node PEER.mjs PLAN-JSON' });
    process.exit(2);
  }
  return JSON.parse(raw);
}

/** Connects to `unix:PATH` (what `blebench air --listen unix:PATH` serves): a fresh virtual controller. */
export async function openAirTransport(spec) {
  if (!spec.startsWith('unix:')) throw new Error(`only unix:PATH air specs, not ${spec}`);
  const socket = net.connect(spec.slice('unix:'.length));
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const transport = new EventEmitter();
  const framer = new H4Framer();
  transport.write = (packet) => socket.write(packet);
  socket.on('data', (chunk) => {
    for (const packet of framer.push(chunk)) transport.emit('data', packet);
  });
  socket.on('close', () => transport.emit('close'));
  socket.on('error', (e) => emit('transport-error', { message: e.message }));
  transport.end = () => socket.destroy();
  return transport;
}

/** Resolves with what `start(resolve)` gives, or rejects naming `what` after `ms`. */
export function step(what, ms, start) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout: ${what} after ${ms} ms`)), ms);
    start((v) => {
      clearTimeout(timer);
      resolve(v);
    }, (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export const hex = (b) => (b ? Buffer.from(b).toString('hex') : null);
