/**
 * Turns an OpenAPI schema into a "shape": the property names it declares, with nested shapes for object and
 * array-of-object properties. The contract tests use it to check that every key a simulator emits is one the
 * spec declares (extra keys would let our client depend on fields the real API never sends). A shape is the
 * union of a schema's own properties and those of its allOf/oneOf/anyOf parts, since some files (ShipStation V2)
 * compose nearly every schema.
 */
import { readFileSync } from 'node:fs';
import { parseYamlLite, type YamlValue } from './yaml-lite.ts';

export interface Shape {
  /** Declared property names mapped to the nested shape (undefined for scalars or free-form values). */
  properties: Map<string, Shape | undefined>;
}

type Obj = { [key: string]: YamlValue };

function isObj(v: YamlValue | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function loadSpec(path: string): Obj {
  const doc = parseYamlLite(readFileSync(path, 'utf8'));
  if (!isObj(doc)) throw new Error(`${path} is not an OpenAPI document`);
  return doc;
}

/** Follows `$ref`s; `seen` (the refs on the current path) stops cycles. */
function resolve(doc: Obj, node: YamlValue | undefined, seen: Set<string>): Obj | undefined {
  let current = node;
  while (isObj(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (seen.has(ref)) return undefined;
    seen.add(ref);
    current = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<YamlValue | undefined>((acc, part) => (isObj(acc) ? acc[part] : undefined), doc);
  }
  return isObj(current) ? current : undefined;
}

/** Shape of `components.schemas[name]`; throws when the schema is missing so a test fails rather than skips. */
export function schemaShape(doc: Obj, name: string): Shape {
  const schemas = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : undefined;
  if (!schemas || !(name in schemas)) throw new Error(`schema ${name} not found`);
  const shape = shapeOf(doc, schemas[name], new Set());
  if (!shape) throw new Error(`schema ${name} declares no properties`);
  return shape;
}

function shapeOf(doc: Obj, node: YamlValue | undefined, seen: Set<string>): Shape | undefined {
  const path = new Set(seen);
  const schema = resolve(doc, node, path);
  if (!schema) return undefined;
  if (schema.type === 'array') return shapeOf(doc, schema.items, path);
  const parts: Shape[] = [];
  if (isObj(schema.properties)) {
    const properties = new Map<string, Shape | undefined>();
    for (const [key, child] of Object.entries(schema.properties)) properties.set(key, shapeOf(doc, child, path));
    parts.push({ properties });
  }
  for (const combinator of ['allOf', 'oneOf', 'anyOf']) {
    const list = schema[combinator];
    if (!Array.isArray(list)) continue;
    for (const sub of list) {
      const shape = shapeOf(doc, sub, path);
      if (shape) parts.push(shape);
    }
  }
  return parts.length === 0 ? undefined : unionShapes(...parts);
}

/** Every key path in `value` that the shape does not declare, e.g. `invoice.line_items[].foo`. */
export function undeclaredKeys(value: unknown, shape: Shape, path = ''): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((v) => out.push(...undeclaredKeys(v, shape, `${path}[]`)));
    return [...new Set(out)];
  }
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (!shape.properties.has(key)) {
      out.push(here);
      continue;
    }
    const nested = shape.properties.get(key);
    if (nested && typeof child === 'object' && child !== null) out.push(...undeclaredKeys(child, nested, here));
  }
  return [...new Set(out)];
}

/** Flattened list of declared key paths (for debugging a failing check). */
export function describeShape(shape: Shape, path = '', depth = 0): string[] {
  const out: string[] = [];
  for (const [key, nested] of shape.properties) {
    const here = path ? `${path}.${key}` : key;
    out.push(here);
    if (nested && depth < 3) out.push(...describeShape(nested, here, depth + 1));
  }
  return out;
}

/** A shape declaring what any of the given shapes declares (one record type, several operations). */
export function unionShapes(...shapes: Shape[]): Shape {
  const properties = new Map<string, Shape | undefined>();
  for (const shape of shapes) {
    for (const [key, nested] of shape.properties) {
      const existing = properties.get(key);
      properties.set(key, existing && nested ? unionShapes(existing, nested) : (existing ?? nested));
    }
  }
  return { properties };
}
