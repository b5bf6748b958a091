/**
 * Who is asking, for every staff route: a signed-in staff member (session cookie) or a
 * script with the service token (`Authorization: Bearer <CAMPAIGN_ADMIN_TOKEN>`).
 * `app.requireRole(role)` is the `onRequest` hook each staff route group adds: it sets
 * `request.staff`, answers 401 to nobody, 403 `forbidden` to a role below `role`, and
 * 403 `csrf_failed` to a cookie-signed change without the session's `X-CSRF-Token`
 * (or sent from another origin). Every answer behind it is `Cache-Control: no-store`.
 *
 * The API enforces the roles, not the console: admin (staff accounts and settings, and
 * everything a moderator may), moderator (decides), viewer (reads). The service token
 * acts as an admin and is audited as `SERVICE_ACTOR`.
 *
 * Roles are per campaign: on a route with a `:campaign` param, `request.staff.role` is
 * the person's role on that campaign (their entry in `staff_campaign_roles`, else their
 * own role), and an entry `none` answers `403` on every staff route of that campaign.
 * Routes without one (accounts, creating campaigns) go by the account's own role.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Actor, StaffRole } from '../../../src/api/newsroom.js';
import type { Locale } from '../../../src/api/wire.js';
import { actorOf } from '../auth/accounts.js';
import {
  csrfTokenFor,
  CSRF_HEADER,
  DEFAULT_ABSOLUTE_MS,
  DEFAULT_IDLE_MS,
  sameSecret,
  sessionExpiry,
  sessionTokenOf,
  tokenHash,
  TOUCH_INTERVAL_MS,
  clearSessionCookie,
} from '../auth/sessions.js';
import {
  DEFAULT_SIGN_IN_THROTTLE,
  SignInThrottle,
  type SignInThrottleOptions,
} from '../auth/throttle.js';
import { ApiError } from '../errors.js';
import { SERVICE_ACTOR, type SessionRecord, type StaffRecord } from '../store/newsroom.js';
import { effectiveRole } from '../store/campaign-roles.js';

export interface StaffPrincipal {
  actor: Actor;
  /** The role that decides: on the campaign of the route (`campaignId`), else `ownRole`. */
  role: StaffRole;
  /** The account's own role (the service token: admin); it manages accounts and campaigns. */
  ownRole: StaffRole;
  /** The campaign `role` is for; null until a route with a `:campaign` param scoped it. */
  campaignId: string | null;
  /** Null for the service token. */
  staffId: string | null;
  locale: Locale;
  via: 'session' | 'service';
}

/** The session behind a cookie-signed request. */
export interface StaffSessionState {
  token: string;
  session: SessionRecord;
  staff: StaffRecord;
}

export interface StaffAuthOptions {
  /** A session ends after this long without a request (default 12 hours). */
  idleMs?: number;
  /** …and this long after sign-in, whatever happens (default 7 days). */
  absoluteMs?: number;
  /** Failed sign-ins per account and per address (default 5 and 30 per 15 min); `false`: off. */
  signInThrottle?: SignInThrottleOptions | false;
  /** The clock sessions and links are timed by (tests move it). */
  now?: () => number;
}

export interface StaffAuthSettings {
  idleMs: number;
  absoluteMs: number;
  throttle: SignInThrottle;
  now: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    requireRole(role: StaffRole): onRequestAsyncHookHandler;
    staffAuth: StaffAuthSettings;
  }
  interface FastifyRequest {
    staff: StaffPrincipal | null;
    staffSession: StaffSessionState | null;
  }
}

export const ROLE_RANK: Record<StaffRole, number> = { viewer: 0, moderator: 1, admin: 2 };

/**
 * A route's own role check, for a group whose `requireRole` hook has already signed the
 * person in: it reads `request.staff` rather than looking the session up again.
 */
export function roleAtLeast(role: StaffRole): onRequestAsyncHookHandler {
  return async (request) => {
    const staff = request.staff ? await scopeToCampaign(request) : null;
    if (!staff || ROLE_RANK[staff.role] < ROLE_RANK[role]) {
      throw new ApiError(403, 'forbidden', `This needs the ${role} role`);
    }
  };
}

/**
 * Gives `request.staff` the role of the campaign the route names (`:campaign`), once per
 * request; `403` when the person's role there is `none`. The service token is an admin
 * everywhere; a route without a campaign keeps the account's own role.
 */
export async function scopeToCampaign(request: FastifyRequest): Promise<StaffPrincipal> {
  const staff = request.staff;
  if (!staff) throw unauthorized();
  const { campaign } = (request.params ?? {}) as { campaign?: unknown };
  if (typeof campaign !== 'string' || staff.campaignId === campaign) return staff;
  const entry =
    staff.via === 'service' || staff.staffId === null
      ? null
      : await request.server.store.campaignRoleOf(staff.staffId, campaign);
  const role = effectiveRole(staff.ownRole, entry);
  if (role === 'none') {
    throw new ApiError(403, 'forbidden', 'You have no role on this campaign');
  }
  request.staff = { ...staff, role, campaignId: campaign };
  return request.staff;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The service token, compared in constant time. */
export function isServiceToken(request: FastifyRequest): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  return timingSafeEqual(digest(match[1]), digest(request.server.settings.adminToken));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'Sign in, or send a valid staff token', {
    headers: { 'www-authenticate': 'Bearer realm="campaign staff"' },
  });

/**
 * A change sent with an `Origin` must come from the API's own origin: its public URL,
 * or the origin the request itself was sent to (a browser names the page's origin, and
 * never lets a page on another site forge either header).
 */
export function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const own = new Set([new URL(request.server.publicUrl).origin]);
  if (request.host) own.add(`${request.protocol}://${request.host}`);
  if (!own.has(origin)) {
    throw new ApiError(403, 'csrf_failed', 'This change was sent from another site');
  }
}

function checkCsrf(request: FastifyRequest, token: string): void {
  checkOrigin(request);
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameSecret(sent, csrfTokenFor(token))) {
    throw new ApiError(
      403,
      'csrf_failed',
      'Send the X-CSRF-Token your session answer gave with every change',
    );
  }
}

export const sessionPrincipal = (staff: StaffRecord): StaffPrincipal => ({
  actor: actorOf(staff),
  role: staff.role,
  ownRole: staff.role,
  campaignId: null,
  staffId: staff.id,
  locale: staff.locale,
  via: 'session',
});

/** The session a request's cookie names, if it is alive; expired or disabled ones are ended. */
async function sessionOf(request: FastifyRequest): Promise<StaffSessionState | null> {
  const token = sessionTokenOf(request);
  if (!token) return null;
  const app = request.server;
  const { idleMs, absoluteMs, now: clock } = app.staffAuth;
  const now = clock();
  const hash = tokenHash(token);
  const found = await app.store.getSession(hash, now);
  if (!found) return null;
  const { session, staff } = found;
  const ends = sessionExpiry(session.createdAt, session.lastSeenAt, { idleMs, absoluteMs });
  if (staff.disabledAt !== null || staff.passwordHash === null || now >= ends) {
    await app.store.deleteSession(hash);
    return null;
  }
  if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
    const expiresAt = sessionExpiry(session.createdAt, now, { idleMs, absoluteMs });
    await app.store.touchSession(hash, now, expiresAt);
    return { token, staff, session: { ...session, lastSeenAt: now, expiresAt } };
  }
  return { token, session, staff };
}

/**
 * Who asks: the service token, a live session, or nobody. A wrong bearer token is
 * nobody, even with a cookie beside it.
 */
export async function authenticate(request: FastifyRequest): Promise<StaffPrincipal | null> {
  if (request.staff) return request.staff;
  if (request.headers.authorization !== undefined) {
    if (!isServiceToken(request)) return null;
    request.staff = {
      actor: SERVICE_ACTOR,
      role: 'admin',
      ownRole: 'admin',
      campaignId: null,
      staffId: null,
      locale: 'en',
      via: 'service',
    };
    return request.staff;
  }
  const state = await sessionOf(request);
  if (!state) return null;
  request.staffSession = state;
  request.staff = sessionPrincipal(state.staff);
  return request.staff;
}

async function staffAuth(app: FastifyInstance, options: StaffAuthOptions): Promise<void> {
  const settings: StaffAuthSettings = {
    idleMs: options.idleMs ?? DEFAULT_IDLE_MS,
    absoluteMs: options.absoluteMs ?? DEFAULT_ABSOLUTE_MS,
    throttle: new SignInThrottle(
      app.store,
      options.signInThrottle === undefined ? DEFAULT_SIGN_IN_THROTTLE : options.signInThrottle,
    ),
    now: options.now ?? Date.now,
  };
  app.decorate('staffAuth', settings);
  app.decorateRequest('staff', null);
  app.decorateRequest('staffSession', null);
  app.decorate('requireRole', (role: StaffRole): onRequestAsyncHookHandler => {
    return async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const hadCookie = sessionTokenOf(request) !== null;
      const staff = await authenticate(request);
      if (!staff) {
        // A cookie that no longer signs anyone in is dropped from the browser too.
        if (hadCookie && request.headers.authorization === undefined) {
          clearSessionCookie(request, reply);
        }
        throw unauthorized();
      }
      if (staff.via === 'session' && !SAFE_METHODS.has(request.method) && request.staffSession) {
        checkCsrf(request, request.staffSession.token);
      }
      const scoped = await scopeToCampaign(request);
      if (ROLE_RANK[scoped.role] < ROLE_RANK[role]) {
        throw new ApiError(403, 'forbidden', `This needs the ${role} role`);
      }
    };
  });

  // Ended sessions are dropped by the hour (a live one is never read past its expiry).
  const pruner = setInterval(
    () => void app.store.pruneSessions(settings.now()).catch(() => undefined),
    60 * 60_000,
  );
  pruner.unref();
  app.addHook('onClose', async () => clearInterval(pruner));
}

export default fp(staffAuth, { name: 'staff-auth', dependencies: ['campaign-data'] });
