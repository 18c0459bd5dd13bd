/**
 * The V2 error envelope (notes §1 [src S11, S13]): `{request_id, errors: [{error_source, error_type, error_code,
 * message}]}`. Messages are ours [inf]; sources, types and codes come from the spec's enums.
 */
import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../_kit/server.ts';
import { writeJsonText } from '../_kit/json-text.ts';

export type V2ErrorType = 'account_status' | 'business_rules' | 'validation' | 'security' | 'system' | 'integrations';
export type V2ErrorCode = 'unauthorized' | 'invalid_field_value' | 'invalid_identifier' | 'invalid_status' | 'rate_limit_exceeded' | 'unspecified' | 'request_body_required';

export class V2Error extends Error {
  constructor(
    readonly status: number,
    readonly errorType: V2ErrorType,
    readonly errorCode: V2ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function v2ErrorResponse(error: V2Error, headers: Record<string, string> = {}): SimResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: writeJsonText({
      request_id: randomUUID(),
      errors: [{ error_source: 'ShipStation', error_type: error.errorType, error_code: error.errorCode, message: error.message }],
    }),
  };
}
