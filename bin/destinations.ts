// Where a command will write (--out, --btsnoop) is checked before anything runs (exit 2 naming the flag):
// a report or capture lost after the whole run, or a run whose every scenario errors on its capture,
// is the user's mistake caught too late. Folders are not created for a file (a typo would hide it).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../common/base/errors/blebench-error.js';
import { fileErrorWords } from '../common/base/input/read-input.js';

const refuse = (flag: string, target: string, why: string, hint: string): never => {
  throw new BadInputError('BAD_DESTINATION', `${flag} ${target}: ${why}`, { path: flag }, { hint });
};

function writableFolder(flag: string, target: string, dir: string, hint: string): void {
  try {
    if (!statSync(dir).isDirectory()) refuse(flag, target, `${dir} is not a directory`, hint);
  } catch (e) {
    if (e instanceof BadInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    refuse(flag, target, code === 'ENOENT' ? `the folder ${dir} does not exist` : `the folder ${dir}: ${fileErrorWords(e)}`, hint);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    refuse(flag, target, `the folder ${dir} is not writable`, hint);
  }
}

/** A file the command will (re)write: not a directory, in an existing writable folder; writable itself if it exists. */
export function checkOutputFile(flag: string, file: string): void {
  const hint = `give ${flag} a file path in an existing folder you can write`;
  if (file === '') refuse(flag, '""', 'an empty path', hint);
  try {
    const st = statSync(file);
    if (st.isDirectory()) refuse(flag, file, 'it is a directory; a file path is expected', `${hint} (e.g. ${path.join(file, flag === '--out' ? 'report.txt' : 'capture.btsnoop')})`);
    if (!st.isFile()) refuse(flag, file, 'it is not a regular file (a device, socket or pipe)', hint);
    accessSync(file, constants.W_OK);
  } catch (e) {
    if (e instanceof BadInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') refuse(flag, file, 'the file is not writable', hint);
    if (code !== 'ENOENT') refuse(flag, file, fileErrorWords(e), hint);
  }
  writableFolder(flag, file, path.dirname(path.resolve(file)), hint);
}

/** A folder the command writes files into: an existing writable directory, or a new one (created) in an existing writable folder. */
export function checkOutputDir(flag: string, dir: string): void {
  const hint = `give ${flag} a folder (existing, or a new one in a folder you can write); files are written into it`;
  if (dir === '') refuse(flag, '""', 'an empty path', hint);
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) refuse(flag, dir, 'it is a file; a folder is expected (one capture per scenario and side is written into it)', hint);
  } catch (e) {
    if (e instanceof BadInputError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') refuse(flag, dir, fileErrorWords(e), hint);
    writableFolder(flag, dir, path.dirname(path.resolve(dir)), hint);
    return;
  }
  writableFolder(flag, dir, path.resolve(dir), hint);
}

/** `unix:PATH` / `pty:PATH` to listen on: its folder must exist and be writable (the socket or link is made there). */
export function checkListenPath(flag: string, spec: string, file: string): void {
  const dir = path.dirname(path.resolve(file));
  writableFolder(flag, spec, dir, `give ${flag} a path in an existing folder you can write (e.g. unix:/tmp/air.sock)`);
  try {
    if (statSync(file).isDirectory()) refuse(flag, spec, `${file} is a directory`, `give ${flag} a path for the socket itself (e.g. unix:${path.join(file, 'air.sock')})`);
  } catch (e) {
    if (e instanceof BadInputError) throw e;
  }
}
