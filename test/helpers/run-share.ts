// vitest's globalSetup: a folder that lives as long as one `vitest run`, where test files in different
// workers share what is the same for all of them in that run (tshark's reading of a capture: see
// test/capture/decoded-rows.ts). Removed when the run ends, so nothing carries over to the next run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    runShareDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-run-share-'));
  project.provide('runShareDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
