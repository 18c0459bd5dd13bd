/**
 * A refusal of bad input or an impossible change, carrying the HTTP status the V1 API or a control route answers
 * with. V1 error bodies are `{"message": "…"}` (notes §1 [src S6]).
 */
export class SimInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function notFound(what: string): SimInputError {
  return new SimInputError(what, 404);
}
