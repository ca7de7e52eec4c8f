// blebench as a package: `npm pack` gives a tarball that, installed into an empty project, runs
// `npx blebench central` (the matrix on the virtual radio), `npx blebench run` (the default suite)
// and `npx blebench air`, from built JavaScript alone: no TypeScript, no tests, no dev dependencies.
//
// Offline: the npm cache holds every dependency's tarball (npm ci put them there) but not the
// registry's package documents, which `npm install` needs to choose versions. So the empty project
// gets a lockfile first, made from blebench's own (its production entries only): `npm install
// ./blebench-*.tgz` then takes every package from the cache by its integrity, as a user's install
// takes them from the registry. Each entry names its tarball's registry address (`resolved`, which
// blebench's lockfile leaves out): without it npm reads every package's document from the cache to
// find that address again (~2 s of CPU for some 240 packages) before it takes the tarball by integrity.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve('.');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string>; allowScripts: Record<string, boolean>; bin: Record<string, string>; license: string; engines: Record<string, string> };
const dir = mkdtempSync(path.join(tmpdir(), 'blebench-pack-'));
const app = path.join(dir, 'app');
const env = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', BLEBENCH_DEBUG: '' };
let tarball = '';
let packed: string[] = [];
/** What `npm install` of the tarball said on stderr (its warnings). */
let installSaid = '';

function npm(args: string[], cwd: string) {
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 170_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} in ${cwd}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}

function npx(args: string[]) {
  return spawnSync('npx', ['blebench', ...args], { cwd: app, env, encoding: 'utf8', timeout: 60_000 });
}

/** The registry npm takes packages from (npm sets npm_config_registry for `npm test`), ending in "/". */
const registry = (process.env.npm_config_registry ?? 'https://registry.npmjs.org/').replace(/\/?$/, '/');

/** Where the registry serves a package's tarball: REGISTRY/NAME/-/BASENAME-VERSION.tgz (@scope/x: x-VERSION.tgz). */
const tarballUrl = (name: string, version: string) => `${registry}${name}/-/${name.split('/').pop()}-${version}.tgz`;

/** The empty project's lockfile: blebench from the tarball, its production dependencies as blebench's lockfile has them, with their registry addresses. */
function appLockfile(tgz: string): string {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean; name?: string; version: string; resolved?: string }> };
  const packages: Record<string, unknown> = {
    '': { name: 'app', dependencies: { blebench: `file:${tgz}` } },
    'node_modules/blebench': { version: pkg.version, resolved: `file:${tgz}`, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [k, v] of Object.entries(lock.packages)) {
    if (!k || v.dev) continue;
    const { devOptional: _, ...entry } = v;
    // an alias (node_modules/string-width-cjs) names the package it holds
    packages[k] = { ...entry, resolved: v.resolved ?? tarballUrl(v.name ?? k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length), v.version) };
  }
  return JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }, null, 2);
}

/** Every process below `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  let kids: number[] = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

beforeAll(() => {
  // dist/ is built by npm test's pretest; --ignore-scripts keeps pack from building it again.
  const out = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT).stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.basename(out[0]!.filename);
  packed = out[0]!.files.map((f) => f.path);
  mkdirSync(app);
  // The project approves the native builds blebench's own package.json approves (npm 11 blocks
  // dependencies' install scripts unless the installing project allows them), and blebench's own:
  // npm runs `prepare` for a tarball it is allowed to, and there, without sources or TypeScript, it
  // must do nothing (a `tsc` there would fail the install). npm 11 keys a tarball's approval by its
  // resolved location (`file:/abs/blebench-VERSION.tgz`, as `npm install-scripts approve` writes it), not by name.
  // The empty project's package.json as `npm init -y` writes it (without starting an npm for it).
  const appPkg = { name: 'app', version: '1.0.0', description: '', main: 'index.js', scripts: { test: 'echo "Error: no test specified" && exit 1' }, keywords: [], author: '', license: 'ISC' };
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ ...appPkg, private: true, dependencies: { blebench: `file:../${tarball}` }, allowScripts: { ...pkg.allowScripts, [`file:${path.join(dir, tarball)}`]: true } }, null, 2));
  writeFileSync(path.join(app, 'package-lock.json'), appLockfile(`../${tarball}`));
  installSaid = npm(['install', `../${tarball}`], app).stderr;
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack', () => {
  it('the tarball holds the built output, fixtures and docs; no sources, tests or build files', () => {
    expect(tarball).toBe(`${pkg.name}-${pkg.version}.tgz`);
    for (const f of ['package.json', 'README.md', 'bin/blebench.js', 'dist/bin/main.js', 'dist/central/noble/load.js', 'dist/peripheral/bleno/load.js', 'fixtures/profiles/default.json', 'fixtures/scenarios/README.md', 'docs/ci.md', 'docs/hardware.md']) expect(packed).toContain(f);
    expect(packed.filter((f) => f.startsWith('fixtures/scenarios/') && f.endsWith('.yaml')).length).toBe(readdirSync('fixtures/scenarios').filter((f) => f.endsWith('.yaml')).length);
    expect(packed.filter((f) => /^(test|scripts\/check|\.ci)\/|\.ts$|\.map$|\.tsbuildinfo$|^tsconfig|^vitest/.test(f))).toEqual([]);
  });

  it('installed: no dev dependency came with it, the approved native build ran, nothing was compiled from TypeScript', () => {
    const nm = path.join(app, 'node_modules');
    expect(existsSync(path.join(nm, '@abandonware/bluetooth-hci-socket/build/Release/bluetooth_hci_socket.node')), 'the kernel socket addon was built').toBe(true);
    expect(existsSync(path.join(nm, 'typescript'))).toBe(false);
    for (const dev of Object.keys(pkg.devDependencies)) expect(existsSync(path.join(nm, dev)), dev).toBe(false);
    expect(existsSync(path.join(nm, 'blebench/dist/bin/main.js'))).toBe(true);
    expect(existsSync(path.join(nm, 'blebench/test'))).toBe(false);
    // every install script approved, blebench's own prepare too (it ran, and did nothing: no sources here)
    expect(installSaid).not.toMatch(/not yet covered by allowScripts/);
  });

  it('npx blebench central: the matrix of the default profile on the virtual radio, every cell as the profile says', () => {
    const r = npx(['central']);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/verdict: OK: all \d+ cell\(s\) match profile "blebench default"/);
  });

  it('npx blebench run: the default suite from the package\'s fixtures, all passed', () => {
    const r = npx(['run', '--seed', '1']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const n = readdirSync('fixtures/scenarios').filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.schema.json')).length;
    expect(r.stdout).toMatch(new RegExp(`^${n} passed, 0 failed$`, 'm'));
  });

  it('npx blebench air: listens, serves a controller, and stops cleanly on SIGTERM', async () => {
    const sock = path.join(dir, 'air.sock');
    // Its own process group, so that nothing of it outlives the test (SIGKILL to the group at worst).
    const air = spawn('npx', ['blebench', 'air', '--listen', `unix:${sock}`], { cwd: app, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    air.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => air.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line within 20 s: ${out} ${err}`)), 20_000);
      air.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/listening on unix:/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // A host connects and gets a controller: HCI Reset answered with Command Complete, status 0.
    const host = net.connect(sock);
    host.write(Buffer.from([0x01, 0x03, 0x0c, 0x00]));
    const [answer] = (await once(host, 'data')) as [Buffer];
    expect([...answer.subarray(0, 7)]).toEqual([0x04, 0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00]);
    host.destroy();
    // SIGTERM to blebench itself (npx → sh → node): it closes the air and exits 0, and so does npx.
    const blebench = descendants(air.pid!).find((pid) => /blebench(\.js)?\0air\0/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
    expect(blebench, 'the blebench process under npx').toBeDefined();
    process.kill(blebench!, 'SIGTERM');
    const killer = setTimeout(() => process.kill(-air.pid!, 'SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(killer);
    expect(code).toBe(0);
    expect(existsSync(sock), 'the socket is removed').toBe(false);
    expect(err).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});

