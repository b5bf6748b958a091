/**
 * `npm run staff -- <command>`: staff accounts from the command line, on the same
 * database as the API (CAMPAIGN_DATA_DIR, or DATABASE_URL and DATABASE_SCHEMA, as
 * server/src/main.ts reads them). Changes are audited as "command line".
 *
 *   add --email E --name N --role admin|moderator|viewer [--locale en|zh-Hans]
 *                          creates the account and prints its one-time link (7 days)
 *   reset --email E        prints a password-reset link (24 hours); ends the sessions
 *   disable --email E      the person can no longer sign in; ends the sessions
 *   enable --email E
 *   list
 *
 * Links start with CAMPAIGN_PUBLIC_URL, or http://127.0.0.1:PORT (8787) when unset.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LOCALES, type Locale } from '../../../src/api/wire.js';
import { STAFF_ROLES, type Actor, type StaffRole } from '../../../src/api/newsroom.js';
import { openStore } from '../app.js';
import {
  changeAccount,
  cleanEmail,
  inviteStaff,
  isProblem,
  resetLink,
  type AccountContext,
} from '../auth/accounts.js';
import { ApiError } from '../errors.js';
import type { StaffRecord } from '../store/newsroom.js';
import type { Store } from '../store/store.js';

const CLI_ACTOR: Actor = { kind: 'service', id: null, name: 'command line' };

const USAGE = `Usage: npm run staff -- <command> [options]

  add --email <email> --name <name> --role <admin|moderator|viewer> [--locale <en|zh-Hans>]
      Creates a staff account and prints its one-time link (valid 7 days).
  reset --email <email>
      Prints a password-reset link (valid 24 hours) and ends the person's sessions.
  disable --email <email>
      The person can no longer sign in; their sessions end at once.
  enable --email <email>
  list
      Every staff account.

Uses the API's database: CAMPAIGN_DATA_DIR (default ./.data), or DATABASE_URL and
DATABASE_SCHEMA for PostgreSQL. Links start with CAMPAIGN_PUBLIC_URL (default
http://127.0.0.1:8787).`;

class UsageError extends Error {}

/** The directory npm was started from: `npm run staff` runs this in server/, but paths are the user's. */
const userDir = () => process.env.INIT_CWD || process.cwd();

function baseUrl(): string {
  const configured = process.env.CAMPAIGN_PUBLIC_URL?.trim();
  if (configured) {
    try {
      const url = new URL(configured);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    } catch {
      throw new UsageError(`CAMPAIGN_PUBLIC_URL is not an http(s) URL: ${configured}`);
    }
    return configured.replace(/\/+$/, '');
  }
  const port = process.env.PORT?.trim() || '8787';
  const host = process.env.HOST?.trim();
  const shown =
    !host || host === '0.0.0.0' || host === '::'
      ? '127.0.0.1'
      : host.includes(':')
        ? `[${host}]`
        : host;
  return `http://${shown}:${port}`;
}

function open(): { store: Store; where: string } {
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl) {
    const databaseSchema = process.env.DATABASE_SCHEMA?.trim() || undefined;
    const where = `PostgreSQL${databaseSchema ? `, schema ${databaseSchema}` : ''}`;
    return {
      store: openStore({ databaseUrl, ...(databaseSchema ? { databaseSchema } : {}) }),
      where,
    };
  }
  const dataDir = path.resolve(userDir(), process.env.CAMPAIGN_DATA_DIR || './.data');
  if (!fs.existsSync(path.join(dataDir, 'campaign.sqlite'))) {
    console.error(
      `No database in ${dataDir} yet: creating one (set CAMPAIGN_DATA_DIR if the API uses another).`,
    );
  }
  return { store: openStore({ dataDir }), where: dataDir };
}

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function findByEmail(store: Store, raw: string): Promise<StaffRecord> {
  const email = cleanEmail(raw);
  if (isProblem(email)) throw new UsageError(`Not an email address: ${raw}`);
  const staff = await store.getStaffByEmail(email);
  if (!staff) throw new UsageError(`No staff account has the address ${email}`);
  return staff;
}

const when = (ms: number | null) =>
  ms === null ? '—' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function run(command: string, values: Record<string, string | undefined>): Promise<void> {
  const { store, where } = open();
  try {
    await store.migrate();
    const context = (): AccountContext => ({
      store,
      actor: CLI_ACTOR,
      now: Date.now(),
      baseUrl: baseUrl(),
    });
    switch (command) {
      case 'add': {
        const email = required(values, 'email');
        const name = required(values, 'name');
        const role = required(values, 'role') as StaffRole;
        if (!STAFF_ROLES.includes(role))
          throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
        const locale = (values.locale ?? 'en') as Locale;
        if (!LOCALES.includes(locale))
          throw new UsageError(`--locale must be one of ${LOCALES.join(', ')}`);
        const issued = await inviteStaff(context(), { email, name, role, locale });
        console.log(`Added ${issued.staff.name} <${issued.staff.email}> as ${issued.staff.role}.`);
        console.log(`One-time link (valid until ${issued.expiresAt}; pass it on privately):`);
        console.log(issued.link);
        return;
      }
      case 'reset': {
        const staff = await findByEmail(store, required(values, 'email'));
        if (staff.disabledAt !== null)
          throw new UsageError(`${staff.email} is disabled: enable it first`);
        const issued = await resetLink(context(), staff);
        console.log(`Signed ${staff.email} out everywhere.`);
        console.log(`One-time link (valid until ${issued.expiresAt}; pass it on privately):`);
        console.log(issued.link);
        return;
      }
      case 'disable':
      case 'enable': {
        const staff = await findByEmail(store, required(values, 'email'));
        const changed = await changeAccount(context(), staff.id, {
          disabled: command === 'disable',
        });
        console.log(
          changed.disabledAt === null
            ? `${changed.email} may sign in again.`
            : `${changed.email} is disabled; their sessions have ended.`,
        );
        return;
      }
      case 'list': {
        const staff = await store.listStaff();
        if (!staff.length) {
          console.log(
            `No staff accounts in ${where}. Add one with: npm run staff -- add --email … --name … --role admin`,
          );
          return;
        }
        const rows = [['EMAIL', 'NAME', 'ROLE', 'LOCALE', 'STATUS', 'LAST SIGN-IN']];
        for (const member of staff) {
          const status =
            member.disabledAt !== null
              ? 'disabled'
              : member.passwordHash === null
                ? 'invited'
                : 'active';
          rows.push([
            member.email,
            member.name,
            member.role,
            member.locale,
            status,
            when(member.lastSignInAt),
          ]);
        }
        console.log(table(rows));
        return;
      }
      default:
        throw new UsageError(`Unknown command: ${command}`);
    }
  } finally {
    await store.close();
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        locale: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...extra] = parsed.positionals;
  if (parsed.values.help || !command) {
    console.log(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  if (extra.length) {
    console.error(`Unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  const { email, name, role, locale } = parsed.values;
  try {
    await run(command, { email, name, role, locale });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\nRun npm run staff -- --help for the commands.`);
      return 2;
    }
    if (error instanceof ApiError) {
      const fields = (error.fields ?? []).map(
        (field) => `  ${field.field}: ${field.message ?? field.code}`,
      );
      console.error([error.message, ...fields].join('\n'));
      return 1;
    }
    console.error(error);
    return 1;
  }
}

process.exitCode = await main();
