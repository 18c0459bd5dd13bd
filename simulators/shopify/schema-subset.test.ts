/**
 * Keeps the simulator honest: its hand-written schema may only contain what the real Admin API 2026-01 schema
 * contains, with identical types, arguments, defaults and deprecations. The real schema file is required — a
 * missing file fails the test rather than skipping it.
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  isSpecifiedScalarType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { shopifySchema } from './graphql-schema.ts';

const REAL_SCHEMA = new URL('../../../shared/specs/shopify/admin-2026-01/graphql.schema', import.meta.url);

function loadReal(): GraphQLSchema {
  return buildSchema(readFileSync(REAL_SCHEMA, 'utf8'));
}

function kind(t: GraphQLNamedType): string {
  return t.constructor.name;
}

function compareArgs(where: string, ours: readonly GraphQLArgument[], theirs: readonly GraphQLArgument[], problems: string[]): void {
  for (const arg of ours) {
    const real = theirs.find((a) => a.name === arg.name);
    if (!real) {
      problems.push(`${where}(${arg.name}:) does not exist`);
      continue;
    }
    if (String(real.type) !== String(arg.type)) problems.push(`${where}(${arg.name}:) is ${String(arg.type)}, real is ${String(real.type)}`);
    if (JSON.stringify(real.defaultValue) !== JSON.stringify(arg.defaultValue)) {
      problems.push(`${where}(${arg.name}:) default ${JSON.stringify(arg.defaultValue)}, real ${JSON.stringify(real.defaultValue)}`);
    }
  }
  for (const real of theirs) {
    const required = String(real.type).endsWith('!') && real.defaultValue === undefined;
    if (required && !ours.some((a) => a.name === real.name)) problems.push(`${where} lacks required argument ${real.name}`);
  }
}

function compareFields(
  typeName: string,
  ours: Record<string, GraphQLField<unknown, unknown>>,
  theirs: Record<string, GraphQLField<unknown, unknown>>,
  problems: string[],
): void {
  for (const field of Object.values(ours)) {
    const real = theirs[field.name];
    const where = `${typeName}.${field.name}`;
    if (!real) {
      problems.push(`${where} does not exist`);
      continue;
    }
    if (String(real.type) !== String(field.type)) problems.push(`${where} is ${String(field.type)}, real is ${String(real.type)}`);
    if (Boolean(real.deprecationReason) !== Boolean(field.deprecationReason)) problems.push(`${where} deprecation differs from the real schema`);
    compareArgs(where, field.args, real.args, problems);
  }
}

export function subsetProblems(ours: GraphQLSchema, real: GraphQLSchema): string[] {
  const problems: string[] = [];
  if (ours.getQueryType()?.name !== real.getQueryType()?.name) problems.push('query root type name differs');
  if (ours.getMutationType()?.name !== real.getMutationType()?.name) problems.push('mutation root type name differs');
  for (const type of Object.values(ours.getTypeMap())) {
    if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    const realType = real.getType(type.name);
    if (!realType) {
      problems.push(`type ${type.name} does not exist`);
      continue;
    }
    if (kind(realType) !== kind(type)) {
      problems.push(`${type.name} is a ${kind(type)}, real is a ${kind(realType)}`);
      continue;
    }
    if ((isObjectType(type) && isObjectType(realType)) || (isInterfaceType(type) && isInterfaceType(realType))) {
      const realInterfaces = realType.getInterfaces().map((i) => i.name);
      for (const i of type.getInterfaces()) if (!realInterfaces.includes(i.name)) problems.push(`${type.name} does not implement ${i.name}`);
      compareFields(type.name, type.getFields(), realType.getFields(), problems);
    } else if (isEnumType(type) && isEnumType(realType)) {
      for (const value of type.getValues()) {
        const realValue = realType.getValue(value.name);
        if (!realValue) problems.push(`${type.name}.${value.name} does not exist`);
        else if (Boolean(realValue.deprecationReason) !== Boolean(value.deprecationReason)) problems.push(`${type.name}.${value.name} deprecation differs`);
      }
    } else if (isUnionType(type) && isUnionType(realType)) {
      const members = realType.getTypes().map((t) => t.name);
      for (const t of type.getTypes()) if (!members.includes(t.name)) problems.push(`${t.name} is not a member of ${type.name}`);
    } else if (isInputObjectType(type) && isInputObjectType(realType)) {
      const realFields = realType.getFields();
      for (const field of Object.values(type.getFields())) {
        const real = realFields[field.name];
        if (!real) problems.push(`input ${type.name}.${field.name} does not exist`);
        else if (String(real.type) !== String(field.type)) problems.push(`input ${type.name}.${field.name} is ${String(field.type)}, real is ${String(real.type)}`);
      }
      for (const real of Object.values(realFields)) {
        if (String(real.type).endsWith('!') && real.defaultValue === undefined && !type.getFields()[real.name]) problems.push(`input ${type.name} lacks required ${real.name}`);
      }
    }
  }
  return problems;
}

describe('simulator schema vs the real Admin 2026-01 schema', () => {
  it('every type, field, argument and enum value of the simulator exists in the real schema with the same type', () => {
    const problems = subsetProblems(shopifySchema(), loadReal());
    expect(problems).toEqual([]);
  });

  it('the check itself catches an invented field, a wrong type and a wrong default', () => {
    const real = loadReal();
    const bad = buildSchema(`
      schema { query: QueryRoot }
      type QueryRoot { shop: Shop!  orders(first: Int, sortKey: OrderSortKeys = ID): Int }
      enum OrderSortKeys { ID MADE_UP }
      type Shop { name: Int  totallyInvented: String }
    `);
    const problems = subsetProblems(bad, real);
    expect(problems).toEqual(
      expect.arrayContaining([
        'Shop.name is Int, real is String!',
        'Shop.totallyInvented does not exist',
        'OrderSortKeys.MADE_UP does not exist',
        'QueryRoot.orders is Int, real is OrderConnection!',
        'QueryRoot.orders(sortKey:) default "ID", real "PROCESSED_AT"',
      ]),
    );
  });
});
