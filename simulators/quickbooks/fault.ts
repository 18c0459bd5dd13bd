/**
 * QBO error answers (api notes §6). Service faults are `{"Fault":{"Error":[{Message,Detail,code,element}],"type"},"time"}`
 * with string codes. Gateway faults (401/403/429) may instead come lower-cased or as XML even when JSON was asked for,
 * which the `gatewayFaultStyle` setting reproduces.
 */
import type { SimResponse } from '../_kit/server.ts';
import type { FaultCatalogue, FaultSpec, QboSimConfig } from './config.ts';
import type { JsonObject } from './json.ts';

export type FaultKey = keyof FaultCatalogue;

export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element: string;
}

/** Thrown anywhere below the router; the router (or batch runner) turns it into an answer. */
export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly errors: FaultError[],
    /** Gateway faults follow `gatewayFaultStyle`; service faults are always JSON. */
    readonly gateway = false,
  ) {
    super(errors.map((e) => `${e.code} ${e.Message}: ${e.Detail}`).join('; '));
  }

  body(): JsonObject {
    return { type: this.type, Error: this.errors.map((e) => ({ Message: e.Message, Detail: e.Detail, code: e.code, element: e.element })) };
  }
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

export function makeFault(config: QboSimConfig, key: FaultKey, vars: Record<string, string> = {}, element = ''): QboFault {
  const spec: FaultSpec = config.faults[key];
  const gateway = key === 'authMissing' || key === 'authFailed' || key === 'forbidden' || key === 'throttled';
  return new QboFault(spec.status, spec.type, [{ Message: fill(spec.message, vars), Detail: fill(spec.detail, vars), code: spec.code, element }], gateway);
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The HTTP answer for a fault. `time` is the company-zone timestamp of the answer. */
export function faultResponse(fault: QboFault, time: string, style: QboSimConfig['gatewayFaultStyle'], headers: Record<string, string>): SimResponse {
  const effective = fault.gateway ? style : 'json';
  if (effective === 'xml') {
    const errors = fault.errors
      .map((e) => `<Error code="${xmlEscape(e.code)}"${e.element ? ` element="${xmlEscape(e.element)}"` : ''}><Message>${xmlEscape(e.Message)}</Message><Detail>${xmlEscape(e.Detail)}</Detail></Error>`)
      .join('');
    const body = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${xmlEscape(time)}"><Fault type="${xmlEscape(fault.type)}">${errors}</Fault></IntuitResponse>`;
    return { status: fault.status, headers: { ...headers, 'content-type': 'application/xml' }, body };
  }
  if (effective === 'json-lowercase') {
    const body = {
      fault: { error: fault.errors.map((e) => ({ message: e.Message, detail: e.Detail, code: e.code, element: e.element || null })), type: fault.type },
      time,
    };
    return { status: fault.status, headers: { ...headers, 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(body) };
  }
  const body = { Fault: fault.body(), time };
  return { status: fault.status, headers: { ...headers, 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(body) };
}
