// Profiles from files: a path (JSON, or YAML for .yaml/.yml), or a bare name looked up in
// fixtures/profiles/. Every problem becomes one ProfileError (exit 2) naming the file and path.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { notAFile, readInputText } from '../../base/input/read-input.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadInputError } from '../../base/errors/blebench-error.js';
import { withPosition } from '../../base/input/issues.js';
import { ProfileError } from './profile-issues.js';
import type { ResolvedProfile } from './resolved-profile.js';
import { resolveProfileDocument } from './resolve-profile.js';
import { parseSourceText } from '../../base/input/source-text.js';

const EXTENSIONS = ['.json', '.yaml', '.yml'];

/** The profile both roles use when none is named: it covers every case design.md lists. */
export const DEFAULT_PROFILE = 'default';

export interface LoadOptions {
  /** Where relative paths start; process.cwd() by default. */
  readonly cwd?: string;
  /** Where bare names are looked up; the project's fixtures/profiles by default. */
  readonly profilesDir?: string;
}

/** The project's fixtures/profiles, found upward from this module (works from the sources and from dist/). */
export function defaultProfilesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'fixtures', 'profiles');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('blebench cannot find its fixtures/profiles directory');
    dir = up;
  }
}

/** Names a bare `--profile NAME` accepts. */
export function listProfiles(profilesDir = defaultProfilesDir()): string[] {
  return readdirSync(profilesDir)
    .filter((f) => EXTENSIONS.includes(path.extname(f)) && !f.endsWith('.schema.json'))
    .map((f) => path.basename(f, path.extname(f)))
    .sort();
}

export function loadProfile(pathOrName: string, options: LoadOptions = {}): ResolvedProfile {
  const cwd = options.cwd ?? process.cwd();
  const file = findProfileFile(pathOrName, cwd, options.profilesDir);
  const shown = displayFile(file, cwd);
  const read = readInputText(file);
  if (!read.ok) {
    const at = read.line !== undefined ? ` (line ${read.line}, column ${read.column})` : '';
    throw new BadInputError('PROFILE_UNREADABLE', `${shown}${at}: cannot use it as a profile: ${read.problem}`, { file: shown }, {
      hint: 'A profile is a JSON or YAML text file in UTF-8 (fixtures/profiles/README.md).',
    });
  }
  const format = ['.yaml', '.yml'].includes(path.extname(file).toLowerCase()) ? 'yaml' : 'json';
  const parsed = parseSourceText(read.text, format);
  if (!parsed.ok) throw new ProfileError('PROFILE_SYNTAX', shown, parsed.issues);
  const { source } = parsed;
  const resolved = resolveProfileDocument(source.data, shown);
  const issues = [...source.issues, ...(resolved.ok ? [] : resolved.issues)];
  if (issues.length) throw new ProfileError('PROFILE_INVALID', shown, issues.map((i) => withPosition(i, source.locate)));
  if (!resolved.ok) throw new Error('unreachable');
  return resolved.profile;
}

function findProfileFile(pathOrName: string, cwd: string, profilesDir: string | undefined): string {
  const direct = path.resolve(cwd, pathOrName);
  const not = notAFile(direct);
  if (not === undefined) return direct;
  // A path that is there but is no file (a directory, a symlink loop, under a regular file) says so.
  if (!not.startsWith('there is no such file')) {
    throw new BadInputError('PROFILE_UNREADABLE', `${displayFile(direct, cwd)}: cannot use it as a profile: ${not}`, { file: pathOrName }, {
      hint: 'Pass the path of a JSON or YAML profile file, or a built-in profile by name (e.g. --profile default).',
    });
  }
  const looksLikePath = pathOrName.includes('/') || pathOrName.includes(path.sep) || EXTENSIONS.includes(path.extname(pathOrName));
  if (!looksLikePath) {
    const dir = profilesDir ?? defaultProfilesDir();
    for (const ext of EXTENSIONS) {
      const candidate = path.join(dir, pathOrName + ext);
      if (existsSync(candidate)) return candidate;
    }
    throw new BadInputError(
      'PROFILE_NOT_FOUND',
      `no profile named "${pathOrName}": it is neither a file here nor one of ${displayFile(dir, cwd)}/*.json|yaml`,
      { file: pathOrName },
      { hint: `Built-in profiles: ${listProfiles(dir).join(', ')}. Or pass the path of your own JSON or YAML file.` },
    );
  }
  throw new BadInputError('PROFILE_NOT_FOUND', `${displayFile(direct, cwd)}: no such profile file`, { file: pathOrName }, {
    hint: 'Check the path, or pass a built-in profile by name (e.g. --profile default).',
  });
}

/** Relative to the working directory when inside it, absolute otherwise. */
function displayFile(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
