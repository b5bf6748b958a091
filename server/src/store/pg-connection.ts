/**
 * The PostgreSQL connection: a pool for queries and transactions, the settings every
 * connection gets (schema, statement timeout), advisory locks, and the one place where
 * a driver error that means "the database is not there" becomes StoreUnavailableError.
 */
import pg from 'pg';
import { StoreUnavailableError } from './store.js';

export interface PgStoreOptions {
  /** `postgres://user@host:port/database` */
  connectionString: string;
  /** Schema holding the tables (created when missing); default `public`. */
  schema?: string;
  /** Most pooled connections (default 10). */
  poolSize?: number;
  /** Milliseconds to wait for a connection before answering "unavailable" (2 000). */
  connectTimeoutMs?: number;
  /** Longest a statement may run, in milliseconds (10 000). */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

/** SQLSTATE classes and client errors that mean "the database is not there". */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^(08|57P0)/.test(code)) return true; // connection exception, shutdown
    if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)$/.test(code)) {
      return true;
    }
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused/i.test(
    error.message,
  );
}

/** The error to throw to the API: "unavailable" for a lost database, else as it was. */
export function storeError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isConnectionError(error)) {
    return new StoreUnavailableError('The database is unavailable', { cause: error });
  }
  return error;
}

export const quoteIdent = (name: string) => pg.escapeIdentifier(name);

export class PgConnection {
  readonly schema: string;
  readonly pool: pg.Pool;
  readonly #options: PgStoreOptions;

  constructor(options: PgStoreOptions) {
    this.#options = options;
    this.schema = options.schema ?? 'public';
    this.pool = new pg.Pool({
      ...this.clientConfig(),
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
      idleTimeoutMillis: 30_000,
    });
    // An idle pooled connection that the server drops must not crash the process.
    this.pool.on('error', () => undefined);
  }

  /** Settings for every connection, pooled or not (the live feed's has its own). */
  clientConfig(): pg.ClientConfig {
    return {
      connectionString: this.#options.connectionString,
      options: `-c search_path=${quoteIdent(this.schema)},public -c statement_timeout=${
        this.#options.statementTimeoutMs ?? 10_000
      }`,
      application_name: this.#options.applicationName ?? 'campaign-api',
      connectionTimeoutMillis: this.#options.connectTimeoutMs ?? 2000,
    };
  }

  /** A key for pg_advisory_*lock, unique per schema and purpose. */
  lockKey(purpose: string): string {
    return `hashtext(${pg.escapeLiteral(`${this.schema}:${purpose}`)})`;
  }

  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    return (await this.result<R>(text, values)).rows;
  }

  async result<R extends pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw storeError(error);
    }
  }

  async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw storeError(error);
    }
  }

  /** Runs `work` in a transaction on one pooled connection; rolls back on any error. */
  async tx<T>(work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.connect();
    let broken = false;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = isConnectionError(error);
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
      throw storeError(error);
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs `task` on one connection while it holds the session advisory lock for
   * `purpose`: one instance at a time across every instance on the database.
   */
  async withLock<T>(purpose: string, task: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    const key = this.lockKey(purpose);
    try {
      // Waiting for another instance's migration or seed is not a slow statement.
      await client.query('SET statement_timeout = 0');
      await client.query(`SELECT pg_advisory_lock(${key})`);
      await client.query('RESET statement_timeout');
      try {
        return await task(client);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${key})`).catch(() => undefined);
      }
    } catch (error) {
      throw storeError(error);
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
