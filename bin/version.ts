// blebench's version, from its package.json, wherever it runs from.
import { readFileSync } from 'node:fs';

export function version(): string {
  // dist/bin/version.js → the package root is two folders up; from the sources (tests call main), one.
  for (const up of ['../../package.json', '../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version: string }).version;
    } catch {
      /* try the next place */
    }
  }
  return 'unknown';
}
