/**
 * Our GraphQL documents against Shopify's real Admin schema.
 *
 * The schema file is the 2026-01 Admin API (the newest we hold); we send API_VERSION 2026-04. Fields we use
 * exist in both (no removal between consecutive versions without a deprecation first), and this test refuses
 * deprecated fields, so a field marked for removal shows up here before it disappears.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  execute,
  getNamedType,
  isCompositeType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
  valueFromASTUntyped,
} from 'graphql';
import type { FieldNode, GraphQLCompositeType, GraphQLField, GraphQLSchema, SelectionSetNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifest } from './connector.ts';
import { QUERIES } from './queries.ts';

const SCHEMA_PATH = fileURLToPath(new URL('../../../../shared/specs/shopify/admin-2026-01/graphql.schema', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/shopify/', import.meta.url));

let schema: GraphQLSchema;

beforeAll(() => {
  // Fail, not skip: without the schema these guarantees are not checked at all.
  if (!existsSync(SCHEMA_PATH)) throw new Error(`Shopify Admin schema not found at ${SCHEMA_PATH}`);
  schema = buildSchema(readFileSync(SCHEMA_PATH, 'utf8'), { assumeValidSDL: true });
});

/**
 * Requested cost by Shopify's documented model (notes §3): scalars and enums 0; an object, interface or union 1
 * plus its selections; a connection 2 + first × (cost of one node). Plain lists count as one object (Shopify
 * does not size them) unless they take `first`, which then multiplies. Fragments on an interface are summed,
 * an over-estimate.
 */
function requestedCost(document: string, variables: Record<string, unknown> = {}): number {
  const ast = parse(document);
  const operation = ast.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
  const fragments = new Map(
    ast.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) throw new Error(`no ${operation.operation} root`);

  const fieldsOf = (set: SelectionSetNode, type: GraphQLCompositeType): { node: FieldNode; def: GraphQLField<unknown, unknown>; parent: GraphQLCompositeType }[] => {
    const out: { node: FieldNode; def: GraphQLField<unknown, unknown>; parent: GraphQLCompositeType }[] = [];
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') continue;
        const def = 'getFields' in type ? type.getFields()[selection.name.value] : undefined;
        if (!def) throw new Error(`${type.name}.${selection.name.value} does not exist`);
        out.push({ node: selection, def, parent: type });
      } else {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) throw new Error('unknown fragment');
        const on = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        if (!on || !isCompositeType(on)) throw new Error('bad type condition');
        out.push(...fieldsOf(fragment.selectionSet, on));
      }
    }
    return out;
  };
  const argument = (node: FieldNode, name: string): number | undefined => {
    const arg = node.arguments?.find((a) => a.name.value === name);
    if (!arg) return undefined;
    const value: unknown = valueFromASTUntyped(arg.value, variables);
    return typeof value === 'number' ? value : undefined;
  };
  const costOf = (set: SelectionSetNode | undefined, type: GraphQLCompositeType): number => {
    if (!set) return 0;
    let total = 0;
    for (const { node, def } of fieldsOf(set, type)) {
      const named = getNamedType(def.type);
      if (isLeafType(named)) continue;
      if (!isCompositeType(named)) continue;
      const size = argument(node, 'first') ?? argument(node, 'last');
      if (named.name.endsWith('Connection')) {
        if (size === undefined) throw new Error(`${def.name} has no first/last`);
        let nodeCost = 0;
        for (const inner of fieldsOf(node.selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] }, named)) {
          const innerType = getNamedType(inner.def.type);
          if (inner.def.name === 'nodes' && isCompositeType(innerType)) nodeCost = Math.max(nodeCost, 1 + costOf(inner.node.selectionSet, innerType));
          if (inner.def.name === 'edges' && isCompositeType(innerType)) nodeCost = Math.max(nodeCost, costOf(inner.node.selectionSet, innerType));
        }
        total += 2 + size * nodeCost;
      } else {
        const unwrapped = isNonNullType(def.type) ? def.type.ofType : def.type;
        const multiplier = isListType(unwrapped) && size !== undefined ? size : 1;
        total += multiplier * (1 + costOf(node.selectionSet, named));
      }
    }
    return total;
  };
  return costOf(operation.selectionSet, root);
}

const VARIABLES: Record<string, Record<string, unknown>> = {
  OrdersPage: { first: manifest.polling.pageSize },
  CustomersPage: { first: manifest.polling.pageSize },
  WebhookSubscriptions: { first: manifest.polling.pageSize },
};

describe('Shopify GraphQL documents', () => {
  it.each(Object.entries(QUERIES))('%s validates against the Admin schema and uses no deprecated field', (_name, document) => {
    const errors = validate(schema, parse(document), [...specifiedRules, NoDeprecatedCustomRule]);
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it.each(Object.entries(QUERIES))('%s requests less than 1000 cost points', (name, document) => {
    const cost = requestedCost(document, VARIABLES[name] ?? {});
    expect(cost).toBeGreaterThan(0);
    expect(cost).toBeLessThan(manifest.graphql.maxQueryCost);
  });

  it('prices the order query as documented (2 + first × node for each connection)', () => {
    // One line item: LineItem 1 + product 1 + originalUnitPriceSet 2 + discountAllocations 4 + taxLines 3 = 11.
    const perLine = 11;
    const lineItems = 2 + manifest.graphql.lineItemsFirstPage * perLine;
    expect(requestedCost(QUERIES.OrderById)).toBeGreaterThan(lineItems);
    expect(requestedCost(QUERIES.OrderLineItems)).toBe(1 + 2 + manifest.graphql.lineItemsFollowUpPage * perLine);
    expect(requestedCost(QUERIES.OrdersPage, VARIABLES['OrdersPage'])).toBe(2 + manifest.polling.pageSize);
  });

  it('our GraphQL order fixture is exactly an answer to OrderById (executed against the schema)', async () => {
    const raw = JSON.parse(readFileSync(`${FIXTURES}graphql-order-multicurrency.json`, 'utf8')) as {
      data: { order: unknown };
      extensions: { cost: { requestedQueryCost: number } };
    };
    const result = await execute({
      schema,
      document: parse(QUERIES.OrderById),
      variableValues: { id: 'gid://shopify/Order/6250000000001' },
      rootValue: { order: () => raw.data.order },
      typeResolver: (value, _context, _info, abstractType) =>
        (value as { __typename?: string }).__typename ?? schema.getPossibleTypes(abstractType)[0]?.name,
    });
    expect(result.errors ?? []).toEqual([]);
    expect(JSON.parse(JSON.stringify(result.data))).toEqual(raw.data);
    // The cost we wrote into the fixture's extensions is what the documented model gives for this query.
    expect(raw.extensions.cost.requestedQueryCost).toBe(requestedCost(QUERIES.OrderById));
  });
});
