/**
 * Calculated query cost and the leaky bucket (notes §3): scalars and enums cost 0, an object 1, a connection
 * 2 + first × (cost of one node), a mutation field 10. The requested cost is taken from the bucket before
 * execution and the difference to the actual cost (counted from what was really returned) is given back.
 * `pageInfo` is counted as one object and edge wrappers as free — the exact treatment is not documented.
 */
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
} from 'graphql';
import type { SimClock } from '../_kit/clock.ts';

export const MUTATION_COST = 10;

type Variables = Record<string, unknown>;

interface Ctx {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Variables;
}

interface Collected {
  key: string;
  owner: GraphQLCompositeType;
  nodes: FieldNode[];
}

function included(node: SelectionNode, variables: Variables): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.['if'] === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.['if'] !== false;
}

/** Flattens fragments; each field keeps the type it was selected on (fragments on concrete types). */
function collect(ctx: Ctx, owner: GraphQLCompositeType, set: SelectionSetNode, out = new Map<string, Collected>()): Map<string, Collected> {
  for (const sel of set.selections) {
    if (!included(sel, ctx.variables)) continue;
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      const seen = out.get(key);
      if (seen) seen.nodes.push(sel);
      else out.set(key, { key, owner, nodes: [sel] });
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? (ctx.schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType) : owner;
      collect(ctx, on, sel.selectionSet, out);
    } else {
      const frag = ctx.fragments[sel.name.value];
      if (frag) collect(ctx, ctx.schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType, frag.selectionSet, out);
    }
  }
  return out;
}

function fieldDef(owner: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  // Unions have no fields of their own; their members' fields arrive through typed fragments.
  return 'getFields' in owner ? owner.getFields()[name] : undefined;
}

function subSelection(nodes: readonly FieldNode[]): SelectionSetNode {
  return { kind: Kind.SELECTION_SET, selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []) };
}

function isConnectionType(type: GraphQLCompositeType): boolean {
  return isObjectType(type) && 'edges' in type.getFields() && 'pageInfo' in type.getFields();
}

function sizeArg(def: GraphQLField<unknown, unknown>, node: FieldNode, variables: Variables): number | undefined {
  const args = getArgumentValues(def, node, variables);
  const n = args['first'] ?? args['last'];
  return typeof n === 'number' ? n : undefined;
}

// ---- requested ----------------------------------------------------------------------------------------

function requestedSet(ctx: Ctx, owner: GraphQLCompositeType, set: SelectionSetNode): number {
  let total = 0;
  for (const c of collect(ctx, owner, set).values()) {
    const def = fieldDef(c.owner, c.nodes[0]?.name.value ?? '');
    if (!def || !c.nodes[0]) continue;
    total += requestedField(ctx, def, c.nodes);
  }
  return total;
}

function requestedField(ctx: Ctx, def: GraphQLField<unknown, unknown>, nodes: FieldNode[]): number {
  const named = getNamedType(def.type);
  if (isLeafType(named)) return 0;
  const first = nodes[0] as FieldNode;
  const sub = subSelection(nodes);
  const composite = named as GraphQLCompositeType;
  if (isConnectionType(composite)) {
    const size = sizeArg(def, first, ctx.variables) ?? 0;
    const { perItem, pageInfo } = connectionParts(ctx, composite, sub, (nodeType, set) => 1 + requestedSet(ctx, nodeType, set));
    return 2 + pageInfo + size * perItem;
  }
  const one = 1 + requestedSet(ctx, composite, sub);
  if (isListType(getNullableType(def.type))) return (sizeArg(def, first, ctx.variables) ?? 1) * one;
  return one;
}

function connectionParts(
  ctx: Ctx,
  connection: GraphQLCompositeType,
  set: SelectionSetNode,
  nodeCost: (nodeType: GraphQLCompositeType, set: SelectionSetNode) => number,
): { perItem: number; pageInfo: number } {
  let perItem = 0;
  let pageInfo = 0;
  for (const c of collect(ctx, connection, set).values()) {
    const name = c.nodes[0]?.name.value;
    const def = name ? fieldDef(c.owner, name) : undefined;
    if (!def) continue;
    const sub = subSelection(c.nodes);
    if (name === 'pageInfo') pageInfo = 1;
    else if (name === 'nodes') perItem = Math.max(perItem, nodeCost(getNamedType(def.type) as GraphQLCompositeType, sub));
    else if (name === 'edges') {
      const edgeType = getNamedType(def.type) as GraphQLCompositeType;
      for (const e of collect(ctx, edgeType, sub).values()) {
        if (e.nodes[0]?.name.value !== 'node') continue;
        const nodeDef = fieldDef(e.owner, 'node');
        if (nodeDef) perItem = Math.max(perItem, nodeCost(getNamedType(nodeDef.type) as GraphQLCompositeType, subSelection(e.nodes)));
      }
    }
  }
  return { perItem, pageInfo };
}

// ---- actual -------------------------------------------------------------------------------------------

type Data = Record<string, unknown>;

function actualSet(ctx: Ctx, owner: GraphQLCompositeType, set: SelectionSetNode, value: Data): number {
  let total = 0;
  for (const c of collect(ctx, owner, set).values()) {
    const def = fieldDef(c.owner, c.nodes[0]?.name.value ?? '');
    if (!def) continue;
    total += actualField(ctx, def, c.nodes, value[c.key]);
  }
  return total;
}

function actualField(ctx: Ctx, def: GraphQLField<unknown, unknown>, nodes: FieldNode[], value: unknown): number {
  const named = getNamedType(def.type);
  if (isLeafType(named) || value === null || value === undefined) return 0;
  const sub = subSelection(nodes);
  const composite = named as GraphQLCompositeType;
  if (isConnectionType(composite)) {
    const conn = value as Data;
    let cost = 2;
    let items = 0;
    let perItemTotal = 0;
    for (const c of collect(ctx, composite, sub).values()) {
      const name = c.nodes[0]?.name.value;
      const def2 = name ? fieldDef(c.owner, name) : undefined;
      if (!def2) continue;
      if (name === 'pageInfo' && conn[c.key]) cost += 1;
      if (name === 'nodes' && Array.isArray(conn[c.key])) {
        const list = conn[c.key] as Data[];
        const nodeType = getNamedType(def2.type) as GraphQLCompositeType;
        const total = list.reduce((acc, item) => acc + 1 + actualSet(ctx, nodeType, subSelection(c.nodes), item), 0);
        if (list.length >= items) {
          items = list.length;
          perItemTotal = Math.max(perItemTotal, total);
        }
      }
      if (name === 'edges' && Array.isArray(conn[c.key])) {
        const list = conn[c.key] as Data[];
        const edgeType = getNamedType(def2.type) as GraphQLCompositeType;
        let total = 0;
        for (const edge of list) {
          for (const e of collect(ctx, edgeType, subSelection(c.nodes)).values()) {
            const nodeDef = e.nodes[0]?.name.value === 'node' ? fieldDef(e.owner, 'node') : undefined;
            if (nodeDef && edge[e.key]) total += 1 + actualSet(ctx, getNamedType(nodeDef.type) as GraphQLCompositeType, subSelection(e.nodes), edge[e.key] as Data);
          }
        }
        if (list.length >= items) {
          items = list.length;
          perItemTotal = Math.max(perItemTotal, total);
        }
      }
    }
    return cost + perItemTotal;
  }
  if (Array.isArray(value)) return value.reduce((acc: number, item) => acc + (item ? 1 + actualSet(ctx, composite, sub, item as Data) : 0), 0);
  return 1 + actualSet(ctx, composite, sub, value as Data);
}

// ---- entry points -------------------------------------------------------------------------------------

function context(schema: GraphQLSchema, document: DocumentNode, variables: Variables): Ctx {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  return { schema, fragments, variables };
}

function rootType(schema: GraphQLSchema, op: OperationDefinitionNode): GraphQLCompositeType | undefined {
  return (op.operation === 'mutation' ? schema.getMutationType() : op.operation === 'query' ? schema.getQueryType() : undefined) ?? undefined;
}

function rootFields(ctx: Ctx, op: OperationDefinitionNode): Collected[] {
  const root = rootType(ctx.schema, op);
  return root ? [...collect(ctx, root, op.selectionSet).values()] : [];
}

export function requestedQueryCost(schema: GraphQLSchema, document: DocumentNode, op: OperationDefinitionNode, variables: Variables): number {
  const ctx = context(schema, document, variables);
  const root = rootType(schema, op);
  if (!root) return 0;
  if (op.operation === 'mutation') return rootFields(ctx, op).length * MUTATION_COST;
  return requestedSet(ctx, root, op.selectionSet);
}

export function actualQueryCost(schema: GraphQLSchema, document: DocumentNode, op: OperationDefinitionNode, variables: Variables, data: Data | null | undefined): number {
  const ctx = context(schema, document, variables);
  const root = rootType(schema, op);
  if (!root || !data) return 0;
  if (op.operation === 'mutation') return rootFields(ctx, op).filter((c) => data[c.key] !== undefined).length * MUTATION_COST;
  return actualSet(ctx, root, op.selectionSet, data);
}

// ---- bucket -------------------------------------------------------------------------------------------

export interface ThrottleConfig {
  /** Bucket size in points. Not published per plan; 2000 is an assumption (notes §3). */
  maximumAvailable: number;
  /** Points restored per simulated second (Standard plans: 100). */
  restoreRate: number;
  /** Single-query ceiling, checked before execution (1000 on every plan). */
  singleQueryMaxCost: number;
}

export const DEFAULT_THROTTLE: ThrottleConfig = { maximumAvailable: 2000, restoreRate: 100, singleQueryMaxCost: 1000 };

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** One leaky bucket per app + shop (here: per access token), refilled on the simulator clock. */
export class CostBucket {
  private available: number;
  private at: number;

  constructor(
    private readonly config: () => ThrottleConfig,
    private readonly clock: SimClock,
  ) {
    this.available = config().maximumAvailable;
    this.at = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    const { maximumAvailable, restoreRate } = this.config();
    this.available = Math.min(maximumAvailable, this.available + (Math.max(0, now - this.at) / 1000) * restoreRate);
    this.at = now;
  }

  status(): ThrottleStatus {
    this.refill();
    const { maximumAvailable, restoreRate } = this.config();
    return { maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate };
  }

  /** Takes `cost` if the bucket holds it; false means THROTTLED. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.config().maximumAvailable, this.available + Math.max(0, points));
  }

  set(available: number): void {
    this.refill();
    this.available = Math.max(0, Math.min(this.config().maximumAvailable, available));
  }
}
