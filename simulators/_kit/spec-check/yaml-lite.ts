/**
 * A small YAML reader for the block-style subset the platforms' OpenAPI files use: mappings, `-` sequences, quoted
 * and plain scalars, one-line flow `[...]` / `{...}`, block scalars (`|`, `>-`, …) and scalars continued on
 * more-indented lines (read as text). No YAML library is installed in the repo and we were asked not to add one;
 * this is enough to walk `components.schemas` for the response-shape checks. It is not a general YAML parser:
 * anchors and multi-line flow collections are refused loudly.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  no: number;
}

export function parseYamlLite(source: string): YamlValue {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*(#.*)?$/.test(raw)) return;
    const indent = raw.length - raw.trimStart().length;
    lines.push({ indent, text: raw.trim(), no: i + 1 });
  });
  const cursor = { at: 0 };
  if (lines.length === 0) return null;
  return parseBlock(lines, cursor, lines[0]!.indent);
}

function parseBlock(lines: Line[], cursor: { at: number }, indent: number): YamlValue {
  const first = lines[cursor.at]!;
  return isDash(first.text) ? parseSequence(lines, cursor, indent) : parseMapping(lines, cursor, indent);
}

function isDash(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function parseSequence(lines: Line[], cursor: { at: number }, indent: number): YamlValue[] {
  const out: YamlValue[] = [];
  while (cursor.at < lines.length) {
    const line = lines[cursor.at]!;
    if (line.indent !== indent || !isDash(line.text)) break;
    const rest = line.text === '-' ? '' : line.text.slice(2).trimStart();
    if (rest === '') {
      cursor.at++;
      const next = lines[cursor.at];
      out.push(next && next.indent > indent ? parseBlock(lines, cursor, next.indent) : null);
    } else if (splitKey(rest)) {
      // `- key: value` opens a mapping whose keys sit at the column after the dash.
      const column = indent + (line.text.length - rest.length);
      lines[cursor.at] = { indent: column, text: rest, no: line.no };
      out.push(parseMapping(lines, cursor, column));
    } else {
      cursor.at++;
      out.push(scalarWithContinuation(lines, cursor, indent, rest, line.no));
    }
  }
  return out;
}

function parseMapping(lines: Line[], cursor: { at: number }, indent: number): { [key: string]: YamlValue } {
  const out: { [key: string]: YamlValue } = {};
  while (cursor.at < lines.length) {
    const line = lines[cursor.at]!;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new Error(`yaml-lite: unexpected indent at line ${line.no}`);
    const pair = splitKey(line.text);
    if (!pair) break;
    cursor.at++;
    const [key, rest] = pair;
    if (rest !== '') {
      out[key] = scalarWithContinuation(lines, cursor, indent, rest, line.no);
      continue;
    }
    const next = lines[cursor.at];
    if (next && next.indent > indent) out[key] = parseBlock(lines, cursor, next.indent);
    else if (next && next.indent === indent && isDash(next.text)) out[key] = parseSequence(lines, cursor, indent);
    else out[key] = null;
  }
  return out;
}

/**
 * A scalar whose text may go on over the following more-indented lines: a block scalar (`|`, `>`, with chomping
 * or indentation indicators) or a folded plain/quoted scalar. Descriptions are all this reader meets there.
 */
function scalarWithContinuation(lines: Line[], cursor: { at: number }, indent: number, rest: string, lineNo: number): YamlValue {
  const more: string[] = [];
  while (cursor.at < lines.length && lines[cursor.at]!.indent > indent) more.push(lines[cursor.at++]!.text);
  if (/^[|>][-+0-9]*(\s+#.*)?$/.test(rest)) return more.join(rest.startsWith('|') ? '\n' : ' ');
  return parseScalar(more.length ? `${rest} ${more.join(' ')}` : rest, lineNo);
}

/** Splits `key: rest` (key plain or quoted); undefined when the text is not a mapping entry. */
function splitKey(text: string): [string, string] | undefined {
  if (text.startsWith("'") || text.startsWith('"')) {
    const end = closingQuote(text, 0);
    if (end < 0) return undefined;
    const after = text.slice(end + 1);
    if (!after.startsWith(':')) return undefined;
    return [String(parseScalar(text.slice(0, end + 1), 0)), after.slice(1).trim()];
  }
  if (text.startsWith('[') || text.startsWith('{')) return undefined;
  const m = /^([^:]+?):(?:\s+(.*))?$/.exec(text);
  if (!m) return undefined;
  return [m[1]!.trim(), (m[2] ?? '').trim()];
}

function closingQuote(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (q === "'" && text[i] === "'") {
      if (text[i + 1] === "'") {
        i++;
        continue;
      }
      return i;
    }
    if (q === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (q === '"' && text[i] === '"') return i;
  }
  return -1;
}

function parseScalar(text: string, lineNo: number): YamlValue {
  if (/^[&*!|>]/.test(text)) throw new Error(`yaml-lite: unsupported construct at line ${lineNo}: ${text.slice(0, 20)}`);
  if (text.startsWith('[') || text.startsWith('{')) {
    const pos = { at: 0 };
    const value = parseFlow(text, pos, lineNo);
    return value;
  }
  if (text.startsWith("'")) return text.slice(1, closingQuote(text, 0)).replace(/''/g, "'");
  if (text.startsWith('"')) return JSON.parse(text.slice(0, closingQuote(text, 0) + 1)) as string;
  const plain = text.replace(/\s+#.*$/, '');
  if (plain === 'true') return true;
  if (plain === 'false') return false;
  if (plain === 'null' || plain === '~') return null;
  // Numbers stay strings when JS would lose digits (long Zoho IDs in examples).
  if (/^-?\d+(\.\d+)?$/.test(plain) && Number.isSafeInteger(Math.trunc(Number(plain)))) return Number(plain);
  return plain;
}

function parseFlow(text: string, pos: { at: number }, lineNo: number): YamlValue {
  skipSpace(text, pos);
  const c = text[pos.at];
  if (c === '[') {
    pos.at++;
    const out: YamlValue[] = [];
    for (;;) {
      skipSpace(text, pos);
      if (text[pos.at] === ']') {
        pos.at++;
        return out;
      }
      out.push(parseFlow(text, pos, lineNo));
      skipSpace(text, pos);
      if (text[pos.at] === ',') pos.at++;
      else if (text[pos.at] !== ']') throw new Error(`yaml-lite: bad flow sequence at line ${lineNo}`);
    }
  }
  if (c === '{') {
    pos.at++;
    const out: { [key: string]: YamlValue } = {};
    for (;;) {
      skipSpace(text, pos);
      if (text[pos.at] === '}') {
        pos.at++;
        return out;
      }
      const key = String(parseFlow(text, pos, lineNo));
      skipSpace(text, pos);
      if (text[pos.at] !== ':') throw new Error(`yaml-lite: bad flow mapping at line ${lineNo}`);
      pos.at++;
      out[key] = parseFlow(text, pos, lineNo);
      skipSpace(text, pos);
      if (text[pos.at] === ',') pos.at++;
      else if (text[pos.at] !== '}') throw new Error(`yaml-lite: bad flow mapping at line ${lineNo}`);
    }
  }
  if (c === "'" || c === '"') {
    const end = closingQuote(text, pos.at);
    if (end < 0) throw new Error(`yaml-lite: unterminated string at line ${lineNo}`);
    const value = parseScalar(text.slice(pos.at, end + 1), lineNo);
    pos.at = end + 1;
    return value;
  }
  const m = /^[^,\]}:]*/.exec(text.slice(pos.at));
  const token = (m?.[0] ?? '').trim();
  pos.at += m?.[0].length ?? 0;
  return parseScalar(token, lineNo);
}

function skipSpace(text: string, pos: { at: number }): void {
  while (pos.at < text.length && /\s/.test(text[pos.at]!)) pos.at++;
}
