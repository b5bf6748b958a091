/**
 * Schema migrations of the PostgreSQL store, applied in order; each runs once, in a
 * transaction, while the migrating instance holds an advisory lock (several instances
 * may start at once against an empty database).
 */
import type pg from 'pg';
import { type Migration, MIGRATIONS_TABLE, runMigrations } from './migrations.js';
import { type PgConnection, quoteIdent } from './pg-connection.js';

export const PG_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE campaigns (
        id TEXT PRIMARY KEY,
        data JSONB NOT NULL,
        updated_at BIGINT NOT NULL
      );

      CREATE TABLE stories (
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        data JSONB NOT NULL,
        PRIMARY KEY (campaign_id, id)
      );

      CREATE TABLE submissions (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'removed')),
        message TEXT NOT NULL,
        display_name TEXT,
        anonymous BOOLEAN NOT NULL,
        district TEXT,
        email TEXT,
        locale TEXT NOT NULL,
        publish_permission BOOLEAN NOT NULL,
        consent_version TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        decided_at BIGINT,
        approved_at BIGINT,
        wall_seq BIGINT,
        photo_id TEXT
      );
      CREATE INDEX submissions_by_status ON submissions (campaign_id, status, seq);
      CREATE INDEX submissions_on_wall ON submissions (campaign_id, wall_seq)
        WHERE status = 'approved';

      CREATE TABLE photos (
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        submission_id TEXT REFERENCES submissions(id) ON DELETE CASCADE,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        data JSONB NOT NULL,
        PRIMARY KEY (campaign_id, id)
      );
      CREATE INDEX photos_by_submission ON photos (submission_id);

      CREATE TABLE photo_files (
        campaign_id TEXT NOT NULL,
        photo_id TEXT NOT NULL,
        width INTEGER NOT NULL,
        bytes BYTEA NOT NULL,
        etag TEXT NOT NULL,
        PRIMARY KEY (campaign_id, photo_id, width),
        FOREIGN KEY (campaign_id, photo_id) REFERENCES photos (campaign_id, id) ON DELETE CASCADE
      );

      CREATE TABLE idempotency_keys (
        campaign_id TEXT NOT NULL,
        key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        response JSONB NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (campaign_id, key)
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

      -- Event ids are not taken from a sequence: a writer takes a transaction-level
      -- advisory lock, then uses max(id) + 1, so ids become visible in id order and a
      -- reader that has seen id n has seen every id below it.
      CREATE TABLE events (
        id BIGINT PRIMARY KEY,
        campaign_id TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('quote', 'remove')),
        quote_id TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX events_by_campaign ON events (campaign_id, id);

      -- Submission rate limit shared by every instance: one fixed window per client key.
      CREATE TABLE rate_limits (
        key TEXT PRIMARY KEY,
        window_start BIGINT NOT NULL,
        count INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'idempotency records know their submission; tombstones of deleted ones',
    sql: `
      -- A privacy delete finds the key's record by the submission it accepted. No index:
      -- it would cost every submission an index insert, while a delete scans only its
      -- campaign's keys of the last 24 hours (they are pruned).
      ALTER TABLE idempotency_keys ADD COLUMN submission_id TEXT;
      UPDATE idempotency_keys SET submission_id = response->>'id';

      -- What is left of a key once its submission was deleted for good: no body hash,
      -- no submission id, a digest instead of the key. Pruned like the keys.
      CREATE TABLE idempotency_tombstones (
        campaign_id TEXT NOT NULL,
        key_sha256 TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (campaign_id, key_sha256)
      );
      CREATE INDEX idempotency_tombstones_by_age ON idempotency_tombstones (created_at);
    `,
  },
];

/**
 * Brings the schema up to date. Several instances may start at once against an empty
 * database: the one holding the advisory lock migrates, the others wait and then find
 * nothing left to do.
 */
export async function migratePostgres(db: PgConnection): Promise<void> {
  await db.withLock('migrate', async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(db.schema)}`);
    await client.query(MIGRATIONS_TABLE);
    await runMigrations(
      {
        appliedVersions: async () =>
          (
            await client.query<{ version: number }>('SELECT version FROM schema_migrations')
          ).rows.map((row) => row.version),
        apply: (migration, appliedAt) => applyOne(client, migration, appliedAt),
      },
      PG_MIGRATIONS,
    );
  });
}

async function applyOne(client: pg.PoolClient, migration: Migration, appliedAt: number) {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
      [migration.version, migration.name, appliedAt],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
