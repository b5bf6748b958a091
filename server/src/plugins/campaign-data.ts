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
import { campaignToWire, quoteToWire } from '../wire-mapping.js';

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
  readonly #onReload: (changed: string[]) => void;

  /** `onReload` hears the ids of the campaigns added, changed or gone (all on the first read). */
  constructor(store: Store, onReload: (changed: string[]) => void) {
    this.#store = store;
    this.#onReload = onReload;
  }

  get(id: string): CampaignRecord | undefined {
    return this.#byId.get(id);
  }

  ids(): string[] {
    return [...this.#byId.keys()];
  }

  async reload(): Promise<void> {
    const next = new Map<string, CampaignRecord>();
    for (const id of await this.#store.listCampaignIds()) {
      const campaign = await this.#store.getCampaign(id);
      if (campaign) next.set(id, campaign);
    }
    const changed = [...next]
      .filter(([id, campaign]) => {
        const current = this.#byId.get(id);
        return !current || JSON.stringify(current) !== JSON.stringify(campaign);
      })
      .map(([id]) => id);
    for (const id of this.#byId.keys()) if (!next.has(id)) changed.push(id);
    if (!changed.length && this.#loaded) return;
    this.#loaded = true;
    this.#byId.clear();
    for (const [id, campaign] of next) this.#byId.set(id, campaign);
    this.#onReload(changed);
  }

  #loaded = false;
}

/** The longest `setTimeout` Node keeps (about 24.8 days); longer waits are re-armed. */
const TIMER_MAX_MS = 2 ** 31 - 1;

/**
 * One timer per campaign with a closing time ahead (not one per stream): when it passes,
 * `onClose` runs for that campaign. `schedule` after every reload keeps the timers in
 * step with the campaigns' closing times.
 */
export class ClosingTimers {
  readonly #campaigns: CampaignRegistry;
  readonly #onClose: (id: string) => void;
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  constructor(campaigns: CampaignRegistry, onClose: (id: string) => void) {
    this.#campaigns = campaigns;
    this.#onClose = onClose;
  }

  schedule(now = Date.now()): void {
    const wanted = new Map<string, number>();
    for (const id of this.#campaigns.ids()) {
      const campaign = this.#campaigns.get(id);
      if (campaign?.status === 'open' && campaign.closesAt !== null && campaign.closesAt > now) {
        wanted.set(id, campaign.closesAt);
      }
    }
    for (const [id, entry] of this.#timers) {
      if (wanted.get(id) !== entry.at) {
        clearTimeout(entry.timer);
        this.#timers.delete(id);
      }
    }
    for (const [id, at] of wanted) if (!this.#timers.has(id)) this.#arm(id, at);
  }

  /** Campaigns with a timer armed (for tests and diagnostics). */
  get size(): number {
    return this.#timers.size;
  }

  #arm(id: string, at: number): void {
    const wait = Math.max(0, at - Date.now());
    const timer = setTimeout(
      () => {
        if (this.#timers.get(id)?.timer !== timer) return;
        if (Date.now() < at) return this.#arm(id, at);
        this.#timers.delete(id);
        this.#onClose(id);
      },
      Math.min(wait, TIMER_MAX_MS),
    );
    timer.unref();
    this.#timers.set(id, { at, timer });
  }

  stop(): void {
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
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
  let closing: ClosingTimers | null = null;
  const campaigns = new CampaignRegistry(store, (changed) => {
    contentCache.clear();
    quoteCache.clear();
    // Open widgets hear what changed (closed, reopened, new consent) without a reload.
    for (const id of changed) pushCampaign(id);
    closing?.schedule();
  });
  /** Every stream of the campaign hears it as it now stands, once per locale. */
  const pushCampaign = (id: string) => {
    const campaign = campaigns.get(id);
    if (!campaign || !hub.hasStreams(id)) return;
    const now = Date.now();
    hub.pushCampaign(id, (locale) =>
      JSON.stringify(campaignToWire(campaign, locale, app.publicUrl, now)),
    );
  };
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
  // A campaign whose closing time passes closes on every open page at that moment.
  closing = new ClosingTimers(campaigns, (id) => {
    contentCache.clear();
    pushCampaign(id);
  });
  closing.schedule();
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
    closing?.stop();
    hub.close();
  });
  app.addHook('onClose', async () => {
    if (options.ownsStore) await store.close();
  });
}

export default fp(campaignData, { name: 'campaign-data', fastify: '5.x' });
