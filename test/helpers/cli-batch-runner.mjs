// One node process that runs several blebench command lines one after another (test/helpers/cli-batch.ts
// starts it): the built CLI's main() from dist/, as bin/blebench.js calls it, with each case's stdout and
// stderr captured apart, both the stream writes and the direct writes to fd 1 and 2 (pino's). A node
// start-up and the import of the CLI cost most of a refused command line's time; here they are paid once
// per batch. An error escaping a case (uncaught, unhandled rejection) is put on that case's stderr as node
// prints it and its code is 1, as a real process would end. A case still running at its limit ends the
// batch: the results so far are written, that case as hung. Plain JavaScript: it runs the built output.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const MARK = '\n@@blebench-batch-results@@\n';
const [, , casesJson, limitText] = process.argv;
const cases = JSON.parse(casesJson);
const limitMs = Number(limitText);
const { main } = await import(pathToFileURL(path.resolve('dist/bin/main.js')).href);

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
    if (!target) return;
    target.stderr += `${err instanceof Error ? err.stack : String(err)}\n`;
    target.code = 1;
    target.escaped = true;
  };
}
process.on('uncaughtException', escaped('uncaughtException'));
process.on('unhandledRejection', escaped('unhandledRejection'));

function finish() {
  current = undefined;
  real.out(MARK + JSON.stringify(results) + '\n', () => process.exit(0));
}

for (const args of cases) {
  current = { args, code: null, stdout: '', stderr: '', hung: false };
  results.push(current);
  let timer;
  const hung = new Promise((resolve) => {
    timer = setTimeout(() => resolve('hung'), limitMs);
  });
  const code = await Promise.race([main(['node', 'blebench', ...args]), hung]);
  clearTimeout(timer);
  if (code === 'hung') {
    current.hung = true;
    finish();
    await new Promise(() => undefined);
  }
  if (!current.escaped) current.code = code;
}
// bin/blebench.js exits 250 ms after main returns: an error escaping in that time ends a real process too.
setTimeout(finish, 250);
