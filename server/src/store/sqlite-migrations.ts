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
];
