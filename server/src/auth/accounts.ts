/**
 * What changes a staff account, shared by the `/v1/staff` routes and `npm run staff`:
 * inviting, one-time links, role and name changes, disabling and enabling. Each change
 * writes its audit entry (campaign null) with the actor who made it.
 *
 * Changes that could leave nobody able to administer the newsroom (the last enabled
 * admin demoted or disabled) are refused. They run one at a time, in this process and,
 * through `store.exclusive`, across every instance on the same database, so two admins
 * demoting each other at once cannot both succeed.
 */
import { randomUUID } from 'node:crypto';
import type {
  Actor,
  AuditAction,
  StaffLinkIssued,
  StaffLinkPurpose,
  StaffMember,
  StaffRole,
} from '../../../src/api/newsroom.js';
import { isEmail, type Locale } from '../../../src/api/wire.js';
import { ApiError, validation, type FieldProblem } from '../errors.js';
import type { StaffRecord } from '../store/newsroom.js';
import type { Store } from '../store/store.js';
import { cleanText } from '../text.js';
import { newToken, tokenHash } from './sessions.js';

export const FIRST_ADMIN_LINK_MS = 24 * 3_600_000;
export const INVITE_LINK_MS = 7 * 24 * 3_600_000;
export const RESET_LINK_MS = 24 * 3_600_000;

export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 200;

export interface AccountContext {
  store: Store;
  actor: Actor;
  now: number;
  /** The API's public base URL, for the one-time link. */
  baseUrl: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function staffToWire(record: StaffRecord): StaffMember {
  return {
    id: record.id,
    email: record.email,
    name: record.name,
    role: record.role,
    locale: record.locale,
    disabledAt: iso(record.disabledAt),
    passwordSet: record.passwordHash !== null,
    createdAt: new Date(record.createdAt).toISOString(),
    lastSignInAt: iso(record.lastSignInAt),
  };
}

export const actorOf = (record: StaffRecord): Actor => ({
  kind: 'staff',
  id: record.id,
  name: record.name,
});

/** The console's address with the token in the fragment: it never reaches a log or a Referer. */
export const linkUrl = (baseUrl: string, token: string): string =>
  `${baseUrl.replace(/\/+$/, '')}/moderate#link=${token}`;

// ---- input rules ----

/** A cleaned, lower-cased address, or the problem with it. */
export function cleanEmail(raw: string, field = 'email'): string | FieldProblem {
  const result = cleanText(raw, { multiline: false });
  if (!result.ok) return { field, code: result.code };
  const email = result.value.toLowerCase();
  if (email === '') return { field, code: 'required' };
  if (email.length > EMAIL_MAX_LENGTH) return { field, code: 'too_long' };
  if (!isEmail(email)) return { field, code: 'invalid_email' };
  return email;
}

export function cleanName(raw: string, field = 'name'): string | FieldProblem {
  const result = cleanText(raw, { multiline: false });
  if (!result.ok) return { field, code: result.code };
  if (result.value === '') return { field, code: 'required' };
  if (result.value.length > NAME_MAX_LENGTH) return { field, code: 'too_long' };
  return result.value;
}

export const isProblem = (value: string | FieldProblem): value is FieldProblem =>
  typeof value !== 'string';

// ---- one change at a time ----

let chain: Promise<unknown> = Promise.resolve();

/** Runs `task` after every earlier one here, and under the store's lock across instances. */
export function oneAtATime<T>(store: Store, task: () => Promise<T>): Promise<T> {
  const run = chain.then(() => store.exclusive('staff-accounts', task));
  chain = run.catch(() => undefined);
  return run;
}

/** Accounts that can administer: admins that are enabled and have a password. */
const canAdminister = (staff: StaffRecord) =>
  staff.role === 'admin' && staff.disabledAt === null && staff.passwordHash !== null;

async function audit(
  context: AccountContext,
  action: AuditAction,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): Promise<void> {
  await context.store.appendAudit({
    campaignId: null,
    at: context.now,
    actor: context.actor,
    action,
    submissionId: null,
    reason: null,
    note: null,
    before,
    after,
  });
}

// ---- links ----

async function issueLink(
  context: AccountContext,
  staff: StaffRecord | null,
  purpose: StaffLinkPurpose,
  lifetimeMs: number,
): Promise<{ link: string; expiresAt: number }> {
  const token = newToken();
  const expiresAt = context.now + lifetimeMs;
  await context.store.createLink({
    tokenHash: tokenHash(token),
    purpose,
    staffId: staff?.id ?? null,
    createdAt: context.now,
    expiresAt,
  });
  return { link: linkUrl(context.baseUrl, token), expiresAt };
}

/**
 * The link that creates the first admin, while there is no staff account at all (null
 * once there is one). Each call replaces the previous link.
 */
export async function firstAdminLink(
  store: Store,
  baseUrl: string,
  now = Date.now(),
): Promise<{ link: string; expiresAt: number } | null> {
  return store.exclusive('staff-first-admin', async () => {
    if ((await store.countStaff()) > 0) return null;
    return issueLink(
      { store, baseUrl, now, actor: { kind: 'service', id: null, name: 'first run' } },
      null,
      'first-admin',
      FIRST_ADMIN_LINK_MS,
    );
  });
}

export interface NewStaffInput {
  email: string;
  name: string;
  role: StaffRole;
  locale?: Locale;
}

/** A new account without a password, and its invitation link (valid 7 days). */
export async function inviteStaff(
  context: AccountContext,
  input: NewStaffInput,
): Promise<StaffLinkIssued> {
  const email = cleanEmail(input.email);
  const name = cleanName(input.name);
  if (isProblem(email) || isProblem(name)) throw validation([email, name].filter(isProblem));
  const created = await context.store.createStaff({
    id: randomUUID(),
    email,
    name,
    role: input.role,
    locale: input.locale ?? 'en',
    passwordHash: null,
    createdAt: context.now,
  });
  if (created === 'email_taken') {
    throw new ApiError(409, 'email_taken', 'Another staff account has this email address', {
      fields: [{ field: 'email', code: 'invalid', message: 'Already in use' }],
    });
  }
  await audit(context, 'staff_add', null, {
    id: created.id,
    email: created.email,
    name: created.name,
    role: created.role,
    locale: created.locale,
  });
  const { link, expiresAt } = await issueLink(context, created, 'invite', INVITE_LINK_MS);
  await audit(context, 'staff_link', null, {
    id: created.id,
    purpose: 'invite',
    expiresAt: iso(expiresAt),
  });
  return { staff: staffToWire(created), link, expiresAt: new Date(expiresAt).toISOString() };
}

/**
 * A password-reset link (valid 24 h), or a fresh invitation for someone who never set
 * a password. Every session of the person ends and the old password stops working:
 * whoever asked for a reset fears the password is known.
 */
export async function resetLink(
  context: AccountContext,
  staff: StaffRecord,
): Promise<StaffLinkIssued> {
  const purpose: StaffLinkPurpose = staff.passwordHash === null ? 'invite' : 'reset';
  const lifetime = purpose === 'invite' ? INVITE_LINK_MS : RESET_LINK_MS;
  await context.store.deleteSessionsOf(staff.id);
  if (staff.passwordHash !== null) {
    await context.store.updateStaff(staff.id, { passwordHash: null }, context.now);
  }
  const { link, expiresAt } = await issueLink(context, staff, purpose, lifetime);
  await audit(context, 'staff_link', null, { id: staff.id, purpose, expiresAt: iso(expiresAt) });
  return { staff: staffToWire(staff), link, expiresAt: new Date(expiresAt).toISOString() };
}

export interface AccountChange {
  name?: string;
  role?: StaffRole;
  disabled?: boolean;
}

/**
 * Name, role, disabled. Disabling ends the person's sessions at once. Refuses (409) a
 * change that would leave no enabled admin with a password.
 */
export async function changeAccount(
  context: AccountContext,
  id: string,
  change: AccountChange,
): Promise<StaffRecord> {
  let name: string | undefined;
  if (change.name !== undefined) {
    const cleaned = cleanName(change.name);
    if (isProblem(cleaned)) throw validation([cleaned]);
    name = cleaned;
  }
  return oneAtATime(context.store, async () => {
    const { store, now } = context;
    const before = await store.getStaff(id);
    if (!before) throw new ApiError(404, 'not_found', 'Staff account not found');
    const disabledAt =
      change.disabled === undefined
        ? before.disabledAt
        : change.disabled
          ? (before.disabledAt ?? now)
          : null;
    const after: StaffRecord = {
      ...before,
      name: name ?? before.name,
      role: change.role ?? before.role,
      disabledAt,
    };
    if (canAdminister(before) && !canAdminister(after)) {
      const others = (await store.listStaff()).filter(
        (staff) => staff.id !== before.id && canAdminister(staff),
      );
      if (others.length === 0) {
        throw new ApiError(
          409,
          'invalid_transition',
          `${before.name} is the last admin who can sign in: make someone else an admin first`,
        );
      }
    }
    const patch = {
      ...(after.name !== before.name ? { name: after.name } : {}),
      ...(after.role !== before.role ? { role: after.role } : {}),
      ...(after.disabledAt !== before.disabledAt ? { disabledAt: after.disabledAt } : {}),
    };
    if (Object.keys(patch).length === 0) return before;
    const updated = await store.updateStaff(id, patch, now);
    if (!updated) throw new ApiError(404, 'not_found', 'Staff account not found');
    if (patch.disabledAt !== undefined && patch.disabledAt !== null) {
      // Disabled: no session, and no link left that would work again once re-enabled.
      await store.deleteSessionsOf(id);
      await store.dropLinksOf(id);
    }
    const changed = (record: StaffRecord) => ({
      id,
      ...('name' in patch ? { name: record.name } : {}),
      ...('role' in patch ? { role: record.role } : {}),
    });
    if ('name' in patch || 'role' in patch) {
      await audit(context, 'staff_update', changed(before), changed(updated));
    }
    if ('disabledAt' in patch) {
      await audit(
        context,
        updated.disabledAt === null ? 'staff_enable' : 'staff_disable',
        { id, disabledAt: iso(before.disabledAt) },
        { id, disabledAt: iso(updated.disabledAt) },
      );
    }
    return updated;
  });
}

/** Writes `staff_password` for a password set through a link or changed by its owner. */
export async function auditPassword(
  context: AccountContext,
  staff: StaffRecord,
  how: StaffLinkPurpose | 'change',
): Promise<void> {
  await audit(context, 'staff_password', null, { id: staff.id, via: how });
}

/** Writes `staff_update` for a person's own name or language change. */
export async function auditSelfUpdate(
  context: AccountContext,
  before: StaffRecord,
  after: StaffRecord,
): Promise<void> {
  const fields = (['name', 'locale'] as const).filter((field) => before[field] !== after[field]);
  if (!fields.length) return;
  const pick = (record: StaffRecord): Record<string, unknown> => {
    const picked: Record<string, unknown> = { id: record.id };
    for (const field of fields) picked[field] = record[field];
    return picked;
  };
  await audit(context, 'staff_update', pick(before), pick(after));
}

/** Writes `staff_add` for the first admin, who creates their own account through the link. */
export async function auditFirstAdmin(context: AccountContext, staff: StaffRecord): Promise<void> {
  await audit(context, 'staff_add', null, {
    id: staff.id,
    email: staff.email,
    name: staff.name,
    role: staff.role,
    locale: staff.locale,
  });
}
