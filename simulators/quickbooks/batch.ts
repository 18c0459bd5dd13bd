/**
 * `POST /batch` (api notes §8 [src S8, S11, S12]): up to 30 `BatchItemRequest`s, each `{bId, operation, <Entity>}`
 * or `{bId, Query}` or `{bId, CDCQuery}`; answered with HTTP 200 and one `BatchItemResponse` per item, matched by
 * bId, carrying the entity, a QueryResponse, or a per-item Fault. Items run in order but cannot see objects created
 * earlier in the same batch. An empty batch is 400 "Batch Request is Empty" [src S15]; more than the cap is refused.
 */
import { runCdc } from './cdc.ts';
import type { Scope } from './context.ts';
import { fault } from './context.ts';
import { createEntity, deleteEntity, updateEntity, voidEntity } from './crud.ts';
import { ENTITY_NAMES, type EntityName } from './entity-specs.ts';
import { invalid, required } from './fields.ts';
import { isObject, str, type Json, type JsonObject } from './json.ts';
import { QboFault } from './fault.ts';
import { runQuery } from './query-run.ts';
import { render } from './render.ts';

export function runBatch(base: Scope, body: Json, requestId: string | undefined): JsonObject {
  const cfg = base.ctx.config();
  const items = isObject(body) ? body['BatchItemRequest'] : undefined;
  if (items !== undefined && items !== null && !Array.isArray(items)) invalid(base, 'BatchItemRequest');
  if (!Array.isArray(items) || items.length === 0) throw fault(base, 'batchEmpty');
  if (items.length > cfg.batchMaxItems) throw fault(base, 'batchTooLarge', { max: String(cfg.batchMaxItems) });
  for (const item of items) {
    if (!isObject(item)) invalid(base, 'BatchItemRequest');
    const bId = str(item['bId']) ?? required(base, 'bId');
    if (requestId !== undefined && bId.length > cfg.batchIdMaxLengthWithRequestId) {
      throw fault(base, 'invalidRequestId', { reason: `bId "${bId}" is longer than ${cfg.batchIdMaxLengthWithRequestId} characters, the limit when a requestid is sent.` });
    }
  }

  const marker = Symbol('batch');
  const scope: Scope = { ...base, batch: marker };
  const responses: Json[] = [];
  try {
    for (const item of items as JsonObject[]) {
      const bId = str(item['bId'])!;
      try {
        responses.push({ bId, ...runItem(scope, item) });
      } catch (e) {
        if (!(e instanceof QboFault)) throw e;
        responses.push({ bId, Fault: e.body() });
      }
    }
  } finally {
    // Once the batch is over, what it created is visible like anything else.
    for (const table of base.company.entities.values()) for (const e of table.values()) if (e.createdInBatch === marker) e.createdInBatch = undefined;
  }
  return { BatchItemResponse: responses };
}

function runItem(scope: Scope, item: JsonObject): JsonObject {
  const query = item['Query'];
  if (query !== undefined) {
    if (typeof query !== 'string') invalid(scope, 'Query');
    return { QueryResponse: runQuery(scope, query) };
  }
  const cdc = item['CDCQuery'];
  if (cdc !== undefined) {
    if (!isObject(cdc)) invalid(scope, 'CDCQuery');
    return { CDCResponse: runCdc(scope, str(cdc['Entities']), str(cdc['ChangedSince'])) };
  }
  if (item['ReportQuery'] !== undefined) throw fault(scope, 'unsupportedOperation', { operation: 'ReportQuery' });
  const type = ENTITY_NAMES.find((n) => item[n] !== undefined) as EntityName | undefined;
  if (!type) required(scope, 'Entity');
  const body = item[type];
  if (!isObject(body)) invalid(scope, type);
  const operation = str(item['operation']) ?? required(scope, 'operation');
  switch (operation) {
    case 'create':
      return { [type]: render(scope.company, createEntity(scope, type, body)) };
    case 'update':
      return { [type]: render(scope.company, updateEntity(scope, type, body)) };
    case 'delete':
      return { [type]: deleteEntity(scope, type, body) };
    case 'void':
      return { [type]: render(scope.company, voidEntity(scope, type, body)) };
    default:
      throw fault(scope, 'unsupportedOperation', { operation });
  }
}
