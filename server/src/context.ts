/** What the route modules share: options, store, fan-out, caches and small helpers. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from './errors.js';
import type { BoundedCache } from './http-cache.js';
import { type CachedBody } from './http-cache.js';
import type { LiveHub } from './live.js';
import type { Limiter } from './rate-limit.js';
import type { CampaignRecord, Store } from './store/store.js';

export interface ResolvedOptions {
  adminToken: string;
  allowedOrigins: string[];
  publicUrl: string | null;
  distDir: string;
  publicDir: string;
  /** Largest JSON body, in bytes. */
  jsonBodyLimit: number;
  /** Most pixels a photo may have. */
  maxPhotoPixels: number;
}

export interface Context {
  options: ResolvedOptions;
  store: Store;
  hub: LiveHub;
  limiter: Limiter | null;
  campaigns: Map<string, CampaignRecord>;
  /** Serialised content answers (campaign, stories, photos), keyed by path, locale and base. */
  content: BoundedCache<CachedBody>;
  /** Serialised quote pages with the event id they were read at. */
  quotes: BoundedCache<CachedBody & { version: number }>;
}

/** Reads every campaign into memory (content changes only through seeding). */
export async function loadCampaigns(ctx: Context): Promise<void> {
  ctx.campaigns.clear();
  for (const id of await ctx.store.listCampaignIds()) {
    const campaign = await ctx.store.getCampaign(id);
    if (campaign) ctx.campaigns.set(id, campaign);
  }
  ctx.content.clear();
  ctx.quotes.clear();
}

export function campaignOr404(ctx: Context, id: string): CampaignRecord {
  const campaign = ctx.campaigns.get(id);
  if (!campaign) throw notFound('Campaign');
  return campaign;
}

const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** Public base URL of the API (no trailing slash): configured, else from the Host header. */
export function baseUrl(ctx: Context, request: FastifyRequest): string {
  if (ctx.options.publicUrl) return ctx.options.publicUrl;
  const host = request.host;
  const bound = request.server.server.address();
  const fallback = typeof bound === 'object' && bound ? `127.0.0.1:${bound.port}` : '127.0.0.1';
  const safe = SAFE_HOST.test(host) ? host : fallback;
  return `${request.protocol}://${safe}`;
}

/** Headers that let any page read a public answer. */
export function openToAnyOrigin(reply: FastifyReply): void {
  reply
    .header('access-control-allow-origin', '*')
    .header('access-control-expose-headers', 'ETag, Retry-After')
    .header('cross-origin-resource-policy', 'cross-origin');
}
