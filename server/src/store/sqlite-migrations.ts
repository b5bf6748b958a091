/** Schema migrations of the SQLite store, applied in order; each runs once, in a transaction. */
import type { Migration } from './migrations.js';

export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE campaigns (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE stories (
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (campaign_id, id)
      );

      CREATE TABLE submissions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'removed')),
        message TEXT NOT NULL,
        display_name TEXT,
        anonymous INTEGER NOT NULL,
        district TEXT,
        email TEXT,
        locale TEXT NOT NULL,
        publish_permission INTEGER NOT NULL,
        consent_version TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        decided_at INTEGER,
        approved_at INTEGER,
        wall_seq INTEGER,
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
        data TEXT NOT NULL,
        PRIMARY KEY (campaign_id, id)
      );
      CREATE INDEX photos_by_submission ON photos (submission_id);

      CREATE TABLE photo_files (
        campaign_id TEXT NOT NULL,
        photo_id TEXT NOT NULL,
        width INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        etag TEXT NOT NULL,
        PRIMARY KEY (campaign_id, photo_id, width),
        FOREIGN KEY (campaign_id, photo_id) REFERENCES photos (campaign_id, id) ON DELETE CASCADE
      );

      CREATE TABLE idempotency_keys (
        campaign_id TEXT NOT NULL,
        key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        response TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (campaign_id, key)
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        campaign_id TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('quote', 'remove')),
        quote_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX events_by_campaign ON events (campaign_id, id);
    `,
  },
  {
    version: 2,
    name: 'idempotency records know their submission; tombstones of deleted ones',
    sql: `
      -- A privacy delete finds the key's record by the submission it accepted. No index:
      -- one would cost every submission a random B-tree insert (a third of its time), while
      -- a delete scans only its campaign's keys of the last 24 hours (they are pruned).
      ALTER TABLE idempotency_keys ADD COLUMN submission_id TEXT;
      UPDATE idempotency_keys SET submission_id = json_extract(response, '$.id');

      -- What is left of a key once its submission was deleted for good: no body hash,
      -- no submission id, a digest instead of the key. Pruned like the keys.
      CREATE TABLE idempotency_tombstones (
        campaign_id TEXT NOT NULL,
        key_sha256 TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (campaign_id, key_sha256)
      );
      CREATE INDEX idempotency_tombstones_by_age ON idempotency_tombstones (created_at);
    `,
  },
  {
    version: 3,
    name: 'newsroom: staff, sessions, one-time links, the audit trail, queue search',
    sql: `
      ALTER TABLE submissions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE submissions ADD COLUMN origin TEXT;
      ALTER TABLE submissions ADD COLUMN featured INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE submissions ADD COLUMN photo_published INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE submissions ADD COLUMN photo_alt TEXT;
      -- The last decision's actor, as JSON ({ kind, id, name }).
      ALTER TABLE submissions ADD COLUMN decided_by TEXT;
      ALTER TABLE submissions ADD COLUMN reason TEXT;
      ALTER TABLE submissions ADD COLUMN note TEXT;

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
        disabled_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_sign_in_at INTEGER
      );

      CREATE TABLE staff_sessions (
        token_hash TEXT PRIMARY KEY,
        staff_id TEXT NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);
      CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at);

      CREATE TABLE staff_links (
        token_hash TEXT PRIMARY KEY,
        purpose TEXT NOT NULL CHECK (purpose IN ('first-admin', 'invite', 'reset')),
        staff_id TEXT REFERENCES staff_accounts(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
      CREATE INDEX staff_links_by_staff ON staff_links (staff_id);

      -- No foreign keys: an entry outlives the submission or account it names. It never
      -- holds a reader's words, name or address.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        campaign_id TEXT,
        at INTEGER NOT NULL,
        actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'service')),
        actor_id TEXT,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        submission_id TEXT,
        reason TEXT,
        note TEXT,
        state_before TEXT,
        state_after TEXT
      );
      CREATE INDEX audit_log_by_campaign ON audit_log (campaign_id, id);
      CREATE INDEX audit_log_by_submission ON audit_log (submission_id, id);
      CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      -- Substring search in any script: trigrams of the message, name and address, kept
      -- in step with the table by triggers. secure-delete takes a deleted row's trigrams
      -- out of the index at once (they would spell out what a privacy delete erased).
      CREATE VIRTUAL TABLE submissions_search USING fts5(
        message, display_name, email,
        content = 'submissions', content_rowid = 'seq', tokenize = 'trigram'
      );
      INSERT INTO submissions_search (submissions_search, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER submissions_search_insert AFTER INSERT ON submissions BEGIN
        INSERT INTO submissions_search (rowid, message, display_name, email)
        VALUES (new.seq, new.message, new.display_name, new.email);
      END;
      CREATE TRIGGER submissions_search_delete AFTER DELETE ON submissions BEGIN
        INSERT INTO submissions_search (submissions_search, rowid, message, display_name, email)
        VALUES ('delete', old.seq, old.message, old.display_name, old.email);
      END;
      CREATE TRIGGER submissions_search_update AFTER UPDATE OF message, display_name, email
      ON submissions BEGIN
        INSERT INTO submissions_search (submissions_search, rowid, message, display_name, email)
        VALUES ('delete', old.seq, old.message, old.display_name, old.email);
        INSERT INTO submissions_search (rowid, message, display_name, email)
        VALUES (new.seq, new.message, new.display_name, new.email);
      END;
      INSERT INTO submissions_search (submissions_search) VALUES ('rebuild');
    `,
  },
  {
    version: 4,
    name: 'trust and safety: photo permission, receipts, hold flags, reports',
    sql: `
      -- Without its own permission a reader's photo is never public (rows before this
      -- migration had none: their photos leave the walls).
      ALTER TABLE submissions ADD COLUMN photo_permission INTEGER NOT NULL DEFAULT 0;
      -- SHA-256 of the reader's receipt secret (the secret stays in their browser).
      ALTER TABLE submissions ADD COLUMN receipt_hash TEXT;
      -- The rules' and external check's flags: JSON [{ "code", "detail" }], NULL for none.
      ALTER TABLE submissions ADD COLUMN flags TEXT;
      -- SHA-256 of the campaign and the client's address key, and of the folded text:
      -- "the same text again from the same client" without keeping the address.
      ALTER TABLE submissions ADD COLUMN client_hash TEXT;
      ALTER TABLE submissions ADD COLUMN text_hash TEXT;
      -- Off every wall after readers' reports, until staff restore or remove it.
      ALTER TABLE submissions ADD COLUMN hidden_at INTEGER;
      ALTER TABLE submissions ADD COLUMN reports_open INTEGER NOT NULL DEFAULT 0;
      -- "The same text from the same client" from the index alone, however many others
      -- sent a popular slogan; the Reported and Hidden queues from their own.
      CREATE INDEX submissions_by_text_client ON submissions (campaign_id, text_hash, client_hash);
      CREATE INDEX submissions_reported ON submissions (campaign_id, seq) WHERE reports_open > 0;
      CREATE INDEX submissions_hidden ON submissions (campaign_id, seq) WHERE hidden_at IS NOT NULL;

      -- Keys every instance shares, made by the first that needs one (the digest key of
      -- clients' addresses, unless CAMPAIGN_CLIENT_KEY keeps it outside the database).
      CREATE TABLE server_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL);

      -- One report per client and quote; the client only as a digest. Deleted with the
      -- submission.
      CREATE TABLE reports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        campaign_id TEXT NOT NULL,
        submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
        reporter_hash TEXT NOT NULL,
        reason TEXT NOT NULL,
        note TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE (submission_id, reporter_hash)
      );

      -- Readers and the campaign's rules act too: the audit trail's actor check is
      -- rebuilt with them (SQLite cannot alter a CHECK; dropping a table fires no trigger).
      CREATE TABLE audit_log_next (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        campaign_id TEXT,
        at INTEGER NOT NULL,
        actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'service', 'reader', 'rule')),
        actor_id TEXT,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        submission_id TEXT,
        reason TEXT,
        note TEXT,
        state_before TEXT,
        state_after TEXT
      );
      INSERT INTO audit_log_next SELECT * FROM audit_log;
      DROP TABLE audit_log;
      ALTER TABLE audit_log_next RENAME TO audit_log;
      CREATE INDEX audit_log_by_campaign ON audit_log (campaign_id, id);
      CREATE INDEX audit_log_by_submission ON audit_log (submission_id, id);
      CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 5,
    name: 'partner sites, and the live walls each instance has open by origin',
    sql: `
      -- Partner sites an admin manages at run time: their origins may send submissions
      -- and reports. origins: a JSON list of normalised scheme://host[:port].
      CREATE TABLE partner_sites (
        id TEXT PRIMARY KEY,
        campaign_id TEXT NOT NULL,
        name TEXT NOT NULL,
        origins TEXT NOT NULL,
        contact TEXT,
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        version INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX partner_sites_by_campaign ON partner_sites (campaign_id, created_at);

      -- Open wall streams per instance, campaign and origin (written on PostgreSQL,
      -- where several instances share the database; kept in step on both dialects).
      CREATE TABLE partner_presence (
        instance_id TEXT NOT NULL,
        campaign_id TEXT NOT NULL,
        origin TEXT NOT NULL,
        open_streams INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (instance_id, campaign_id, origin)
      );
    `,
  },
  {
    version: 6,
    name: 'staff roles per campaign',
    sql: `
      -- An account's role on one campaign, where it differs from the account's own role
      -- ('none': no access to that campaign). Dropped with the account or the campaign.
      CREATE TABLE staff_campaign_roles (
        staff_id TEXT NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'viewer', 'none')),
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (staff_id, campaign_id)
      );
      CREATE INDEX staff_campaign_roles_by_campaign ON staff_campaign_roles (campaign_id);
    `,
  },
  {
    version: 7,
    name: 'outbound webhooks: endpoints and a durable outbox of deliveries',
    sql: `
      -- Where a campaign's events are POSTed; the secret signs them (never shown again).
      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        campaign_id TEXT NOT NULL,
        url TEXT NOT NULL,
        -- JSON array of event types.
        events TEXT NOT NULL,
        secret TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        description TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX webhook_endpoints_by_campaign ON webhook_endpoints (campaign_id, created_at);

      -- The outbox: one row per event and endpoint, kept until delivered or given up on.
      -- (endpoint, event key) is unique, so an event heard twice is enqueued once.
      CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL,
        event_key TEXT NOT NULL,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        campaign_id TEXT NOT NULL,
        submission_id TEXT,
        event_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        lease_owner TEXT,
        lease_until INTEGER,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER,
        UNIQUE (endpoint_id, event_key)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
        WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);
      CREATE INDEX webhook_deliveries_by_submission ON webhook_deliveries (submission_id);
    `,
  },
];
