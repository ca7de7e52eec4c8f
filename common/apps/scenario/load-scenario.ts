// Scenario files: YAML (.yaml/.yml) or JSON (.json). Every problem becomes one ScenarioError (exit 2)
// naming the file, the JSON path inside it, and the line and column.
import path from 'node:path';
import { isBlebenchError } from '../../base/errors/blebench-error.js';
import { loadProfile } from '../../stack/gatt/load-profile.js';
import { withPosition } from '../../base/input/issues.js';
import { parseSourceText } from '../../base/input/source-text.js';
import { readInputText } from '../../base/input/read-input.js';
import { resolveScenarioDocument, type ProfileLookup } from './resolve-scenario.js';
import type { Scenario } from './scenario.js';
import { ScenarioError } from './scenario-issues.js';

export const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

export interface LoadScenarioOptions {
  /** Where a relative `file` starts and what shown paths are relative to; process.cwd() by default. */
  readonly cwd?: string;
  /** Where bare profile names are looked up; the project's fixtures/profiles by default. */
  readonly profilesDir?: string;
}

export function loadScenario(file: string, options: LoadScenarioOptions = {}): Scenario {
  const cwd = options.cwd ?? process.cwd();
  const full = path.resolve(cwd, file);
  const shown = displayFile(full, cwd);
  const read = readInputText(full);
  if (!read.ok) {
    const at = read.line !== undefined ? { line: read.line, column: read.column ?? 1 } : {};
    throw new ScenarioError('SCENARIO_UNREADABLE', shown, [{ kind: 'unreadable', path: '', message: `cannot use it as a scenario: ${read.problem}`, ...at }]);
  }
  const format = path.extname(full).toLowerCase() === '.json' ? 'json' : 'yaml';
  const parsed = parseSourceText(read.text, format);
  if (!parsed.ok) throw new ScenarioError('SCENARIO_SYNTAX', shown, parsed.issues);
  const { source } = parsed;
  const resolved = resolveScenarioDocument(source.data, shown, profileLookup(path.dirname(full), options.profilesDir), path.dirname(full));
  const issues = [...source.issues, ...(resolved.ok ? [] : resolved.issues)];
  if (issues.length || !resolved.ok) throw new ScenarioError('SCENARIO_INVALID', shown, issues.map((i) => withPosition(i, source.locate)));
  return resolved.scenario;
}

/** A profile by name (fixtures/profiles) or by path relative to the scenario's folder. */
function profileLookup(scenarioDir: string, profilesDir: string | undefined): ProfileLookup {
  return (ref) => {
    try {
      return { ok: true, profile: loadProfile(ref, { cwd: scenarioDir, ...(profilesDir ? { profilesDir } : {}) }) };
    } catch (e) {
      if (!isBlebenchError(e)) throw e;
      return { ok: false, problem: `the profile "${ref}" cannot be used: ${e.message}${e.hint ? ` (${e.hint})` : ''}` };
    }
  };
}

/** Relative to the working directory when inside it, absolute otherwise. */
function displayFile(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
