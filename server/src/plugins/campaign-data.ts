/**
 * What every route shares, attached to the app once: the store, the live fan-out, the
 * campaigns in memory, the submission rate limit, the answer caches, the settings and
 * the public base URL. Wrapped with `fastify-plugin`, so every route plugin sees them.
 */
import type { StaffFeedOptions } from '../staff-live.js';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Locale } from '../../../src/api/wire.js';
import { BoundedCache, type CachedBody } from '../http-cache.js';
import { LiveHub, type LiveHubOptions } from '../live.js';
import {
  isRateLimitBackend,
  RateLimiter,
  SharedRateLimiter,
  type Limiter,
  type RateLimitOptions,
} from '../rate-limit.js';
import type { CampaignRecord, LiveEvent, Store } from '../store/store.js';
import { quoteToWire } from '../wire-mapping.js';

export interface Settings {
  adminToken: string;
  allowedOrigins: string[];
  /** Configured public base URL (no trailing slash), or null to use the bound address. */
  publicUrl: string | null;
  distDir: string;
  publicDir: string;
  /** Largest JSON body (and multipart `data` part), in bytes. */
  jsonBodyLimit: number;
  /** Most pixels a photo may have. */
  maxPhotoPixels: number;
  /** The newsroom console's live stream: caps and how often sessions are checked again. */
  staffFeed: StaffFeedOptions;
  /** Keys the digests of clients' addresses (repeats, one report per client). */
  clientDigestKey: string;
}

/** The campaigns, read into memory once (content changes only through seeding). */
export class CampaignRegistry {
  readonly #store: Store;
  readonly #byId = new Map<string, CampaignRecord>();
  readonly #onReload: () => void;

  constructor(store: Store, onReload: () => void) {
    this.#store = store;
    this.#onReload = onReload;
  }

  get(id: string): CampaignRecord | undefined {
    return this.#byId.get(id);
  }

  async reload(): Promise<void> {
    const next = new Map<string, CampaignRecord>();
    for (const id of await this.#store.listCampaignIds()) {
      const campaign = await this.#store.getCampaign(id);
      if (campaign) next.set(id, campaign);
    }
    const changed =
      next.size !== this.#byId.size ||
      [...next].some(([id, campaign]) => {
        const current = this.#byId.get(id);
        return !current || JSON.stringify(current) !== JSON.stringify(campaign);
      });
    if (!changed && this.#loaded) return;
    this.#loaded = true;
    this.#byId.clear();
    for (const [id, campaign] of next) this.#byId.set(id, campaign);
    this.#onReload();
  }

  #loaded = false;
}

/**
 * How often an instance on a shared database reads the campaigns again, so a setting an
 * admin changed on another instance (trust and safety, for now) applies everywhere
 * within this time. Unchanged campaigns keep the answer caches.
 */
export const CAMPAIGN_REFRESH_MS = 5000;

export interface CampaignDataOptions {
  store: Store;
  settings: Settings;
  rateLimit: RateLimitOptions | false;
  live: LiveHubOptions;
  /** Close the store with the app (false when the caller passed its own). */
  ownsStore: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    hub: LiveHub;
    campaigns: CampaignRegistry;
    settings: Settings;
    /** Counts accepted submissions per client; null when the limit is off. */
    limiter: Limiter | null;
    /** Serialised content answers (campaign, stories, photos), keyed by path and locale. */
    contentCache: BoundedCache<CachedBody>;
    /** Serialised quote pages with the event id they were read at. */
    quoteCache: BoundedCache<CachedBody & { version: number }>;
    /**
     * Base URL written into public answers (photo `src`, story `url`, privacy link):
     * the configured one, else the address the server listens on — never a request
     * header, so no client can plant a host in a cached answer.
     */
    readonly publicUrl: string;
  }
}

/** `http://HOST:PORT` of a listening server; loopback stands in for a wildcard address. */
export function boundUrl(app: FastifyInstance): string | null {
  const address = app.server.address();
  if (!address || typeof address === 'string') return null;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard
    ? '127.0.0.1'
    : address.family === 'IPv6'
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}`;
}

/** Before the server listens (in-process `inject`), answers use this base. */
const UNBOUND_URL = 'http://127.0.0.1';

async function campaignData(app: FastifyInstance, options: CampaignDataOptions): Promise<void> {
  const { store, settings } = options;
  const contentCache = new BoundedCache<CachedBody>(2000);
  const quoteCache = new BoundedCache<CachedBody & { version: number }>(2000);
  const campaigns = new CampaignRegistry(store, () => {
    contentCache.clear();
    quoteCache.clear();
  });
  const render = (event: LiveEvent, locale: Locale) => {
    if (event.type === 'remove') return JSON.stringify({ id: event.quoteId });
    const campaign = campaigns.get(event.campaignId);
    if (!campaign) return JSON.stringify({ id: event.quote.id });
    return JSON.stringify(quoteToWire(campaign, event.quote, locale));
  };
  const hub = new LiveHub(store, render, options.live);
  // Behind a load balancer every instance must count against the same window.
  const limiter: Limiter | null = !options.rateLimit
    ? null
    : isRateLimitBackend(store)
      ? new SharedRateLimiter(store, options.rateLimit)
      : new RateLimiter(options.rateLimit);

  let bound: string | null = null;
  app.decorate('store', store);
  app.decorate('hub', hub);
  app.decorate('campaigns', campaigns);
  app.decorate('settings', settings);
  app.decorate('limiter', limiter);
  app.decorate('contentCache', contentCache);
  app.decorate('quoteCache', quoteCache);
  app.decorateRequest('campaign', null as unknown as CampaignRecord);
  app.decorateRequest('locale', null as unknown as Locale);
  app.decorate('publicUrl', {
    getter: () => settings.publicUrl ?? (bound ??= boundUrl(app)) ?? UNBOUND_URL,
  });

  await campaigns.reload();
  hub.start();
  // A quote taken down (or deleted for good) leaves no copy of its text in older pages
  // kept in memory, on any instance: every instance sees the remove event.
  const stopDropping = store.subscribe((event) => {
    if (event.type === 'remove') quoteCache.dropPrefix(`${event.campaignId}|`);
  });

  // One process owns a SQLite file, and changes it through this registry; instances on
  // PostgreSQL read what the others changed.
  const refresher =
    store.kind === 'sqlite'
      ? null
      : setInterval(() => void campaigns.reload().catch(() => undefined), CAMPAIGN_REFRESH_MS);
  refresher?.unref();
  const pruner = setInterval(
    () => void store.pruneIdempotencyKeys(Date.now() - 24 * 3_600_000).catch(() => undefined),
    60 * 60_000,
  );
  pruner.unref();
  app.addHook('preClose', async () => {
    clearInterval(pruner);
    if (refresher) clearInterval(refresher);
    stopDropping();
    hub.close();
  });
  app.addHook('onClose', async () => {
    if (options.ownsStore) await store.close();
  });
}

export default fp(campaignData, { name: 'campaign-data', fastify: '5.x' });
