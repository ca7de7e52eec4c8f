// `blebench central --save-profile FILE`: the destination checked before the walk (a walk of minutes
// must not end in "cannot write"), then the recorded profile checked by the same loader that will
// read it and written atomically.
import { accessSync, constants, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { BadInputError, isBlebenchError } from '../common/base/errors/blebench-error.js';
import { defineProfile } from '../common/stack/gatt/define-profile.js';
import type { MatrixResult } from '../central/matrix/matrix-types.js';
import { recordProfile } from '../central/matrix/record-profile.js';

/** Exit 2 unless FILE can be written: its folder exists and is writable, and FILE is not a folder or read-only. */
export function checkProfileDestination(file: string): void {
  const where = { path: '--save-profile', file };
  const dir = path.dirname(path.resolve(file));
  const refuse = (why: string, hint: string) => new BadInputError('BAD_FLAG', `--save-profile ${file}: ${why}`, where, { hint });
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    throw refuse(`the folder ${dir} does not exist`, 'create the folder first, or name a file in an existing one');
  }
  if (!dirStat.isDirectory()) throw refuse(`${dir} is not a folder`, 'name a file in an existing folder');
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw refuse(`the folder ${dir} cannot be written (permissions)`, 'name a file in a folder you can write to');
  }
  try {
    const s = statSync(file);
    if (s.isDirectory()) throw refuse('is a folder', 'name a file, e.g. FOLDER/device.json');
    accessSync(file, constants.W_OK);
  } catch (e) {
    if (isBlebenchError(e)) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw refuse('exists and cannot be written (permissions)', 'name another file, or make this one writable');
  }
}

/** Writes the profile the matrix describes; returns the number of guesses in it. */
export async function saveRecordedProfile(result: MatrixResult, file: string, transport: string, version: string): Promise<number> {
  const profile = recordProfile(result, { by: `blebench ${version} central`, transport, host: hostname(), at: new Date() });
  // The same checks `--profile FILE` will run: a recording that cannot be served is a bug, said here.
  defineProfile(profile, { source: file });
  // The reports' folder only when a profile is saved: `central` without --save-profile does not load it.
  const { writeAtomically } = await import('../common/apps/scenario/report/write-report.js');
  await writeAtomically(file, JSON.stringify(profile, null, 2) + '\n');
  return profile.recorded?.guesses?.length ?? 0;
}
