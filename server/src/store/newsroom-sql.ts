/**
 * The newsroom's SQL that both stores run as written: staff accounts, sessions,
 * one-time links and the audit trail, and the queue's search. Statements use `?`
 * placeholders (SQLite's); the PostgreSQL store numbers them with `pgPlaceholders`.
 * The row mappers even out the drivers (BIGINT as strings, JSONB parsed or not).
 */
import type { Actor } from '../../../src/api/newsroom.js';
import type { Locale, SubmissionStatus } from '../../../src/api/wire.js';
import type {
  AuditQuery,
  AuditRecord,
  LinkRecord,
  NewAudit,
  NewStaff,
  QueueQuery,
  SessionRecord,
  StaffPatch,
  StaffRecord,
} from './newsroom.js';
import type { StatusCounts } from './store.js';
import type { DecisionWrite, EditWrite } from './transitions.js';

type Int = number | string;

/** `?` → `$1`, `$2`, … (no statement here has a `?` inside a string literal). */
export function pgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** What differs between the dialects in the statements built here. */
export interface Dialect {
  kind: 'sqlite' | 'postgres';
  /** A flag as the driver binds it: 0/1 for SQLite, a boolean for PostgreSQL. */
  flag(value: boolean): number | boolean;
}

export const SQLITE_DIALECT: Dialect = { kind: 'sqlite', flag: (value) => (value ? 1 : 0) };
export const PG_DIALECT: Dialect = { kind: 'postgres', flag: (value) => value };

const num = (value: Int | null): number | null => (value === null ? null : Number(value));

// ---- staff accounts ----

export interface StaffRow {
  id: string;
  email: string;
  name: string;
  role: StaffRecord['role'];
  locale: Locale;
  password_hash: string | null;
  disabled_at: Int | null;
  created_at: Int;
  updated_at: Int;
  last_sign_in_at: Int | null;
}

export const toStaff = (row: StaffRow): StaffRecord => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  locale: row.locale,
  passwordHash: row.password_hash,
  disabledAt: num(row.disabled_at),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
  lastSignInAt: num(row.last_sign_in_at),
});

/** Addresses are kept and looked up lower-cased. */
export const staffEmail = (email: string): string => email.toLowerCase();

export const STAFF_SQL = {
  count: 'SELECT count(*) AS n FROM staff_accounts',
  insert: `INSERT INTO staff_accounts (id, email, name, role, locale, password_hash, disabled_at,
      created_at, updated_at, last_sign_in_at)
    VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)
    ON CONFLICT (email) DO NOTHING
    RETURNING *`,
  get: 'SELECT * FROM staff_accounts WHERE id = ?',
  getByEmail: 'SELECT * FROM staff_accounts WHERE email = ?',
  list: 'SELECT * FROM staff_accounts ORDER BY created_at, id',
} as const;

export const staffInsertParams = (staff: NewStaff): unknown[] => [
  staff.id,
  staffEmail(staff.email),
  staff.name,
  staff.role,
  staff.locale,
  staff.passwordHash,
  staff.createdAt,
  staff.createdAt,
];

const STAFF_PATCH_COLUMNS: Record<keyof StaffPatch, string> = {
  name: 'name',
  role: 'role',
  locale: 'locale',
  passwordHash: 'password_hash',
  disabledAt: 'disabled_at',
  lastSignInAt: 'last_sign_in_at',
};

/** The UPDATE for a patch: only the fields given (`undefined` leaves a field alone). */
export function staffUpdate(
  id: string,
  patch: StaffPatch,
  now: number,
): { sql: string; params: unknown[] } {
  const sets = ['updated_at = ?'];
  const params: unknown[] = [now];
  for (const [key, column] of Object.entries(STAFF_PATCH_COLUMNS)) {
    const value = patch[key as keyof StaffPatch];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    params.push(value);
  }
  params.push(id);
  return {
    sql: `UPDATE staff_accounts SET ${sets.join(', ')} WHERE id = ? RETURNING *`,
    params,
  };
}

// ---- sessions ----

export interface SessionRow {
  token_hash: string;
  staff_id: string;
  session_created_at: Int;
  last_seen_at: Int;
  expires_at: Int;
}

export const SESSION_SQL = {
  insert: `INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, expires_at)
    VALUES (?, ?, ?, ?, ?)`,
  /** The session's columns (named apart from the account's) and its account's. */
  get: `SELECT s.token_hash, s.created_at AS session_created_at, s.last_seen_at, s.expires_at,
      a.*, a.id AS staff_id
    FROM staff_sessions s JOIN staff_accounts a ON a.id = s.staff_id
    WHERE s.token_hash = ? AND s.expires_at > ?`,
  touch: 'UPDATE staff_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?',
  delete: 'DELETE FROM staff_sessions WHERE token_hash = ?',
  deleteOf: 'DELETE FROM staff_sessions WHERE staff_id = ?',
  prune: 'DELETE FROM staff_sessions WHERE expires_at <= ?',
} as const;

export const sessionInsertParams = (session: SessionRecord): unknown[] => [
  session.tokenHash,
  session.staffId,
  session.createdAt,
  session.lastSeenAt,
  session.expiresAt,
];

export const toSessionAndStaff = (
  row: SessionRow & StaffRow,
): { session: SessionRecord; staff: StaffRecord } => ({
  session: {
    tokenHash: row.token_hash,
    staffId: row.staff_id,
    createdAt: Number(row.session_created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
  },
  staff: toStaff(row),
});

// ---- one-time links ----

export interface LinkRow {
  token_hash: string;
  purpose: LinkRecord['purpose'];
  staff_id: string | null;
  created_at: Int;
  expires_at: Int;
}

export const toLink = (row: LinkRow): LinkRecord => ({
  tokenHash: row.token_hash,
  purpose: row.purpose,
  staffId: row.staff_id,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
});

const LINK_COLUMNS = 'token_hash, purpose, staff_id, created_at, expires_at';

export const LINK_SQL = {
  /** The account's earlier links that were never used. */
  dropUnusedOf: 'DELETE FROM staff_links WHERE staff_id = ? AND used_at IS NULL',
  /** Earlier first-admin links that were never used. */
  dropUnusedFirstAdmin: `DELETE FROM staff_links WHERE purpose = 'first-admin' AND used_at IS NULL`,
  insert: `INSERT INTO staff_links (${LINK_COLUMNS}, used_at) VALUES (?, ?, ?, ?, ?, NULL)`,
  peek: `SELECT ${LINK_COLUMNS} FROM staff_links
    WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
  /** One statement: of two parallel takes, one finds the row still unused. */
  take: `UPDATE staff_links SET used_at = ?
    WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
    RETURNING ${LINK_COLUMNS}`,
} as const;

/** The statements that store a link, each with its parameters, to run in one transaction. */
export function linkStatements(link: LinkRecord): { sql: string; params: unknown[] }[] {
  const statements: { sql: string; params: unknown[] }[] = [];
  if (link.staffId !== null)
    statements.push({ sql: LINK_SQL.dropUnusedOf, params: [link.staffId] });
  if (link.purpose === 'first-admin') {
    statements.push({ sql: LINK_SQL.dropUnusedFirstAdmin, params: [] });
  }
  statements.push({
    sql: LINK_SQL.insert,
    params: [link.tokenHash, link.purpose, link.staffId, link.createdAt, link.expiresAt],
  });
  return statements;
}

// ---- the audit trail ----

export interface AuditRow {
  id: Int;
  campaign_id: string | null;
  at: Int;
  actor_kind: Actor['kind'];
  actor_id: string | null;
  actor_name: string;
  action: AuditRecord['action'];
  submission_id: string | null;
  reason: string | null;
  note: string | null;
  /** JSON: TEXT in SQLite (a string), JSONB in PostgreSQL (already parsed). */
  state_before: string | Record<string, unknown> | null;
  state_after: string | Record<string, unknown> | null;
}

const json = (value: string | Record<string, unknown> | null): Record<string, unknown> | null =>
  typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : value;

export const toAudit = (row: AuditRow): AuditRecord => ({
  id: Number(row.id),
  campaignId: row.campaign_id,
  at: Number(row.at),
  actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
  action: row.action,
  submissionId: row.submission_id,
  reason: row.reason,
  note: row.note,
  before: json(row.state_before),
  after: json(row.state_after),
});

export const AUDIT_SQL = {
  insert: `INSERT INTO audit_log (campaign_id, at, actor_kind, actor_id, actor_name, action,
      submission_id, reason, note, state_before, state_after)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    RETURNING *`,
  get: 'SELECT * FROM audit_log WHERE id = ?',
} as const;

export const auditInsertParams = (entry: NewAudit): unknown[] => [
  entry.campaignId,
  entry.at,
  entry.actor.kind,
  entry.actor.id,
  entry.actor.name,
  entry.action,
  entry.submissionId,
  entry.reason,
  entry.note,
  entry.before === null ? null : JSON.stringify(entry.before),
  entry.after === null ? null : JSON.stringify(entry.after),
];

/** Newest first, below the `before` cursor; reads one row more than the page. */
export function auditList(query: AuditQuery): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    params.push(...values);
  };
  if (query.campaignId !== undefined) {
    add(
      query.withStaffChanges ? '(campaign_id = ? OR campaign_id IS NULL)' : 'campaign_id = ?',
      query.campaignId,
    );
  }
  if (query.actorId !== undefined) add('actor_id = ?', query.actorId);
  if (query.serviceOnly) add(`actor_kind = 'service'`);
  if (query.actorKind !== undefined) add('actor_kind = ?', query.actorKind);
  if (query.action !== undefined) add('action = ?', query.action);
  if (query.submissionId !== undefined) add('submission_id = ?', query.submissionId);
  if (query.from !== undefined) add('at >= ?', query.from);
  if (query.to !== undefined) add('at < ?', query.to);
  if (query.before !== undefined) add('id < ?', query.before);
  params.push(query.limit + 1);
  return {
    sql: `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT ?`,
    params,
  };
}

// ---- the queue ----

/** `%`, `_` and `\` taken literally in a LIKE pattern with `ESCAPE '\'`. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** An FTS5 string: the text between double quotes, a double quote doubled. */
export const ftsPhrase = (text: string): string => `"${text.replace(/"/g, '""')}"`;

/**
 * Whether the text has letters with case. A query without any (Chinese, digits,
 * punctuation) matches the stored text as it is, with no lower-casing.
 */
export const hasCase = (text: string): boolean => text.toLowerCase() !== text.toUpperCase();

/** Shortest query the trigram index can answer (in characters, not UTF-16 units). */
export const TRIGRAM_MIN = 3;

/**
 * What PostgreSQL searches: the three fields lower-cased, joined by a character no
 * query contains — kept in the generated column `search_text` (migration 3), which the
 * trigram index is on.
 */
export const PG_SEARCH_TEXT = `lower(message || E'\\x1f' || coalesce(display_name, '') || E'\\x1f' || coalesce(email, ''))`;

/** The queue's page query: every filter, keyset paging on seq, one row more than the page. */
export function queueSearch(
  query: QueueQuery,
  dialect: Dialect,
): { sql: string; params: unknown[] } {
  const where: string[] = ['campaign_id = ?'];
  const params: unknown[] = [query.campaignId];
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    params.push(...values);
  };
  const ascending = query.order === 'oldest';
  if (query.status !== undefined) add('status = ?', query.status);
  if (query.after !== undefined) add(ascending ? 'seq > ?' : 'seq < ?', query.after);
  if (query.locale !== undefined) add('locale = ?', query.locale);
  if (query.district !== undefined) add('district = ?', query.district);
  if (query.origin !== undefined) add('origin = ?', query.origin);
  if (query.hasPhoto !== undefined) {
    add(query.hasPhoto ? 'photo_id IS NOT NULL' : 'photo_id IS NULL');
  }
  if (query.from !== undefined) add('received_at >= ?', query.from);
  if (query.to !== undefined) add('received_at < ?', query.to);
  switch (query.flag) {
    case 'featured':
      add('featured = ?', dialect.flag(true));
      break;
    case 'anonymous':
      add('anonymous = ?', dialect.flag(true));
      break;
    case 'has_email':
      add('email IS NOT NULL');
      break;
    case 'no_permission':
      add('publish_permission = ?', dialect.flag(false));
      break;
    case 'flagged':
      add('flags IS NOT NULL');
      break;
    case 'reported':
      add('reports_open > 0');
      break;
    case 'hidden':
      add('hidden_at IS NOT NULL');
      break;
    case 'photo_private':
      add('photo_id IS NOT NULL AND photo_permission = ?', dialect.flag(false));
      break;
    case 'word':
    case 'link':
    case 'phone':
    case 'email':
    case 'repeat':
    case 'external':
      // The flags' JSON as written by JSON.stringify ({"code":"…","detail":…}); external
      // matches its three codes.
      add(
        `flags LIKE ? ESCAPE '\\'`,
        `%"code":"${query.flag === 'external' ? 'external\\_' : query.flag}%`,
      );
      break;
  }
  const q = query.q ?? '';
  if (q !== '') {
    const pattern = `%${escapeLike(q)}%`;
    const short = [...q].length < TRIGRAM_MIN;
    // Without the address (a viewer's search): an address must not be found by its parts.
    const email = query.searchEmail !== false;
    if (dialect.kind === 'postgres' && short && !hasCase(q)) {
      // No index answers it either way; the columns as stored are read several times
      // faster than the lower-cased text (重庆: 33 against 86 ms over 100 000 rows).
      if (email) {
        add('(message LIKE ? OR display_name LIKE ? OR email LIKE ?)', pattern, pattern, pattern);
      } else add('(message LIKE ? OR display_name LIKE ?)', pattern, pattern);
    } else if (dialect.kind === 'postgres') {
      add('search_text LIKE lower(?)', pattern);
      if (!email) {
        add(
          "(lower(message) LIKE lower(?) OR lower(coalesce(display_name, '')) LIKE lower(?))",
          pattern,
          pattern,
        );
      }
    } else if (!short) {
      add(
        'seq IN (SELECT rowid FROM submissions_search WHERE submissions_search MATCH ?)',
        email ? ftsPhrase(q) : `{message display_name} : ${ftsPhrase(q)}`,
      );
    } else {
      // LIKE is case-insensitive for ASCII; the scripts without case need nothing more.
      // No index can answer it: unless a status narrows the rows, read the table in seq
      // order between the campaign's first and last submission, which costs a third
      // less than each row's lookup from an index (25 against 40 ms per 100 000).
      if (query.status === undefined) {
        where[0] = '+campaign_id = ?';
        add(
          `seq BETWEEN (SELECT min(seq) FROM submissions WHERE campaign_id = ?)
            AND (SELECT max(seq) FROM submissions WHERE campaign_id = ?)`,
          query.campaignId,
          query.campaignId,
        );
      }
      if (email) {
        add(
          `(message LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')`,
          pattern,
          pattern,
          pattern,
        );
      } else {
        add(`(message LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\')`, pattern, pattern);
      }
    }
  }
  params.push(query.limit + 1);
  return {
    sql: `SELECT * FROM submissions WHERE ${where.join(' AND ')}
      ORDER BY seq ${ascending ? 'ASC' : 'DESC'} LIMIT ?`,
    params,
  };
}

export const QUEUE_SQL = {
  /**
   * One count per status, each an index-only range of submissions_by_status: PostgreSQL
   * otherwise reads the whole table for a GROUP BY (18 against 35 ms per 100 000 rows).
   */
  counts: `SELECT
      (SELECT count(*) FROM submissions WHERE campaign_id = ? AND status = 'pending') AS pending,
      (SELECT count(*) FROM submissions WHERE campaign_id = ? AND status = 'approved') AS approved,
      (SELECT count(*) FROM submissions WHERE campaign_id = ? AND status = 'rejected') AS rejected,
      (SELECT count(*) FROM submissions WHERE campaign_id = ? AND status = 'removed') AS removed`,
  /**
   * DISTINCT by hopping along the (campaign_id, origin) index: one probe per origin
   * rather than a read of every submission's entry (PostgreSQL has no skip scan).
   */
  origins: `WITH RECURSIVE found (origin) AS (
      SELECT min(origin) FROM submissions WHERE campaign_id = ?
      UNION ALL
      SELECT (SELECT min(s.origin) FROM submissions s
              WHERE s.campaign_id = ? AND s.origin > found.origin)
      FROM found WHERE found.origin IS NOT NULL
    )
    SELECT origin FROM found WHERE origin IS NOT NULL ORDER BY origin`,
  byEmail: `SELECT * FROM submissions WHERE campaign_id = ? AND lower(email) = lower(?)
    ORDER BY seq`,
} as const;

/** A page from rows read with one row more than `limit`; `next` is the last item's seq. */
export function queuePage<R, T extends { seq: number }>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
): { items: T[]; next: number | null } {
  const items = rows.slice(0, limit).map(map);
  return { items, next: rows.length > limit ? items[items.length - 1].seq : null };
}

// ---- decisions and edits ----

export const DECIDE_SQL = {
  decide: `UPDATE submissions SET status = ?, version = version + 1, decided_at = ?,
      decided_by = ?, reason = ?, note = ?, approved_at = ?, wall_seq = ?, photo_published = ?,
      hidden_at = NULL, reports_open = 0
    WHERE campaign_id = ? AND id = ?
    RETURNING *`,
  edit: `UPDATE submissions SET featured = ?, photo_alt = ?, photo_published = ?,
      version = version + 1
    WHERE campaign_id = ? AND id = ?
    RETURNING *`,
} as const;

export const decideParams = (
  dialect: Dialect,
  campaignId: string,
  id: string,
  write: DecisionWrite,
  eventId: number | null,
): unknown[] => [
  write.status,
  write.decidedAt,
  write.decidedBy,
  write.reason,
  write.note,
  write.approvedAt,
  write.wallSeq === 'event' ? (write.event === 'quote' ? eventId : null) : write.wallSeq,
  dialect.flag(write.photoPublished),
  campaignId,
  id,
];

export const editParams = (
  dialect: Dialect,
  campaignId: string,
  id: string,
  write: EditWrite,
): unknown[] => [
  dialect.flag(write.featured),
  write.photoAlt,
  dialect.flag(write.photoPublished),
  campaignId,
  id,
];

/** The counts row (PostgreSQL answers count(*) as a string). */
export const toCounts = (row: Record<SubmissionStatus, number | string>): StatusCounts => ({
  pending: Number(row.pending),
  approved: Number(row.approved),
  rejected: Number(row.rejected),
  removed: Number(row.removed),
});
