/**
 * The submission rate limit's windows in PostgreSQL, shared by every API instance
 * (the `RateLimitBackend` of ../rate-limit.ts): one fixed window per client key,
 * counted on the database clock so instances with skewed clocks agree.
 */
import type { PgConnection } from './pg-connection.js';

export class PgRateLimits {
  readonly #db: PgConnection;

  constructor(db: PgConnection) {
    this.#db = db;
  }

  /**
   * Counts one request against `key`'s fixed window, on the database clock; returns
   * the count in the window and the milliseconds left in it.
   */
  async hitRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }> {
    const rows = await this.#db.query<{ count: number; left_ms: string }>(
      `WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
       INSERT INTO rate_limits AS r (key, window_start, count)
       SELECT $1, now.ms, 1 FROM now
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN r.window_start <= excluded.window_start - $2 THEN 1 ELSE r.count + 1 END,
         window_start = CASE WHEN r.window_start <= excluded.window_start - $2
                             THEN excluded.window_start ELSE r.window_start END
       RETURNING r.count, (r.window_start + $2 - (SELECT ms FROM now)) AS left_ms`,
      [key, windowMs],
    );
    return { count: rows[0].count, leftMs: Number(rows[0].left_ms) };
  }

  /** The current window's count (0 when none or ended) and milliseconds left; counts nothing. */
  async peekRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }> {
    const rows = await this.#db.query<{ count: number; left_ms: string }>(
      `WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
       SELECT r.count, (r.window_start + $2 - now.ms) AS left_ms FROM rate_limits r, now
       WHERE r.key = $1 AND r.window_start > now.ms - $2`,
      [key, windowMs],
    );
    const row = rows[0];
    return row ? { count: row.count, leftMs: Number(row.left_ms) } : { count: 0, leftMs: windowMs };
  }

  /** Gives back one count of `key`'s current window (a reserved slot that stored nothing). */
  async releaseRateLimit(key: string, windowMs: number): Promise<void> {
    await this.#db.query(
      `UPDATE rate_limits SET count = count - 1
       WHERE key = $1 AND count > 0
         AND window_start > (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $2`,
      [key, windowMs],
    );
  }

  /** Drops windows that ended before `olderThanMs` ago. */
  async pruneRateLimits(windowMs: number): Promise<void> {
    await this.#db.query(
      `DELETE FROM rate_limits
       WHERE window_start < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $1`,
      [windowMs],
    );
  }
}
