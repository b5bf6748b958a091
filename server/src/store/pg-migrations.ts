/**
 * Schema migrations of the PostgreSQL store, applied in order; each runs once, in a
 * transaction, while the migrating instance holds an advisory lock (several instances
 * may start at once against an empty database).
 */
import type pg from 'pg';
import { type Migration, MIGRATIONS_TABLE, runMigrations } from './migrations.js';
import { PG_SEARCH_TEXT } from './newsroom-sql.js';
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
  {
    version: 3,
    name: 'newsroom: staff, sessions, one-time links, the audit trail, queue search',
    sql: `
      ALTER TABLE submissions
        ADD COLUMN version INTEGER NOT NULL DEFAULT 1,
        ADD COLUMN origin TEXT,
        ADD COLUMN featured BOOLEAN NOT NULL DEFAULT false,
        ADD COLUMN photo_published BOOLEAN NOT NULL DEFAULT true,
        ADD COLUMN photo_alt TEXT,
        -- The last decision's actor, as JSON ({ kind, id, name }).
        ADD COLUMN decided_by TEXT,
        ADD COLUMN reason TEXT,
        ADD COLUMN note TEXT;

      -- The queue: every status (submissions_by_status serves one status, either order),
      -- by partner origin, and a privacy request's address.
      CREATE INDEX submissions_by_campaign ON submissions (campaign_id, seq);
      CREATE INDEX submissions_by_origin ON submissions (campaign_id, origin);
      CREATE INDEX submissions_by_email ON submissions (campaign_id, lower(email));

      CREATE TABLE staff_accounts (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'viewer')),
        locale TEXT NOT NULL,
        password_hash TEXT,
        disabled_at BIGINT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        last_sign_in_at BIGINT
      );

      CREATE TABLE staff_sessions (
        token_hash TEXT PRIMARY KEY,
        staff_id TEXT NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);
      CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at);

      CREATE TABLE staff_links (
        token_hash TEXT PRIMARY KEY,
        purpose TEXT NOT NULL CHECK (purpose IN ('first-admin', 'invite', 'reset')),
        staff_id TEXT REFERENCES staff_accounts(id) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
      );
      CREATE INDEX staff_links_by_staff ON staff_links (staff_id);

      -- No foreign keys: an entry outlives the submission or account it names. It never
      -- holds a reader's words, name or address.
      CREATE TABLE audit_log (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        campaign_id TEXT,
        at BIGINT NOT NULL,
        actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'service')),
        actor_id TEXT,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        submission_id TEXT,
        reason TEXT,
        note TEXT,
        state_before JSONB,
        state_after JSONB
      );
      CREATE INDEX audit_log_by_campaign ON audit_log (campaign_id, id);
      CREATE INDEX audit_log_by_submission ON audit_log (submission_id, id);
      CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

      -- Substring search in any script, over the three fields lower-cased once, when a
      -- row is written (a search shorter than a trigram reads every row: lower-casing
      -- each one then cost half the time), with a trigram index on it. Without pg_trgm
      -- (not installed, not allowed) the migration still applies, and the search reads
      -- without the index.
      ALTER TABLE submissions ADD COLUMN search_text TEXT
        GENERATED ALWAYS AS (${PG_SEARCH_TEXT}) STORED;
      DO $migration$
      DECLARE
        trgm_schema name;
      BEGIN
        BEGIN
          CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
        EXCEPTION WHEN OTHERS THEN
          RAISE NOTICE 'pg_trgm is not available (%); the queue search has no index', SQLERRM;
        END;
        SELECT n.nspname INTO trgm_schema
          FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
          WHERE e.extname = 'pg_trgm';
        IF trgm_schema IS NOT NULL THEN
          EXECUTE format(
            $index$CREATE INDEX submissions_search ON submissions
              USING gin (search_text %I.gin_trgm_ops)$index$,
            trgm_schema);
        END IF;
      END $migration$;
    `,
  },
  {
    version: 4,
    name: 'trust and safety: photo permission, receipts, hold flags, reports',
    sql: `
      ALTER TABLE submissions ADD COLUMN photo_permission BOOLEAN NOT NULL DEFAULT false;
      ALTER TABLE submissions ADD COLUMN receipt_hash TEXT;
      -- TEXT, not JSONB: the queue filters on its exact text, as SQLite does.
      ALTER TABLE submissions ADD COLUMN flags TEXT;
      ALTER TABLE submissions ADD COLUMN client_hash TEXT;
      ALTER TABLE submissions ADD COLUMN text_hash TEXT;
      ALTER TABLE submissions ADD COLUMN hidden_at BIGINT;
      ALTER TABLE submissions ADD COLUMN reports_open INTEGER NOT NULL DEFAULT 0;
      -- "The same text from the same client" from the index alone, however many others
      -- sent a popular slogan; the Reported and Hidden queues from their own.
      CREATE INDEX submissions_by_text_client ON submissions (campaign_id, text_hash, client_hash);
      CREATE INDEX submissions_reported ON submissions (campaign_id, seq) WHERE reports_open > 0;
      CREATE INDEX submissions_hidden ON submissions (campaign_id, seq) WHERE hidden_at IS NOT NULL;

      -- Keys every instance shares, made by the first that needs one (the digest key of
      -- clients' addresses, unless CAMPAIGN_CLIENT_KEY keeps it outside the database).
      CREATE TABLE server_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE reports (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        campaign_id TEXT NOT NULL,
        submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
        reporter_hash TEXT NOT NULL,
        reason TEXT NOT NULL,
        note TEXT,
        created_at BIGINT NOT NULL,
        UNIQUE (submission_id, reporter_hash)
      );

      ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_kind_check;
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_kind_check
        CHECK (actor_kind IN ('staff', 'service', 'reader', 'rule'));
    `,
  },
  {
    version: 5,
    name: 'partner sites, and the live walls each instance has open by origin',
    sql: `
      -- origins: TEXT holding a JSON list, as SQLite keeps it; enabled 0/1 likewise, so
      -- both stores run the same statements.
      CREATE TABLE partner_sites (
        id TEXT PRIMARY KEY,
        campaign_id TEXT NOT NULL,
        name TEXT NOT NULL,
        origins TEXT NOT NULL,
        contact TEXT,
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        version INTEGER NOT NULL DEFAULT 1,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX partner_sites_by_campaign ON partner_sites (campaign_id, created_at);

      -- Open wall streams per instance, campaign and origin: each instance writes its
      -- own every few seconds, readers sum the fresh rows.
      CREATE TABLE partner_presence (
        instance_id TEXT NOT NULL,
        campaign_id TEXT NOT NULL,
        origin TEXT NOT NULL,
        open_streams INTEGER NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (instance_id, campaign_id, origin)
      );
    `,
  },
  {
    version: 6,
    name: 'staff roles per campaign',
    sql: `
      CREATE TABLE staff_campaign_roles (
        staff_id TEXT NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'viewer', 'none')),
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (staff_id, campaign_id)
      );
      CREATE INDEX staff_campaign_roles_by_campaign ON staff_campaign_roles (campaign_id);
    `,
  },
  {
    version: 7,
    name: 'outbound webhooks: endpoints and a durable outbox of deliveries',
    sql: `
      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        campaign_id TEXT NOT NULL,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        secret TEXT NOT NULL,
        enabled BOOLEAN NOT NULL DEFAULT true,
        description TEXT NOT NULL DEFAULT '',
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX webhook_endpoints_by_campaign ON webhook_endpoints (campaign_id, created_at);

      -- Claimed with FOR UPDATE SKIP LOCKED and a lease (lease_owner, lease_until): two
      -- instances never deliver one row at once, and a crashed one's lease runs out.
      CREATE TABLE webhook_deliveries (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id TEXT NOT NULL,
        event_key TEXT NOT NULL,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        campaign_id TEXT NOT NULL,
        submission_id TEXT,
        event_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        lease_owner TEXT,
        lease_until BIGINT,
        created_at BIGINT NOT NULL,
        delivered_at BIGINT,
        UNIQUE (endpoint_id, event_key)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
        WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);
      CREATE INDEX webhook_deliveries_by_submission ON webhook_deliveries (submission_id);
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
