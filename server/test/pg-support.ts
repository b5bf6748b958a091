/**
 * PostgreSQL for the tests: `TEST_DATABASE_URL` (default the local `test` database),
 * one freshly named schema per store or cluster, dropped afterwards, so parallel runs
 * never see each other's rows.
 *
 * Without a reachable PostgreSQL the PostgreSQL suites are skipped, saying why; with
 * `CI=true` or `CAMPAIGN_REQUIRE_POSTGRES=1` that is a failure instead.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export const POSTGRES_REQUIRED =
  process.env.CI === 'true' || process.env.CAMPAIGN_REQUIRE_POSTGRES === '1';

async function probe(): Promise<string | null> {
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 2000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || String(error) : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why PostgreSQL cannot be used, or null when it answers. */
export const postgresProblem: string | null = await probe();

const where = TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@');

/** `describe` for a suite that needs PostgreSQL: skipped (or failed in CI) without one. */
export function describePostgres(name: string, body: () => void): void {
  if (!postgresProblem) {
    describe(name, body);
    return;
  }
  const why = `PostgreSQL at ${where} did not answer (${postgresProblem})`;
  if (POSTGRES_REQUIRED) {
    describe(name, () => {
      it('needs PostgreSQL (required here: CI=true or CAMPAIGN_REQUIRE_POSTGRES=1)', () => {
        assert.fail(`${why}. Start it (see .ci/run) or set TEST_DATABASE_URL.`);
      });
    });
    return;
  }
  console.log(`# skipped "${name}": ${why}; set TEST_DATABASE_URL or start PostgreSQL`);
  describe(name, { skip: `${why}; start PostgreSQL or set TEST_DATABASE_URL` }, body);
}

/** A new, uniquely named schema; `drop()` removes it with everything in it. */
export function testSchema(): { schema: string; drop: () => Promise<void> } {
  const schema = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs one statement against the test database (outside any store). */
export async function adminQuery(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}
