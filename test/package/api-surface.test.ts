/**
 * The public surface, as a report: every name each entry point of the package exports, with its kind, read by
 * the TypeScript compiler from the entry's `index.ts`, compared with `api-surface.txt` beside this file. A change
 * to the surface is a visible diff in review; make it on purpose with `UPDATE_API_REPORT=1` and commit the file.
 * Every exported name must also carry a doc comment: each one is a promise kept across versions.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const reportFile = fileURLToPath(new URL('./api-surface.txt', import.meta.url));

/** The package's entry points, as `exports` in package.json names them, and their sources. */
function entryPoints(): Array<{ name: string; source: string }> {
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
    exports: Record<string, { import?: string } | string>;
  };
  return Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === 'object' && target.import)
    .map(([subpath, target]) => {
      const built = (target as { import: string }).import; // ./dist/client/index.js
      const source = built.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');
      return { name: `bulkflow${subpath.slice(1)}`, source: path.join(repo, source) };
    });
}

function kindOf(symbol: ts.Symbol): string {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias && f & ts.SymbolFlags.Variable) return 'const+type';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & ts.SymbolFlags.Variable) return 'const';
  return 'other';
}

/** `entry → sorted lines "kind name"`, and the names that lack a doc comment. */
function surface(): { report: string; undocumented: string[] } {
  const entries = entryPoints();
  const program = ts.createProgram(
    entries.map((e) => e.source),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  const undocumented: string[] = [];
  const sections = entries.map(({ name, source }) => {
    const file = program.getSourceFile(source);
    const moduleSymbol = file && checker.getSymbolAtLocation(file);
    assert.ok(moduleSymbol, `${source} has no module symbol`);
    const lines = checker.getExportsOfModule(moduleSymbol).map((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const documented = symbol.getDocumentationComment(checker).length > 0 || symbol.getJsDocTags(checker).length > 0;
      if (!documented) undocumented.push(`${name}: ${exported.name}`);
      return `  ${kindOf(symbol)} ${exported.name}`;
    });
    return `${name}\n${lines.sort().join('\n')}\n`;
  });
  return { report: sections.join('\n'), undocumented };
}

test('the exported names of each entry point are the ones in api-surface.txt', () => {
  const { report } = surface();
  if (process.env.UPDATE_API_REPORT === '1') writeFileSync(reportFile, report);
  const expected = readFileSync(reportFile, 'utf8');
  assert.equal(report, expected, 'the public surface changed: check the diff, then UPDATE_API_REPORT=1 and commit');
});

test('every exported name is documented', () => {
  assert.deepEqual(surface().undocumented, []);
});
