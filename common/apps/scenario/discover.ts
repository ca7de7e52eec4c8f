// Which scenario files a run covers: the files named, and every *.yaml|*.yml|*.json under the folders
// named (recursively), each once, in a stable order (folders sorted by path, given files in the order given).
import { readdirSync, statSync, type Stats } from 'node:fs';
import { fileErrorWords } from '../../base/input/read-input.js';
import path from 'node:path';
import { BadInputError } from '../../base/errors/blebench-error.js';
import { SCENARIO_EXTENSIONS } from './load-scenario.js';

/** Files that live beside scenarios but are not scenarios. */
const NOT_SCENARIOS = /\.schema\.json$/;

const isScenarioFile = (name: string) => (SCENARIO_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase()) && !NOT_SCENARIOS.test(name);

export function discoverScenarios(paths: readonly string[], cwd = process.cwd()): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const key = path.resolve(cwd, file);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(file);
    }
  };
  for (const p of paths) {
    const full = path.resolve(cwd, p);
    let st: Stats;
    try {
      st = statSync(full);
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      throw new BadInputError('SCENARIO_NOT_FOUND', `${p}: ${missing ? 'no such scenario file or folder' : `cannot use it as a scenario: ${fileErrorWords(e)}`}`, { file: p }, { hint: 'Pass scenario files (*.yaml, *.yml, *.json) or folders holding them, e.g. fixtures/scenarios.' });
    }
    if (st.isDirectory()) for (const f of walk(full)) add(path.join(p, path.relative(full, f)));
    else add(p);
  }
  return out;
}

/** Every scenario file below `dir`, sorted by path (code unit order: the same on every machine). */
function walk(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(full));
    else if (entry.isFile() && isScenarioFile(entry.name)) files.push(full);
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
