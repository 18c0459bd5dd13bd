/** Thrown when an update names a row that does not exist for that tenant. */
export class RowNotFoundError extends Error {
  override name = 'RowNotFoundError';
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} ${id} not found`);
  }
}
