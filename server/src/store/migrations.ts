/**
 * The migration runner both stores use. Each store keeps its own list (the dialects'
 * column types differ) and says how to run one migration in its own transaction; the
 * bookkeeping table and the order of work are the same.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Valid in SQLite and PostgreSQL alike. */
export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;

export interface MigrationDriver {
  /** Versions already applied; the table exists when this is called. */
  appliedVersions(): Promise<number[]>;
  /**
   * Runs `migration.sql` and records it in schema_migrations (`version`, `name`,
   * `applied_at`), in one transaction: a failing migration leaves no trace.
   */
  apply(migration: Migration, appliedAt: number): Promise<void>;
}

/** Applies, in version order, every migration not applied yet; returns their versions. */
export async function runMigrations(
  driver: MigrationDriver,
  migrations: readonly Migration[],
): Promise<number[]> {
  assertOrdered(migrations);
  const applied = new Set(await driver.appliedVersions());
  const now: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await driver.apply(migration, Date.now());
    now.push(migration.version);
  }
  return now;
}

/** A list out of order or with a repeated version is a programming error: fail loudly. */
function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (index > 0 && migration.version <= migrations[index - 1].version) {
      throw new Error(`migration ${migration.version} is out of order`);
    }
  });
}
