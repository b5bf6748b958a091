/**
 * Staff sign-in, sessions, one-time links and accounts, under `/v1/staff`. Three
 * groups: what anyone may try (signing in, using a one-time link), what a signed-in
 * person does with their own account, and what only an admin may (the accounts).
 * Every answer is `Cache-Control: no-store`; none is open to other origins.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import type { StaffLinkInfo, StaffSessionInfo } from '../../../src/api/newsroom.js';
import {
  actorOf,
  auditFirstAdmin,
  auditPassword,
  auditSelfUpdate,
  changeAccount,
  cleanEmail,
  cleanName,
  inviteStaff,
  isProblem,
  oneAtATime,
  resetLink,
  staffToWire,
  type AccountContext,
} from '../auth/accounts.js';
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from '../auth/passwords.js';
import {
  clearSessionCookie,
  csrfTokenFor,
  newToken,
  sessionExpiry,
  setSessionCookie,
  tokenHash,
  TOKEN_PATTERN,
} from '../auth/sessions.js';
import { clientKey } from '../client-address.js';
import { ApiError, notFound, validation, type FieldProblem } from '../errors.js';
import { checkOrigin, type StaffSessionState } from '../plugins/staff-auth.js';
import { visibleRoles } from './campaigns.js';
import {
  AccountParams,
  LinkBody,
  LinkInfoBody,
  MeBody,
  NewStaffBody,
  SignInBody,
  StaffChangeBody,
  staffErrors,
  staffRef,
} from '../staff-schemas.js';
import type { LinkRecord, StaffRecord } from '../store/newsroom.js';

const TAGS = { tags: ['staff'] };
const SIGNED_IN = {
  ...TAGS,
  security: [{ staffSession: [] }, { staffToken: [] }] as Record<string, string[]>[],
};
const NO_CONTENT = { type: 'null', description: 'Done' } as const;

const WRONG_CREDENTIALS = 'The email address or the password is wrong';

const linkInvalid = () =>
  new ApiError(
    410,
    'link_invalid',
    'This link is unknown, used or expired; ask an admin for a new one',
  );

/** Signs `staff` in: a new session, its cookie, and the answer the console keeps. */
async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  staff: StaffRecord,
): Promise<StaffSessionInfo> {
  const app = request.server;
  const { idleMs, absoluteMs } = app.staffAuth;
  const now = app.staffAuth.now();
  const token = newToken();
  const session = {
    tokenHash: tokenHash(token),
    staffId: staff.id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: sessionExpiry(now, now, { idleMs, absoluteMs }),
  };
  await app.store.createSession(session);
  const signedIn = (await app.store.updateStaff(staff.id, { lastSignInAt: now }, now)) ?? staff;
  setSessionCookie(request, reply, token, absoluteMs);
  return sessionInfo(app, { token, session, staff: signedIn });
}

async function sessionInfo(
  app: FastifyInstance,
  state: StaffSessionState,
): Promise<StaffSessionInfo> {
  const roles = await visibleRoles(app, state.staff);
  return {
    staff: staffToWire(state.staff),
    csrfToken: csrfTokenFor(state.token),
    expiresAt: new Date(state.session.expiresAt).toISOString(),
    campaigns: Object.keys(roles),
    roles,
  };
}

/** The signed-in person's session; the service token has none. */
function ownSession(request: FastifyRequest): StaffSessionState {
  if (!request.staffSession) {
    throw new ApiError(403, 'forbidden', 'The service token has no session: sign in as a person');
  }
  return request.staffSession;
}

function context(request: FastifyRequest): AccountContext {
  const app = request.server;
  if (!request.staff) throw new ApiError(401, 'unauthorized', 'Sign in first');
  return {
    store: app.store,
    actor: request.staff.actor,
    now: app.staffAuth.now(),
    baseUrl: app.publicUrl,
  };
}

/** A usable link and the account it is for (null for the first admin), or `410`. */
async function liveLink(
  app: FastifyInstance,
  token: string,
): Promise<{ link: LinkRecord; staff: StaffRecord | null }> {
  if (!TOKEN_PATTERN.test(token)) throw linkInvalid();
  const link = await app.store.peekLink(tokenHash(token), app.staffAuth.now());
  if (!link) throw linkInvalid();
  if (link.purpose === 'first-admin') {
    if ((await app.store.countStaff()) > 0) throw linkInvalid();
    return { link, staff: null };
  }
  const staff = link.staffId ? await app.store.getStaff(link.staffId) : null;
  if (!staff || staff.disabledAt !== null) throw linkInvalid();
  return { link, staff };
}

export default async function staffAccountRoutes(staff: FastifyInstance): Promise<void> {
  staff.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store');
    done();
  });

  // ---- anyone may try: sign in, use a one-time link ----

  staff.post<{ Body: Static<typeof SignInBody> }>(
    '/session',
    {
      schema: {
        ...TAGS,
        summary: 'Sign in with email and password; sets the session cookie',
        description:
          'Answers the session and its CSRF token, with `Set-Cookie: campaign_staff=…; ' +
          'HttpOnly; SameSite=Strict; Path=/` (over HTTPS `__Host-campaign_staff=…` and `Secure`). A wrong email and a ' +
          'wrong password answer the same `401`. Failed attempts are limited per account and ' +
          'per client address (`429` with `Retry-After`, even for the right password).',
        body: SignInBody,
        response: {
          200: staffRef('StaffSessionInfo', 'Signed in'),
          ...staffErrors(400, 401, 403, 429, 503),
        },
      },
    },
    async (request, reply) => {
      checkOrigin(request);
      const app = request.server;
      const email = request.body.email.normalize('NFC').trim().toLowerCase();
      const { password } = request.body;
      const attempt = await app.staffAuth.throttle.begin(email, clientKey(request.ip));
      let account: StaffRecord | null;
      let right: boolean;
      try {
        account = await app.store.getStaffByEmail(email);
        right = await verifyPassword(password, account?.passwordHash ?? null);
      } catch (error) {
        // Nothing was tried (busy, or the database is away): the attempt does not count.
        await attempt.giveBack();
        throw error;
      }
      if (!account || !right || account.disabledAt !== null) {
        throw new ApiError(401, 'unauthorized', WRONG_CREDENTIALS);
      }
      await attempt.giveBack();
      if (account.passwordHash && needsRehash(account.passwordHash)) {
        const passwordHash = await hashPassword(password);
        account =
          (await app.store.updateStaff(account.id, { passwordHash }, app.staffAuth.now())) ??
          account;
      }
      return startSession(request, reply, account);
    },
  );

  // The token travels in the body: a path or a query string ends up in access logs.
  staff.post<{ Body: Static<typeof LinkInfoBody> }>(
    '/links/info',
    {
      schema: {
        ...TAGS,
        summary: 'What a one-time link will do, without using it',
        body: LinkInfoBody,
        response: { 200: staffRef('StaffLinkInfo', 'The link'), ...staffErrors(410) },
      },
    },
    async (request): Promise<StaffLinkInfo> => {
      const { link, staff: account } = await liveLink(request.server, request.body.token);
      return {
        purpose: link.purpose,
        email: account?.email ?? null,
        name: account?.name ?? null,
        expiresAt: new Date(link.expiresAt).toISOString(),
      };
    },
  );

  staff.post<{ Body: Static<typeof LinkBody> }>(
    '/links/use',
    {
      schema: {
        ...TAGS,
        summary:
          'Use a one-time link: set the password (the first admin: create the account) and sign in',
        description:
          'The link works once. Everything is checked before it is used, so a refused ' +
          'password leaves it valid. Ends every other session of the account.',
        body: LinkBody,
        response: {
          200: staffRef('StaffSessionInfo', 'Password set; signed in'),
          ...staffErrors(400, 403, 410, 503),
        },
      },
    },
    async (request, reply) => {
      checkOrigin(request);
      const app = request.server;
      const body = request.body;
      const { token } = body;
      const { link, staff: account } = await liveLink(app, token);

      const problems: FieldProblem[] = [];
      let email = account?.email ?? null;
      let name = account?.name ?? null;
      if (!account) {
        const cleanedEmail = cleanEmail(body.email ?? '');
        const cleanedName = cleanName(body.name ?? '');
        if (isProblem(cleanedEmail)) problems.push(cleanedEmail);
        else email = cleanedEmail;
        if (isProblem(cleanedName)) problems.push(cleanedName);
        else name = cleanedName;
      } else if (body.name !== undefined) {
        const cleanedName = cleanName(body.name);
        if (isProblem(cleanedName)) problems.push(cleanedName);
        else name = cleanedName;
      }
      const weak = passwordProblem(body.password, email);
      if (weak) problems.push(weak);
      if (problems.length) throw validation(problems);

      // Hashed before the link is used: a busy server (503) leaves it valid too.
      const passwordHash = await hashPassword(body.password);
      const now = app.staffAuth.now();
      const taken = await app.store.takeLink(link.tokenHash, now);
      if (!taken) throw linkInvalid();

      let member: StaffRecord;
      if (!account) {
        const created = await oneAtATime(app.store, async () => {
          if ((await app.store.countStaff()) > 0) return null;
          return app.store.createStaff({
            id: randomUUID(),
            email: email as string,
            name: name as string,
            role: 'admin',
            locale: body.locale ?? 'en',
            passwordHash,
            createdAt: now,
          });
        });
        if (!created || created === 'email_taken') throw linkInvalid();
        member = created;
        const ctx = { store: app.store, actor: actorOf(member), now, baseUrl: app.publicUrl };
        await auditFirstAdmin(ctx, member);
        await auditPassword(ctx, member, 'first-admin');
      } else {
        const updated = await app.store.updateStaff(
          account.id,
          {
            passwordHash,
            ...(name !== account.name ? { name: name as string } : {}),
            ...(body.locale ? { locale: body.locale } : {}),
          },
          now,
        );
        if (!updated) throw linkInvalid();
        member = updated;
        await app.store.deleteSessionsOf(account.id);
        const ctx = { store: app.store, actor: actorOf(member), now, baseUrl: app.publicUrl };
        await auditSelfUpdate(ctx, account, member);
        await auditPassword(ctx, member, taken.purpose);
      }
      return startSession(request, reply, member);
    },
  );

  // ---- a signed-in person's own session and account ----

  await staff.register(async (own) => {
    own.addHook('onRequest', own.requireRole('viewer'));

    own.get(
      '/session',
      {
        schema: {
          ...SIGNED_IN,
          summary: 'Who is signed in, and the CSRF token to send with changes',
          response: {
            200: staffRef('StaffSessionInfo', 'The session'),
            ...staffErrors(401, 403),
          },
        },
      },
      async (request) => sessionInfo(request.server, ownSession(request)),
    );

    own.delete(
      '/session',
      {
        schema: {
          ...SIGNED_IN,
          summary: 'Sign out: ends this session and clears its cookie',
          response: { 204: NO_CONTENT, ...staffErrors(401, 403) },
        },
      },
      async (request, reply) => {
        const state = ownSession(request);
        await request.server.store.deleteSession(state.session.tokenHash);
        clearSessionCookie(request, reply);
        return reply.code(204).send();
      },
    );

    own.delete(
      '/sessions',
      {
        schema: {
          ...SIGNED_IN,
          summary: 'Sign out everywhere: ends every session of the signed-in person',
          response: { 204: NO_CONTENT, ...staffErrors(401, 403) },
        },
      },
      async (request, reply) => {
        const state = ownSession(request);
        await request.server.store.deleteSessionsOf(state.staff.id);
        clearSessionCookie(request, reply);
        return reply.code(204).send();
      },
    );

    own.patch<{ Body: Static<typeof MeBody> }>(
      '/me',
      {
        schema: {
          ...SIGNED_IN,
          summary: 'Change your own name, console language or password',
          description:
            'A new password needs `currentPassword`, and ends every other session of yours.',
          body: MeBody,
          response: {
            200: staffRef('StaffMember', 'Your account'),
            ...staffErrors(400, 401, 403, 429, 503),
          },
        },
      },
      async (request) => {
        const app = request.server;
        const state = ownSession(request);
        const before = state.staff;
        const body = request.body;
        const problems: FieldProblem[] = [];
        let name: string | undefined;
        if (body.name !== undefined) {
          const cleaned = cleanName(body.name);
          if (isProblem(cleaned)) problems.push(cleaned);
          else name = cleaned;
        }
        if (body.password !== undefined) {
          const weak = passwordProblem(body.password, before.email);
          if (weak) problems.push(weak);
          if (body.currentPassword === undefined) {
            problems.push({ field: 'currentPassword', code: 'required' });
          }
        }
        if (problems.length) throw validation(problems);

        let passwordHash: string | undefined;
        if (body.password !== undefined && body.currentPassword !== undefined) {
          const attempt = await app.staffAuth.throttle.begin(before.email, clientKey(request.ip));
          let right: boolean;
          try {
            right = await verifyPassword(body.currentPassword, before.passwordHash);
          } catch (error) {
            await attempt.giveBack();
            throw error;
          }
          if (!right) {
            throw validation(
              [{ field: 'currentPassword', code: 'invalid', message: 'Not your current password' }],
              'The current password is wrong',
            );
          }
          await attempt.giveBack();
          passwordHash = await hashPassword(body.password);
        }

        const now = app.staffAuth.now();
        const patch = {
          ...(name !== undefined && name !== before.name ? { name } : {}),
          ...(body.locale !== undefined && body.locale !== before.locale
            ? { locale: body.locale }
            : {}),
          ...(passwordHash ? { passwordHash } : {}),
        };
        if (Object.keys(patch).length === 0) return staffToWire(before);
        const after = await app.store.updateStaff(before.id, patch, now);
        if (!after) throw new ApiError(401, 'unauthorized', 'Sign in first');
        const ctx = { store: app.store, actor: actorOf(after), now, baseUrl: app.publicUrl };
        await auditSelfUpdate(ctx, before, after);
        if (passwordHash) {
          // Every other session ends; this one goes on as it was.
          await app.store.deleteSessionsOf(before.id);
          await app.store.dropLinksOf(before.id);
          await app.store.createSession(state.session);
          await auditPassword(ctx, after, 'change');
        }
        return staffToWire(after);
      },
    );
  });

  // ---- admins: the accounts ----

  await staff.register(async (admin) => {
    admin.addHook('onRequest', admin.requireRole('admin'));

    admin.get(
      '/accounts',
      {
        schema: {
          ...SIGNED_IN,
          summary: 'Every staff account (admin)',
          response: { 200: staffRef('StaffList', 'The accounts'), ...staffErrors(401, 403) },
        },
      },
      async (request) => ({
        items: (await request.server.store.listStaff()).map(staffToWire),
      }),
    );

    admin.post<{ Body: Static<typeof NewStaffBody> }>(
      '/accounts',
      {
        schema: {
          ...SIGNED_IN,
          summary: 'Invite a staff member: the account, and a one-time link valid 7 days (admin)',
          body: NewStaffBody,
          response: {
            201: staffRef('StaffLinkIssued', 'Created; pass the link on to the person'),
            ...staffErrors(400, 401, 403, 409),
          },
        },
      },
      async (request, reply) => {
        const issued = await inviteStaff(context(request), request.body);
        return reply.code(201).send(issued);
      },
    );

    admin.patch<{ Params: Static<typeof AccountParams>; Body: Static<typeof StaffChangeBody> }>(
      '/accounts/:id',
      {
        schema: {
          ...SIGNED_IN,
          summary: 'Change a staff member’s name or role, or disable or enable the account (admin)',
          description:
            'Disabling ends the person’s sessions at once. The last enabled admin cannot be ' +
            'demoted or disabled (`409`).',
          params: AccountParams,
          body: StaffChangeBody,
          response: {
            200: staffRef('StaffMember', 'The account after the change'),
            ...staffErrors(400, 401, 403, 404, 409),
          },
        },
      },
      async (request) =>
        staffToWire(await changeAccount(context(request), request.params.id, request.body)),
    );

    admin.post<{ Params: Static<typeof AccountParams> }>(
      '/accounts/:id/link',
      {
        schema: {
          ...SIGNED_IN,
          summary: 'A password-reset link valid 24 hours; ends the person’s sessions (admin)',
          params: AccountParams,
          response: {
            201: staffRef('StaffLinkIssued', 'Pass the link on to the person'),
            ...staffErrors(401, 403, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const account = await request.server.store.getStaff(request.params.id);
        if (!account) throw notFound('Staff account');
        if (account.disabledAt !== null) {
          throw new ApiError(
            409,
            'invalid_transition',
            'Enable the account before resetting its password',
          );
        }
        return reply.code(201).send(await resetLink(context(request), account));
      },
    );
  });
}
