#!/usr/bin/env node
// Renames declarations across the tree with TypeScript's language service (every reference, imports
// included), as the names commit did; to replay a rename after a merge brought new references:
//   node scripts/rename-symbol.cjs . 'common/stack/trace/tap.ts:TimeoutError:TapWaitError' ...
// FILE:NAME:NEW renames the exported declaration NAME of FILE; FILE:TEXT#NAME:NEW renames the NAME
// that follows TEXT in FILE (a class property, say: 'central/central-client.ts:readonly #noble:loadedNoble').
const fs = require('fs'); const path = require('path');
const root = path.resolve(process.argv[2] ?? '.');
const ts = require(require.resolve('typescript', { paths: [root] }));
const cfg = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const files = new Map(cfg.fileNames.map((f) => [f, { v: 0, text: fs.readFileSync(f, 'utf8') }]));
const host = {
  getScriptFileNames: () => [...files.keys()],
  getScriptVersion: (f) => String(files.get(f)?.v ?? 0),
  getScriptSnapshot: (f) => { const t = files.get(f)?.text ?? (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined); return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t); },
  getCurrentDirectory: () => root, getCompilationSettings: () => cfg.options, getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: ts.sys.fileExists, readFile: ts.sys.readFile, readDirectory: ts.sys.readDirectory, directoryExists: ts.sys.directoryExists, getDirectories: ts.sys.getDirectories,
};
const ls = ts.createLanguageService(host, ts.createDocumentRegistry());
for (const spec of process.argv.slice(3)) {
  const [rel, name, next] = spec.split(':');
  const file = path.join(root, rel);
  const text = files.get(file).text;
  const exact = name.includes('#');
  const re = exact ? new RegExp(name.split('#')[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '(' + name.split('#')[1] + ')\\b') : new RegExp(`^export\\s+(?:declare\\s+)?(?:abstract\\s+)?(?:async\\s+)?(?:const|let|function\\*?|class|interface|type|enum)\\s+(${name})\\b`, 'm');
  const m = re.exec(text);
  if (!m) { console.error(`not found: ${spec}`); process.exitCode = 1; continue; }
  const id = exact ? name.split('#')[1] : name;
  const pos = m.index + m[0].length - id.length;
  const locs = ls.findRenameLocations(file, pos, false, false, { providePrefixAndSuffixTextForRename: false }) ?? [];
  const byFile = new Map();
  for (const l of locs) { if (!byFile.has(l.fileName)) byFile.set(l.fileName, []); byFile.get(l.fileName).push(l); }
  for (const [f, ls2] of byFile) {
    let t = files.get(f).text;
    for (const l of ls2.sort((a, b) => b.textSpan.start - a.textSpan.start)) t = t.slice(0, l.textSpan.start) + (l.prefixText ?? '') + next + (l.suffixText ?? '') + t.slice(l.textSpan.start + l.textSpan.length);
    files.get(f).text = t; files.get(f).v++;
    fs.writeFileSync(f, t);
  }
  console.log(`${name} -> ${next} (${rel}): ${locs.length} places in ${byFile.size} files: ${[...byFile.keys()].map((f) => path.relative(root, f)).join(', ')}`);
}
