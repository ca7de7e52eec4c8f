// Small helpers for the scenario tests: README examples, scenarios from inline text, windows.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { loadScenario, ScenarioError, type Scenario, type Step } from '../../common/apps/scenario/index.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const README = path.join(root, 'fixtures/scenarios/README.md');

/** The README's fenced examples of one language ('yaml' or 'json'), scenarios only. */
export function readmeExamples(lang: 'yaml' | 'json'): string[] {
  const text = readFileSync(README, 'utf8');
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!).filter((t) => /\bcentral\b/.test(t));
}

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-scenario-'));
let n = 0;

/** Write a scenario file (YAML unless the name says .json) in a temp folder; return its path. */
export function scenarioFile(text: string, name = `s${++n}.yaml`): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

export function scenarioFrom(text: string, name?: string): Scenario {
  return loadScenario(scenarioFile(text, name), { cwd: root });
}

/** A minimal valid scenario around these central steps (YAML lines, indented for `steps:`). */
export function withSteps(steps: string, extra = ''): string {
  return `name: t\ndescription: d\nperipheral:\n  profile: default\n${extra}central:\n  pairing: never\n  steps:\n${steps}\n`;
}

export function stepOf(steps: string, index = 0): Step {
  return scenarioFrom(withSteps(steps)).central.steps[index]!;
}

/** The ScenarioError loading a file throws. */
export function scenarioError(run: () => unknown): ScenarioError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError, but the scenario loaded');
}
