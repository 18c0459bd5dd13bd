/**
 * Test support: checks a request body we build against a request schema in Zoho's OpenAPI files
 * (/work/shared/specs/zoho-books/*.yml). No YAML library is installed, so a small reader handles the
 * block-style subset those files use: mappings, `-` sequences, quoted and plain scalars, `{}` / `[]`.
 * A missing spec file or schema throws, so a test fails rather than skips.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { DecimalNumber, type BodyValue } from '../../_kit/json-body.ts';

export type Yaml = string | null | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

/** /work/shared/specs/zoho-books, found from this file (src/connectors/zoho-books/test-support/). */
export const SPEC_DIR = fileURLToPath(new URL('../../../../../shared/specs/zoho-books/', import.meta.url));

interface Line {
  indent: number;
  text: string;
}

export function readYaml(source: string): Yaml {
  const lines: Line[] = [];
  for (const raw of source.split(/\r?\n/)) {
    if (/^\s*(#.*)?$/.test(raw)) continue;
    lines.push({ indent: raw.length - raw.trimStart().length, text: raw.trim() });
  }
  const at = { i: 0 };
  return lines.length === 0 ? null : block(lines, at, lines[0]!.indent);
}

function isDash(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function block(lines: Line[], at: { i: number }, indent: number): Yaml {
  return isDash(lines[at.i]!.text) ? sequence(lines, at, indent) : mapping(lines, at, indent);
}

function sequence(lines: Line[], at: { i: number }, indent: number): Yaml[] {
  const out: Yaml[] = [];
  while (at.i < lines.length && lines[at.i]!.indent === indent && isDash(lines[at.i]!.text)) {
    const line = lines[at.i]!;
    const rest = line.text.slice(1).trimStart();
    if (rest === '') {
      at.i += 1;
      out.push(at.i < lines.length && lines[at.i]!.indent > indent ? block(lines, at, lines[at.i]!.indent) : null);
    } else if (splitKey(rest)) {
      // `- key: value` opens a mapping whose entries sit where `key` starts.
      const inner = indent + (line.text.length - rest.length);
      lines[at.i] = { indent: inner, text: rest };
      out.push(mapping(lines, at, inner));
    } else {
      at.i += 1;
      out.push(scalar(rest));
      skipDeeper(lines, at, indent);
    }
  }
  return out;
}

function mapping(lines: Line[], at: { i: number }, indent: number): YamlMap {
  const out: YamlMap = {};
  while (at.i < lines.length && lines[at.i]!.indent === indent && !isDash(lines[at.i]!.text)) {
    const entry = splitKey(lines[at.i]!.text);
    if (!entry) throw new Error(`spec-schema: cannot read line "${lines[at.i]!.text}"`);
    at.i += 1;
    if (entry.value !== '') {
      out[entry.key] = scalar(entry.value);
      skipDeeper(lines, at, indent);
    } else if (at.i < lines.length && (lines[at.i]!.indent > indent || (lines[at.i]!.indent === indent && isDash(lines[at.i]!.text)))) {
      out[entry.key] = block(lines, at, lines[at.i]!.indent);
    } else {
      out[entry.key] = null;
    }
  }
  return out;
}

/** Continuation lines of a multi-line plain scalar. */
function skipDeeper(lines: Line[], at: { i: number }, indent: number): void {
  while (at.i < lines.length && lines[at.i]!.indent > indent) at.i += 1;
}

function splitKey(text: string): { key: string; value: string } | null {
  if (text.startsWith("'") || text.startsWith('"')) {
    const close = text.indexOf(text[0]!, 1);
    if (close < 0 || text[close + 1] !== ':') return null;
    return { key: text.slice(1, close), value: text.slice(close + 2).trim() };
  }
  const match = /^([^\s'"][^:]*?):(?:\s+(.*))?$/.exec(text);
  if (!match) return null;
  return { key: match[1]!, value: (match[2] ?? '').trim() };
}

function scalar(text: string): Yaml {
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) return text.slice(1, -1).replace(/''/g, "'");
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) return text.slice(1, -1);
  return text;
}

// ---------------------------------------------------------------- schema check

function isMap(value: Yaml | undefined): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function loadSpec(file: string): YamlMap {
  const doc = readYaml(readFileSync(`${SPEC_DIR}${file}`, 'utf8'));
  if (!isMap(doc)) throw new Error(`${file} is not an OpenAPI document`);
  return doc;
}

function resolve(doc: YamlMap, node: Yaml | undefined): YamlMap | undefined {
  let current = node;
  for (let hops = 0; isMap(current) && typeof current['$ref'] === 'string'; hops += 1) {
    if (hops > 20) throw new Error('spec-schema: $ref loop');
    current = current['$ref']
      .replace(/^#\//, '')
      .split('/')
      .reduce<Yaml | undefined>((acc, part) => (isMap(acc) ? acc[part] : undefined), doc);
  }
  return isMap(current) ? current : undefined;
}

export interface CheckOptions {
  /** Properties the OAS types as string but the real API takes as a number (a known quirk, notes §6). */
  numericStrings?: readonly string[];
}

/**
 * Every problem of `body` against `components.schemas[name]`: unknown properties, missing required ones,
 * and scalar type mismatches. Throws when the schema does not exist.
 */
export function checkBody(doc: YamlMap, name: string, body: BodyValue, options: CheckOptions = {}): string[] {
  const schemas = isMap(doc['components']) ? doc['components']['schemas'] : undefined;
  if (!isMap(schemas) || !isMap(schemas[name])) throw new Error(`schema ${name} not found`);
  const problems: string[] = [];
  walk(doc, schemas[name], body, name, '', problems, options);
  return problems;
}

function walk(doc: YamlMap, node: Yaml | undefined, value: BodyValue, key: string, path: string, problems: string[], options: CheckOptions): void {
  const schema = resolve(doc, node);
  if (!schema) return;
  const type = schema['type'];
  const here = path || '(body)';
  if (isMap(schema['properties']) || type === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof DecimalNumber) {
      problems.push(`${here}: expected an object`);
      return;
    }
    const properties = isMap(schema['properties']) ? schema['properties'] : {};
    const required = Array.isArray(schema['required']) ? schema['required'] : [];
    for (const req of required) {
      if (typeof req === 'string' && value[req] === undefined) problems.push(`${here}: missing required ${req}`);
    }
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (!(k in properties)) {
        problems.push(`${path ? `${path}.` : ''}${k}: not in the schema`);
        continue;
      }
      walk(doc, properties[k], v, k, path ? `${path}.${k}` : k, problems, options);
    }
    return;
  }
  if (type === 'array') {
    if (!Array.isArray(value)) {
      problems.push(`${here}: expected an array`);
      return;
    }
    value.forEach((item, i) => walk(doc, schema['items'], item, key, `${path}[${i}]`, problems, options));
    return;
  }
  const isNumber = value instanceof DecimalNumber || typeof value === 'number';
  if (type === 'string' && typeof value !== 'string' && !(isNumber && options.numericStrings?.includes(key))) {
    problems.push(`${here}: expected a string`);
  }
  if ((type === 'number' || type === 'integer') && !isNumber) problems.push(`${here}: expected a number`);
  if (type === 'boolean' && typeof value !== 'boolean') problems.push(`${here}: expected a boolean`);
}
