#!/usr/bin/env node
// `npm test`'s first step (pretest): are the programs the tests run (scripts/test-tools.mjs) on the
// PATH? As root with apt-get (CI, containers) the missing ones are installed without questions;
// otherwise it stops at once with the exact command for this system, instead of a test failing with
// `spawnSync btmon ENOENT` minutes in. Plain JavaScript: it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TEST_TOOLS } from './test-tools.mjs';

/** The full path of `program` on the PATH, or undefined. */
export function which(program, envPath = process.env.PATH ?? '') {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, program);
    try {
      accessSync(full, constants.X_OK);
      if (statSync(full).isFile()) return full;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

const MANAGERS = [
  { key: 'apt', program: 'apt-get', install: (pkgs) => `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`, root: true },
  { key: 'dnf', program: 'dnf', install: (pkgs) => `dnf install -y ${pkgs.join(' ')}`, root: true },
  { key: 'brew', program: 'brew', install: (pkgs) => `brew install ${pkgs.join(' ')}`, root: false },
];

/** What to run to get `missing` on this system: the command line, and what no package offers. */
export function installAdvice(missing, { envPath = process.env.PATH ?? '', isRoot = process.getuid?.() === 0 } = {}) {
  const manager = MANAGERS.find((m) => which(m.program, envPath));
  if (!manager) {
    const apt = [...new Set(missing.map((t) => t.packages.apt))];
    return { command: undefined, text: `no apt-get, dnf or brew on the PATH: install ${missing.map((t) => t.program).join(', ')} with this system's package manager (on Debian/Ubuntu the packages are ${apt.join(' ')})` };
  }
  const pkgs = [...new Set(missing.map((t) => t.packages[manager.key]).filter(Boolean))];
  const none = missing.filter((t) => !t.packages[manager.key]);
  const sudo = manager.root && !isRoot ? (which('sudo', envPath) ? 'sudo ' : '') : '';
  const command = pkgs.length ? `${sudo}${manager.install(pkgs)}` : undefined;
  const lines = [];
  if (command) lines.push(`install ${pkgs.length === 1 ? 'it' : 'them'} with:\n\n    ${command}${manager.root && !isRoot && !sudo ? '    (as root)' : ''}\n`);
  for (const t of none) lines.push(`${t.program}: ${manager.program} has no package for it (${t.program} is Linux-only): run the tests on Linux (a container or VM will do)`);
  return { command, text: lines.join('\n') };
}

function missingTools(envPath) {
  return TEST_TOOLS.filter((t) => !which(t.program, envPath));
}

function describe(tools) {
  return tools.map((t) => `  ${t.program}: ${t.why}`).join('\n');
}

/** Runs the check; returns the exit code. `say` gets every line for the terminal (stderr). */
export function checkTestTools({ envPath = process.env.PATH ?? '', isRoot = process.getuid?.() === 0, say = (s) => process.stderr.write(s) } = {}) {
  let missing = missingTools(envPath);
  if (!missing.length) {
    say(`test tools: ${TEST_TOOLS.map((t) => t.program).join(', ')} found\n`);
    return 0;
  }
  const aptGet = which('apt-get', envPath);
  if (isRoot && aptGet) {
    const pkgs = [...new Set(missing.map((t) => t.packages.apt))];
    say(`test tools missing, installing as root with apt-get: ${pkgs.join(' ')}\n`);
    const env = { ...process.env, PATH: envPath, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (args) => spawnSync(aptGet, args, { env, stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
    const ok = run(['update', '-q']) && run(['install', '-y', '-q', '--no-install-recommends', ...pkgs]);
    missing = missingTools(envPath);
    if (ok && !missing.length) {
      say(`test tools: ${TEST_TOOLS.map((t) => t.program).join(', ')} installed\n`);
      return 0;
    }
    say(`\nnpm test: apt-get could not install everything; still missing:\n${describe(missing)}\n`);
  } else {
    say(`\nnpm test: the tests run programs this machine lacks:\n${describe(missing)}\n`);
  }
  say(`\n${installAdvice(missing, { envPath, isRoot }).text}\nthen run \`npm test\` again.\n`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = checkTestTools();
