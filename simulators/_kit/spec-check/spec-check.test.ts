import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeShape, loadSpec, schemaShape, undeclaredKeys, unionShapes } from './openapi-shape.ts';
import { parseYamlLite } from './yaml-lite.ts';

const SPEC = `
openapi: 3.0.0
info:
  title: 'Shop ''API'''
  description: |
    Two lines
    of text.
components:
  schemas:
    Money:
      type: object
      properties:
        amount: { type: number }
        currency: {type: string, enum: [USD, EUR]}
    Order:
      description: >-
        An order,
        folded.
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            total:
              $ref: '#/components/schemas/Money'
            lines:
              type: array
              items:
                type: object
                properties:
                  sku: { type: string }
                  parent:
                    $ref: '#/components/schemas/Order'
    Base:
      type: object
      properties:
        id:
          type: integer
          example: 123456789012345678901
        "quoted key": { type: string }
`;

describe('yaml-lite', () => {
  it('reads mappings, sequences, flow collections, quoted and block scalars', () => {
    const doc = parseYamlLite(SPEC) as Record<string, any>;
    expect(doc.openapi).toBe('3.0.0');
    expect(doc.info).toEqual({ title: "Shop 'API'", description: 'Two lines\nof text.' });
    expect(doc.components.schemas.Money.properties.currency).toEqual({ type: 'string', enum: ['USD', 'EUR'] });
    expect(doc.components.schemas.Order.description).toBe('An order, folded.');
    expect(doc.components.schemas.Order.allOf[0]).toEqual({ $ref: '#/components/schemas/Base' });
    expect(doc.components.schemas.Base.properties.id.example).toBe('123456789012345678901');
    expect(doc.components.schemas.Base.properties['quoted key']).toEqual({ type: 'string' });
    expect(parseYamlLite('- a\n- b: 1\n  c: [1, true, null]\n-\n  - x')).toEqual(['a', { b: 1, c: [1, true, null] }, ['x']]);
    expect(parseYamlLite('# only a comment')).toBeNull();
  });

  it('refuses what it does not understand rather than misread it', () => {
    expect(() => parseYamlLite('a: &anchor 1')).toThrow(/unsupported construct/);
    expect(() => parseYamlLite('a: *anchor')).toThrow(/unsupported construct/);
    expect(() => parseYamlLite('a:\n    b: 1\n  c: 2')).toThrow(/unexpected indent/);
    expect(() => parseYamlLite('a: [1, 2')).toThrow(/bad flow sequence/);
  });
});

describe('openapi-shape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spec-check-'));
  const file = join(dir, 'spec.yml');
  writeFileSync(file, SPEC);
  const doc = loadSpec(file);

  it('follows $refs, array items and allOf parts, and stops at a cycle', () => {
    const order = schemaShape(doc, 'Order');
    expect(describeShape(order).slice(0, 8)).toEqual(['id', 'quoted key', 'total', 'total.amount', 'total.currency', 'lines', 'lines.sku', 'lines.parent']);
    const parent = order.properties.get('lines')?.properties.get('parent');
    expect([...(parent?.properties.keys() ?? [])]).toEqual(['id', 'quoted key', 'total', 'lines']);
    expect(parent?.properties.get('lines')?.properties.get('parent')).toBeUndefined();
  });

  it('lists every undeclared key path, once', () => {
    const order = schemaShape(doc, 'Order');
    const value = { id: 1, extra: true, total: { amount: 1, rate: 2 }, lines: [{ sku: 'a', qty: 1 }, { qty: 2 }] };
    expect(undeclaredKeys(value, order)).toEqual(['extra', 'total.rate', 'lines[].qty']);
    expect(undeclaredKeys([{ amount: 1, x: 1 }], schemaShape(doc, 'Money'))).toEqual(['[].x']);
  });

  it('unions shapes, merging nested ones', () => {
    const merged = unionShapes(schemaShape(doc, 'Money'), { properties: new Map([['amount', undefined], ['note', undefined]]) });
    expect([...merged.properties.keys()]).toEqual(['amount', 'currency', 'note']);
  });

  it('fails loudly on a missing schema or one without properties', () => {
    expect(() => schemaShape(doc, 'Nope')).toThrow('schema Nope not found');
    writeFileSync(file, 'components:\n  schemas:\n    Empty:\n      type: string\n');
    expect(() => schemaShape(loadSpec(file), 'Empty')).toThrow('declares no properties');
  });
});
