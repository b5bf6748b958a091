/**
 * What the store answers for campaign settings. The settings themselves live in the
 * campaign record (`putCampaign`); this is the look-up that keeps a district that
 * submissions name from being removed. Both stores run the statement as written (`?`
 * placeholders; the PostgreSQL store numbers them).
 */
import type Database from 'better-sqlite3';
import { pgPlaceholders } from './newsroom-sql.js';
import type { PgConnection } from './pg-connection.js';

export interface CampaignSettingsStore {
  /** The district ids the campaign's submissions name (any status), sorted. */
  districtsInUse(campaignId: string): Promise<string[]>;
}

export const CAMPAIGN_SETTINGS_SQL = {
  districtsInUse: `SELECT DISTINCT district FROM submissions
    WHERE campaign_id = ? AND district IS NOT NULL ORDER BY district`,
} as const;

/** The statement prepared once per database. */
const prepared = new WeakMap<Database.Database, Database.Statement>();

export function sqliteDistrictsInUse(db: Database.Database, campaignId: string): string[] {
  let statement = prepared.get(db);
  if (!statement) {
    statement = db.prepare(CAMPAIGN_SETTINGS_SQL.districtsInUse).pluck();
    prepared.set(db, statement);
  }
  return statement.all(campaignId) as string[];
}

const PG_DISTRICTS_IN_USE = pgPlaceholders(CAMPAIGN_SETTINGS_SQL.districtsInUse);

export async function pgDistrictsInUse(db: PgConnection, campaignId: string): Promise<string[]> {
  const rows = await db.query<{ district: string }>(PG_DISTRICTS_IN_USE, [campaignId]);
  return rows.map((row) => row.district);
}
