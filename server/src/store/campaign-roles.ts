/**
 * Several campaigns on one API, and staff roles per campaign. An account's own role is
 * its role on every campaign without an entry in `staff_campaign_roles`; an entry gives
 * it another role there (`admin`, `moderator`, `viewer`) or none at all (`none`: the
 * campaign is not shown to it and every staff route of it answers `403`).
 *
 * Creating a campaign stores it and its `campaign_create` audit entry together; setting
 * an account's roles replaces all its entries and writes one `staff_campaign_role`
 * entry, in one transaction. Both stores run the statements here as written (`?`
 * placeholders; the PostgreSQL store numbers them) through the small runners below.
 */
import type pg from 'pg';
import type Database from 'better-sqlite3';
import type { StaffRole } from '../../../src/api/newsroom.js';
import {
  AUDIT_SQL,
  auditInsertParams,
  pgPlaceholders,
  toAudit,
  type AuditRow,
} from './newsroom-sql.js';
import type { AuditRecord, NewAudit } from './newsroom.js';
import type { PgConnection } from './pg-connection.js';
import type { CampaignRecord } from './store.js';

import type { CampaignRole } from '../../../src/api/campaigns.js';

export type { CampaignRole };

export interface CampaignRoleEntry {
  staffId: string;
  campaignId: string;
  role: CampaignRole;
}

export type CreateCampaignResult =
  | { kind: 'created'; audit: AuditRecord }
  /** A campaign with this id exists already: nothing was stored. */
  | { kind: 'exists' };

export interface CampaignRoleStore {
  /** The account's own role per campaign, where it has an entry. */
  campaignRolesOf(staffId: string): Promise<Map<string, CampaignRole>>;
  /** The entry of one account on one campaign, or null (the account's own role applies). */
  campaignRoleOf(staffId: string, campaignId: string): Promise<CampaignRole | null>;
  /** Every entry, by account then campaign. */
  listCampaignRoles(): Promise<CampaignRoleEntry[]>;
  /** Replaces every entry of the account with `roles`, with its audit entry. */
  setCampaignRoles(
    staffId: string,
    roles: ReadonlyMap<string, CampaignRole>,
    audit: NewAudit,
  ): Promise<AuditRecord>;
  /** Stores a new campaign with its audit entry; an id taken already changes nothing. */
  createCampaign(
    campaign: CampaignRecord,
    now: number,
    audit: NewAudit,
  ): Promise<CreateCampaignResult>;
}

export const CAMPAIGN_ROLE_SQL = {
  ofStaff: 'SELECT campaign_id, role FROM staff_campaign_roles WHERE staff_id = ?',
  one: 'SELECT role FROM staff_campaign_roles WHERE staff_id = ? AND campaign_id = ?',
  list: `SELECT staff_id, campaign_id, role FROM staff_campaign_roles
    ORDER BY staff_id, campaign_id`,
  clear: 'DELETE FROM staff_campaign_roles WHERE staff_id = ?',
  insert: `INSERT INTO staff_campaign_roles (staff_id, campaign_id, role, updated_at)
    VALUES (?, ?, ?, ?)`,
  /** The campaign's `data` is bound as JSON text (PostgreSQL casts it to JSONB). */
  createCampaign: `INSERT INTO campaigns (id, data, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (id) DO NOTHING`,
} as const;

interface RoleRow {
  staff_id: string;
  campaign_id: string;
  role: CampaignRole;
}

const toEntry = (row: RoleRow): CampaignRoleEntry => ({
  staffId: row.staff_id,
  campaignId: row.campaign_id,
  role: row.role,
});

/**
 * The role that decides on `campaignId`: the entry if there is one, else the account's
 * own role. `none` means no access.
 */
export function effectiveRole(own: StaffRole, entry: CampaignRole | null): CampaignRole {
  return entry ?? own;
}

export class SqliteCampaignRoles implements CampaignRoleStore {
  readonly #db: Database.Database;
  readonly #s: Record<keyof typeof CAMPAIGN_ROLE_SQL | 'audit', Database.Statement>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#s = {
      ofStaff: db.prepare(CAMPAIGN_ROLE_SQL.ofStaff),
      one: db.prepare(CAMPAIGN_ROLE_SQL.one),
      list: db.prepare(CAMPAIGN_ROLE_SQL.list),
      clear: db.prepare(CAMPAIGN_ROLE_SQL.clear),
      insert: db.prepare(CAMPAIGN_ROLE_SQL.insert),
      createCampaign: db.prepare(CAMPAIGN_ROLE_SQL.createCampaign),
      audit: db.prepare(AUDIT_SQL.insert),
    };
  }

  async campaignRolesOf(staffId: string): Promise<Map<string, CampaignRole>> {
    const rows = this.#s.ofStaff.all(staffId) as RoleRow[];
    return new Map(rows.map((row) => [row.campaign_id, row.role]));
  }

  async campaignRoleOf(staffId: string, campaignId: string): Promise<CampaignRole | null> {
    const row = this.#s.one.get(staffId, campaignId) as { role: CampaignRole } | undefined;
    return row?.role ?? null;
  }

  async listCampaignRoles(): Promise<CampaignRoleEntry[]> {
    return (this.#s.list.all() as RoleRow[]).map(toEntry);
  }

  async setCampaignRoles(
    staffId: string,
    roles: ReadonlyMap<string, CampaignRole>,
    audit: NewAudit,
  ): Promise<AuditRecord> {
    return this.#db.transaction(() => {
      this.#s.clear.run(staffId);
      for (const [campaignId, role] of roles) {
        this.#s.insert.run(staffId, campaignId, role, audit.at);
      }
      return toAudit(this.#s.audit.get(...auditInsertParams(audit)) as AuditRow);
    })();
  }

  async createCampaign(
    campaign: CampaignRecord,
    now: number,
    audit: NewAudit,
  ): Promise<CreateCampaignResult> {
    return this.#db.transaction((): CreateCampaignResult => {
      const { changes } = this.#s.createCampaign.run(campaign.id, JSON.stringify(campaign), now);
      if (changes === 0) return { kind: 'exists' };
      const row = this.#s.audit.get(...auditInsertParams(audit));
      return { kind: 'created', audit: toAudit(row as AuditRow) };
    })();
  }
}

const PG = Object.fromEntries(
  Object.entries({ ...CAMPAIGN_ROLE_SQL, audit: AUDIT_SQL.insert }).map(([name, sql]) => [
    name,
    pgPlaceholders(sql),
  ]),
) as Record<keyof typeof CAMPAIGN_ROLE_SQL | 'audit', string>;

export class PgCampaignRoles implements CampaignRoleStore {
  readonly #db: PgConnection;

  constructor(db: PgConnection) {
    this.#db = db;
  }

  async campaignRolesOf(staffId: string): Promise<Map<string, CampaignRole>> {
    const rows = await this.#db.query<RoleRow>(PG.ofStaff, [staffId]);
    return new Map(rows.map((row) => [row.campaign_id, row.role]));
  }

  async campaignRoleOf(staffId: string, campaignId: string): Promise<CampaignRole | null> {
    const [row] = await this.#db.query<{ role: CampaignRole }>(PG.one, [staffId, campaignId]);
    return row?.role ?? null;
  }

  async listCampaignRoles(): Promise<CampaignRoleEntry[]> {
    return (await this.#db.query<RoleRow>(PG.list)).map(toEntry);
  }

  async setCampaignRoles(
    staffId: string,
    roles: ReadonlyMap<string, CampaignRole>,
    audit: NewAudit,
  ): Promise<AuditRecord> {
    return this.#db.tx(async (client: pg.PoolClient) => {
      await client.query(PG.clear, [staffId]);
      for (const [campaignId, role] of roles) {
        await client.query(PG.insert, [staffId, campaignId, role, audit.at]);
      }
      const { rows } = await client.query(PG.audit, auditInsertParams(audit));
      return toAudit(rows[0] as AuditRow);
    });
  }

  async createCampaign(
    campaign: CampaignRecord,
    now: number,
    audit: NewAudit,
  ): Promise<CreateCampaignResult> {
    return this.#db.tx(async (client: pg.PoolClient): Promise<CreateCampaignResult> => {
      const { rowCount } = await client.query(PG.createCampaign, [
        campaign.id,
        JSON.stringify(campaign),
        now,
      ]);
      if (!rowCount) return { kind: 'exists' };
      const { rows } = await client.query(PG.audit, auditInsertParams(audit));
      return { kind: 'created', audit: toAudit(rows[0] as AuditRow) };
    });
  }
}
