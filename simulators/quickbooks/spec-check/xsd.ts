/**
 * A reader for the subset of XML Schema the Intuit V3 XSDs use: named complex types with `xs:sequence` /
 * `xs:choice` of `xs:element`s, `xs:attribute`s, `xs:extension base=` inheritance, `xs:group ref=`, and
 * simple types with `xs:enumeration`. QBO's JSON keys are the XSD element and attribute names, so this is
 * enough to ask "may an Invoice carry a key called X?". No XML library is installed; the XSDs are regular
 * enough for a tag scanner.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface XsdType {
  name: string;
  base: string | undefined;
  /** Element and attribute names declared directly on this type (not inherited). */
  own: string[];
  /** Element name → its declared type (for walking into Line details, addresses…). */
  childTypes: Map<string, string>;
  groups: string[];
  /** `xs:simpleContent`: the JSON form carries the text as `value` (e.g. ReferenceType). */
  simpleContent: boolean;
}

export interface XsdIndex {
  types: Map<string, XsdType>;
  groups: Map<string, string[]>;
  enums: Map<string, string[]>;
}

const TAG = /<(\/?)xs:(\w+)((?:\s+[\w:]+\s*=\s*"[^"]*")*)\s*(\/?)>/g;
const ATTR = /([\w:]+)\s*=\s*"([^"]*)"/g;

function attrs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(ATTR)) out[m[1]!] = m[2]!;
  return out;
}

export function readXsd(dir: string, files: readonly string[]): XsdIndex {
  const index: XsdIndex = { types: new Map(), groups: new Map(), enums: new Map() };
  for (const file of files) scan(readFileSync(join(dir, file), 'utf8'), index);
  return index;
}

/** One pass per file. Only children at "element depth 0" of a named type count: anonymous nested types are skipped. */
function scan(text: string, index: XsdIndex): void {
  const stack: { tag: string; named?: XsdType; group?: string[]; enumName?: string }[] = [];
  let current: XsdType | undefined;
  let currentGroup: string[] | undefined;
  let currentEnum: string[] | undefined;
  let elementDepth = 0;
  for (const m of text.matchAll(TAG)) {
    const closing = m[1] === '/';
    const tag = m[2]!;
    const a = attrs(m[3] ?? '');
    const selfClosing = m[4] === '/';
    if (closing) {
      const top = stack.pop();
      if (top?.tag === 'element') elementDepth--;
      if (top?.named) current = undefined;
      if (top?.group) currentGroup = undefined;
      if (top?.enumName) currentEnum = undefined;
      continue;
    }
    const frame: { tag: string; named?: XsdType; group?: string[]; enumName?: string } = { tag };
    const topLevel = stack.length === 1;
    if (tag === 'complexType' && topLevel && a['name']) {
      current = { name: a['name'], base: undefined, own: [], childTypes: new Map(), groups: [], simpleContent: false };
      index.types.set(current.name, current);
      frame.named = current;
      elementDepth = 0;
    } else if (tag === 'simpleType' && topLevel && a['name']) {
      currentEnum = [];
      index.enums.set(a['name'], currentEnum);
      frame.enumName = a['name'];
    } else if (tag === 'group' && topLevel && a['name']) {
      currentGroup = [];
      index.groups.set(a['name'], currentGroup);
      frame.group = currentGroup;
      elementDepth = 0;
    } else if (tag === 'enumeration' && currentEnum && a['value'] !== undefined) {
      currentEnum.push(a['value']);
    } else if (tag === 'simpleContent' && current && elementDepth === 0) {
      current.simpleContent = true;
    } else if (tag === 'extension' && current && elementDepth === 0 && a['base']) {
      current.base = a['base'];
    } else if ((tag === 'element' || tag === 'attribute') && elementDepth === 0 && a['name']) {
      if (current) {
        current.own.push(a['name']);
        if (a['type']) current.childTypes.set(a['name'], a['type']);
      } else if (currentGroup) currentGroup.push(a['name']);
    } else if (tag === 'group' && current && elementDepth === 0 && a['ref']) {
      current.groups.push(a['ref']);
    }
    if (tag === 'element' && !selfClosing) elementDepth++;
    if (!selfClosing) stack.push(frame);
  }
}

/** Every key a JSON object of this type may carry: own elements and attributes, groups, and all bases'. */
export function allowedKeys(index: XsdIndex, typeName: string): Set<string> {
  const out = new Set<string>();
  let type = index.types.get(typeName);
  if (!type) throw new Error(`XSD type ${typeName} not found`);
  const seen = new Set<string>();
  while (type && !seen.has(type.name)) {
    seen.add(type.name);
    for (const n of type.own) out.add(n);
    if (type.simpleContent) out.add('value');
    for (const g of type.groups) for (const n of index.groups.get(g) ?? []) out.add(n);
    type = type.base ? index.types.get(type.base) : undefined;
  }
  return out;
}

/** The declared type of a child element, looked up through the base chain. */
export function childType(index: XsdIndex, typeName: string, element: string): string | undefined {
  let type = index.types.get(typeName);
  while (type) {
    const t = type.childTypes.get(element);
    if (t) return t;
    type = type.base ? index.types.get(type.base) : undefined;
  }
  return undefined;
}

export const XSD_FILES = ['IntuitBaseTypes.xsd', 'IntuitNamesTypes.xsd', 'Finance.xsd', 'IntuitRestServiceDef.xsd'] as const;
