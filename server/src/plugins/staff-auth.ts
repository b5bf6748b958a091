/**
 * Who is asking, for every staff route: a signed-in staff member (session cookie) or a
 * script with the service token (`Authorization: Bearer <CAMPAIGN_ADMIN_TOKEN>`).
 * `app.requireRole(role)` is the `onRequest` hook each staff route group adds: it sets
 * `request.staff`, answers 401 to nobody, 403 `forbidden` to a role below `role`, and
 * 403 `csrf_failed` to a cookie-signed change without the session's `X-CSRF-Token`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Actor, StaffRole } from '../../../src/api/newsroom.js';
import type { Locale } from '../../../src/api/wire.js';
import { ApiError } from '../errors.js';
import { SERVICE_ACTOR } from '../store/newsroom.js';

export interface StaffPrincipal {
  actor: Actor;
  role: StaffRole;
  /** Null for the service token. */
  staffId: string | null;
  locale: Locale;
  via: 'session' | 'service';
}

declare module 'fastify' {
  interface FastifyInstance {
    requireRole(role: StaffRole): onRequestAsyncHookHandler;
  }
  interface FastifyRequest {
    staff: StaffPrincipal | null;
  }
}

export const ROLE_RANK: Record<StaffRole, number> = { viewer: 0, moderator: 1, admin: 2 };

const digest = (value: string) => createHash('sha256').update(value).digest();


/** The service token, compared in constant time. */
export function isServiceToken(request: FastifyRequest): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  return timingSafeEqual(digest(match[1]), digest(request.server.settings.adminToken));
}

async function staffAuth(app: FastifyInstance): Promise<void> {
  app.decorateRequest('staff', null);
  app.decorate('requireRole', (role: StaffRole): onRequestAsyncHookHandler => {
    return async (request, reply) => {
      reply.header('cache-control', 'no-store');
      if (isServiceToken(request)) {
        request.staff = {
          actor: SERVICE_ACTOR,
          role: 'admin',
          staffId: null,
          locale: 'en',
          via: 'service',
        };
      }
      const staff = request.staff;
      if (!staff) {
        throw new ApiError(401, 'unauthorized', 'Sign in, or send a valid staff token', {
          headers: { 'www-authenticate': 'Bearer realm="campaign staff"' },
        });
      }
      if (ROLE_RANK[staff.role] < ROLE_RANK[role]) {
        throw new ApiError(403, 'forbidden', `This needs the ${role} role`);
      }
    };
  });
}

export default fp(staffAuth, { name: 'staff-auth' });
