/**
 * Newest-first pages, the same for both stores: a query reads `limit + 1` rows below
 * a cursor; the extra row is never shown, it only says that another page exists.
 */

/** The cursor of a first page: below every position. */
export const FROM_TOP = Number.MAX_SAFE_INTEGER;

/** How many rows a page query should read for a page of `limit`. */
export const rowsToRead = (limit: number): number => limit + 1;

/** One page from the rows read, and where the next page starts (null: this is the last). */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (item: T) => number,
): { items: T[]; nextBefore: number | null } {
  const items = rows.slice(0, limit).map(map);
  const more = rows.length > limit;
  return { items, nextBefore: more ? cursorOf(items[items.length - 1]) : null };
}
