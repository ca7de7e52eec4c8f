// One node process that runs several blebench command lines one after another (test/helpers/cli-batch.ts
// starts it): the built CLI's main() from dist/, as bin/blebench.js calls it, with each case's stdout and
// stderr captured apart, both the stream writes and the direct writes to fd 1 and 2 (pino's). A node
// start-up and the import of the CLI cost most of a refused command line's time; here they are paid once
// per batch. An error escaping a case (uncaught, unhandled rejection) is put on that case's stderr as node
// prints it and its code is 1, as a real process would end. A case still running at its limit ends the
// batch: the results so far are written, that case as hung. Plain JavaScript: it runs the built output.
// With `serve` instead of the cases, it takes command lines one at a time on fd 3 (a socket pair) and
// answers each there, as a JSON line, until that closes (cliSession in cli-batch.ts).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const MARK = '\n@@blebench-batch-results@@\n';
const [, , casesJson, limitText] = process.argv;
const limitMs = Number(limitText);
const { main, EXIT_GRACE_MS } = await import(pathToFileURL(path.resolve('dist/bin/main.js')).href);

const real = {
  out: process.stdout.write.bind(process.stdout),
  err: process.stderr.write.bind(process.stderr),
  writeSync: fs.writeSync,
  write: fs.write,
};
const results = [];
let current;

const text = (chunk, encoding) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer ?? chunk, chunk.byteOffset ?? 0, chunk.byteLength ?? chunk.length).toString(typeof encoding === 'string' ? encoding : 'utf8'));
const take = (fd, chunk, encoding) => {
  if (!current) return false;
  if (fd === 1) current.stdout += text(chunk, encoding);
  else if (fd === 2) current.stderr += text(chunk, encoding);
  else return false;
  return true;
};
process.stdout.write = (chunk, encoding, cb) => {
  if (!take(1, chunk, encoding)) return real.out(chunk, encoding, cb);
  (typeof encoding === 'function' ? encoding : cb)?.();
  return true;
};
process.stderr.write = (chunk, encoding, cb) => {
  if (!take(2, chunk, encoding)) return real.err(chunk, encoding, cb);
  (typeof encoding === 'function' ? encoding : cb)?.();
  return true;
};
fs.writeSync = function (fd, buffer, ...rest) {
  if ((fd === 1 || fd === 2) && current) {
    const [a, b] = rest;
    const s = typeof buffer === 'string' ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset + (typeof a === 'number' ? a : 0), typeof b === 'number' ? b : buffer.byteLength - (typeof a === 'number' ? a : 0)).toString();
    take(fd, s);
    return Buffer.byteLength(s);
  }
  return real.writeSync.call(fs, fd, buffer, ...rest);
};
fs.write = function (fd, buffer, ...rest) {
  if ((fd === 1 || fd === 2) && current) {
    const cb = rest.find((x) => typeof x === 'function');
    const n = fs.writeSync(fd, typeof buffer === 'string' ? buffer : buffer);
    if (cb) process.nextTick(cb, null, n, buffer);
    return;
  }
  return real.write.call(fs, fd, buffer, ...rest);
};

/** Node's own words for an error that ends a process, when nothing else in it handles that kind. */
function escaped(kind) {
  return (err) => {
    if (process.listenerCount(kind) > 1) return; // the command handles it (e.g. a scenario's crash guard)
    const target = current ?? results.at(-1);
    const words = `${err instanceof Error ? err.stack : String(err)}\n`;
    if (target?.sent) return void late(`after blebench ${target.args.join(' ')} had ended: ${words}`);
    if (!target) return void late(words);
    target.stderr += words;
    target.code = 1;
    target.escaped = true;
  };
}
process.on('uncaughtException', escaped('uncaughtException'));
process.on('unhandledRejection', escaped('unhandledRejection'));

async function runCase(args) {
  current = { args, code: null, stdout: '', stderr: '', hung: false };
  const c = current;
  results.push(c);
  const code = await main(['node', 'blebench', ...args]);
  if (!c.escaped) c.code = code;
  return c;
}

let chan;
/** An error no case can show any more: said on the channel (serve) or on the batch's own stderr. */
function late(words) {
  if (chan) chan.write(JSON.stringify({ late: words }) + '\n');
  else real.err(`late: ${words}`);
}

if (casesJson === 'serve') {
  chan = new net.Socket({ fd: 3, readable: true, writable: true });
  let queue = Promise.resolve();
  readline.createInterface({ input: chan }).on('line', (line) => {
    queue = queue.then(async () => {
      // an error escaping a case after its end lands on this case until the next starts
      const c = await runCase(JSON.parse(line));
      chan.write(JSON.stringify(c) + '\n');
      c.sent = true;
    });
  });
  chan.on('end', () => queue.then(() => setTimeout(() => process.exit(0), EXIT_GRACE_MS)));
} else {
  const cases = JSON.parse(casesJson);
  const finish = () => {
    current = undefined;
    real.out(MARK + JSON.stringify(results) + '\n', () => process.exit(0));
  };
  for (const args of cases) {
    let timer;
    const hung = new Promise((resolve) => {
      timer = setTimeout(() => resolve('hung'), limitMs);
    });
    const c = await Promise.race([runCase(args), hung]);
    clearTimeout(timer);
    if (c === 'hung') {
      results.at(-1).hung = true;
      finish();
      await new Promise(() => undefined);
    }
  }
  // bin/blebench.js exits EXIT_GRACE_MS after main returns: an error escaping in that time ends a real process too.
  setTimeout(finish, EXIT_GRACE_MS);
}
