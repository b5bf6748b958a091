/**
 * Staff sessions are a cookie: `campaign_staff=<token>`, where the token is 32 random
 * bytes (base64url). The store keeps only the token's SHA-256, so a copy of the
 * database signs nobody in. The CSRF token is derived from the session token (a page
 * on another site can neither read the cookie nor compute it) and is sent back as
 * `X-CSRF-Token` on every change.
 *
 * A session ends after `idleMs` without a request (default 12 h) and `absoluteMs`
 * after sign-in whatever happens (default 7 days). One-time links (first admin,
 * invitations, password resets) are tokens of the same kind, kept by hash too.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'campaign_staff';
export const CSRF_HEADER = 'x-csrf-token';

export const DEFAULT_IDLE_MS = 12 * 3_600_000;
export const DEFAULT_ABSOLUTE_MS = 7 * 24 * 3_600_000;
/** A session's last-seen time is written at most this often. */
export const TOUCH_INTERVAL_MS = 60_000;

/** 32 random bytes, base64url: 43 characters. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** What a well-formed token looks like; anything else is refused before it is hashed. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** How the store knows a session or link: the SHA-256 of its token, hex. */
export const tokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

export const csrfTokenFor = (sessionToken: string): string =>
  createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');

/** Equal strings in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * One cookie's value from a `Cookie` header (RFC 6265 `name=value; name2=value2`);
 * the first one wins when a name repeats, as browsers send the most specific first.
 */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header || header.length > 8192) return null;
  for (const pair of header.split(';')) {
    const index = pair.indexOf('=');
    if (index < 0) continue;
    if (pair.slice(0, index).trim() !== name) continue;
    let value = pair.slice(index + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    return value;
  }
  return null;
}

/** The session token a request carries, if it has a well-formed one. */
export function sessionTokenOf(request: FastifyRequest): string | null {
  const value = readCookie(request.headers.cookie, sessionCookieName(request));
  return value && TOKEN_PATTERN.test(value) ? value : null;
}

/** `Secure` when the request came over HTTPS or the API's public address is https. */
export function wantsSecureCookie(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.server.publicUrl.startsWith('https:');
}

/**
 * Over HTTPS the cookie is `__Host-campaign_staff`: browsers accept that name only from
 * this very host (Secure, Path=/, no Domain), so a page on a sibling subdomain cannot
 * plant a session cookie of its own (sign staff out for good, or into its session).
 * Over plain HTTP (a partner trying it out locally) it is `campaign_staff`.
 */
export function sessionCookieName(request: FastifyRequest): string {
  return wantsSecureCookie(request) ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeMs: number,
): void {
  const attributes = [
    `${sessionCookieName(request)}=${token}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (wantsSecureCookie(request)) attributes.push('Secure');
  void reply.header('set-cookie', attributes.join('; '));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const attributes = [
    `${sessionCookieName(request)}=`,
    'Path=/',
    'Max-Age=0',
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (wantsSecureCookie(request)) attributes.push('Secure');
  void reply.header('set-cookie', attributes.join('; '));
}

/** When a session seen at `lastSeenAt` and made at `createdAt` ends. */
export const sessionExpiry = (
  createdAt: number,
  lastSeenAt: number,
  limits: { idleMs: number; absoluteMs: number },
): number => Math.min(lastSeenAt + limits.idleMs, createdAt + limits.absoluteMs);
