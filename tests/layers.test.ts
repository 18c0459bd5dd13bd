/**
 * The layer rules of DESIGN.md §4, checked on every import of every source file (static and dynamic):
 * core does no I/O and imports nothing outside core; the engine imports only core and its ports;
 * connectors never import each other, the store, the queue or http; src/ and simulators/ never meet.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : walk(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

interface Import { from: string; spec: string; target: string | null }

function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map(({ fileName: spec }) => ({
    from: relative(root, file),
    spec,
    target: spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : null,
  }));
}

const all = [...walk(join(root, 'src')), ...walk(join(root, 'simulators'))].flatMap(importsOf);
const NODE_IO = /^(node:)?(fs|fs\/promises|http|https|net|child_process|dgram|dns|tls|worker_threads|cluster)$/;

function violations(predicate: (i: Import) => boolean): string[] {
  return all.filter(predicate).map((i) => `${i.from} imports ${i.spec}`);
}

describe('layer rules', () => {
  it('finds the source files it checks', () => {
    expect(all.some((i) => i.from.startsWith('src/core/'))).toBe(true);
    expect(all.some((i) => i.from.startsWith('src/connectors/'))).toBe(true);
    expect(all.some((i) => i.from.startsWith('simulators/'))).toBe(true);
  });

  it('core imports nothing outside core and does no I/O', () => {
    expect(violations((i) => i.from.startsWith('src/core/') && ((i.target !== null && !i.target.startsWith('src/core/')) || NODE_IO.test(i.spec)))).toEqual([]);
  });

  it('the engine (sync) imports only core and itself, and does no I/O', () => {
    expect(violations((i) => i.from.startsWith('src/sync/') && ((i.target !== null && !/^src\/(core|sync)\//.test(i.target)) || NODE_IO.test(i.spec)))).toEqual([]);
  });

  it('connectors never import another connector, the store, the queue or http', () => {
    expect(
      violations((i) => {
        const own = /^src\/connectors\/([^/]+)\//.exec(i.from)?.[1];
        if (!own || i.target === null || own === 'registry.ts') return false;
        if (/^src\/(store|queue|http|cli|config)\//.test(i.target) || i.target === 'src/main.ts') return true;
        if (i.target.startsWith('src/sync/') && i.target !== 'src/sync/ports.ts') return true;
        const other = /^src\/connectors\/([^/]+)\//.exec(i.target)?.[1];
        return other !== undefined && other !== own && other !== '_kit';
      }),
    ).toEqual([]);
  });

  it('src/ and simulators/ never import each other', () => {
    expect(violations((i) => i.from.startsWith('src/') && i.target !== null && i.target.startsWith('simulators/'))).toEqual([]);
    expect(violations((i) => i.from.startsWith('simulators/') && i.target !== null && i.target.startsWith('src/'))).toEqual([]);
  });
});
