/**
 * The partner registry (`app.partners`): which origins may send submissions and
 * reports to each campaign, kept in memory. Allowed are the API's own origin, the
 * server's configuration (`CAMPAIGN_ALLOWED_ORIGINS`, a bootstrap), the campaign
 * record's `allowedOrigins`, and the origins of the campaign's enabled partner sites.
 *
 * A change made on this instance applies at once (the routes reload the registry before
 * they answer); on PostgreSQL every instance also reads the partners again every
 * `CAMPAIGN_REFRESH_MS`, and writes how many walls it has open per origin to the
 * presence table, so any instance can count the readers watching on every other one.
 */
import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CAMPAIGN_REFRESH_MS } from './plugins/campaign-data.js';
import type { PartnerRecord, PresenceRow } from './store/partners.js';
import type { CampaignRecord } from './store/store.js';

/** How often an instance on a shared database writes its open walls by origin. */
export const PRESENCE_MS = 5000;
/** Rows older than this are from an instance that stopped: not counted. */
export const PRESENCE_STALE_MS = 3 * PRESENCE_MS;
/** Rows this old are deleted by whichever instance writes next. */
const PRESENCE_DROP_MS = 60_000;

const ORIGIN_SHAPE = /^https?:\/\/[a-z0-9.\-[\]:]{1,260}$/;

/**
 * The `Origin` a stream or a figure is counted under: the header as browsers send it
 * (`scheme://host[:port]`, lower case), or `''` for none or anything else, so a client
 * cannot plant long or odd keys.
 */
export function originKey(header: string | undefined): string {
  return header !== undefined && header.length <= 300 && ORIGIN_SHAPE.test(header) ? header : '';
}

declare module 'fastify' {
  interface FastifyInstance {
    partners: PartnerRegistry;
  }
}

export class PartnerRegistry {
  readonly #app: FastifyInstance;
  /** Enabled partners' origins per campaign. */
  #allowed = new Map<string, Set<string>>();
  #reloading: Promise<void> | null = null;
  #again = false;
  /** This instance, in the presence table. */
  readonly instanceId = randomUUID();

  constructor(app: FastifyInstance) {
    this.#app = app;
  }

  /** Whether a page of `origin` may send to `campaign` (see the module's header). */
  allows(request: FastifyRequest, campaign: CampaignRecord, origin: string): boolean {
    const app = this.#app;
    if (origin === app.publicUrl) return true;
    if (origin === `${request.protocol}://${request.host}`) return true;
    return (
      app.settings.allowedOrigins.includes(origin) ||
      campaign.allowedOrigins.includes(origin) ||
      (this.#allowed.get(campaign.id)?.has(origin) ?? false)
    );
  }

  /** Origins allowed by configuration (the server's and the campaign record's), read-only. */
  configuredOrigins(campaign: CampaignRecord): string[] {
    return [...new Set([...this.#app.settings.allowedOrigins, ...campaign.allowedOrigins])];
  }

  /** Reads every campaign's partners again; calls made meanwhile share one more read. */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#again = true;
      return this.#reloading;
    }
    const run = async () => {
      do {
        this.#again = false;
        const partners = await this.#app.store.listPartners(null);
        this.#allowed = allowedOrigins(partners);
      } while (this.#again);
    };
    this.#reloading = run().finally(() => (this.#reloading = null));
    return this.#reloading;
  }

  /** Readers with a wall open now, by origin: this instance's, and the others' fresh rows. */
  async openWalls(campaignId: string): Promise<Map<string, number>> {
    const counts = new Map(this.#app.hub.openByOrigin(campaignId));
    if (this.#app.store.kind === 'sqlite') return counts;
    const others = await this.#app.store.presence(
      campaignId,
      this.instanceId,
      Date.now() - PRESENCE_STALE_MS,
    );
    for (const [origin, n] of others) counts.set(origin, (counts.get(origin) ?? 0) + n);
    return counts;
  }

  /** Writes this instance's open walls by origin (the allowed origins only: few rows). */
  async writePresence(): Promise<void> {
    const rows: PresenceRow[] = [];
    for (const campaignId of await this.#app.store.listCampaignIds()) {
      const campaign = this.#app.campaigns.get(campaignId);
      const known = new Set([
        ...(this.#allowed.get(campaignId) ?? []),
        ...(campaign ? this.configuredOrigins(campaign) : []),
      ]);
      for (const [origin, open] of this.#app.hub.openByOrigin(campaignId)) {
        if (known.has(origin)) rows.push({ campaignId, origin, open });
      }
    }
    const now = Date.now();
    await this.#app.store.putPresence(this.instanceId, rows, now, now - PRESENCE_DROP_MS);
  }
}

function allowedOrigins(partners: readonly PartnerRecord[]): Map<string, Set<string>> {
  const allowed = new Map<string, Set<string>>();
  for (const partner of partners) {
    if (!partner.enabled) continue;
    let origins = allowed.get(partner.campaignId);
    if (!origins) allowed.set(partner.campaignId, (origins = new Set()));
    for (const origin of partner.origins) origins.add(origin);
  }
  return allowed;
}

async function partnerRegistry(app: FastifyInstance): Promise<void> {
  const partners = new PartnerRegistry(app);
  app.decorate('partners', partners);
  await partners.reload();
  // One process owns a SQLite file and changes it through this registry; instances on
  // PostgreSQL read what the others changed, and tell them what walls they hold.
  if (app.store.kind === 'sqlite') return;
  const refresher = setInterval(
    () => void partners.reload().catch(() => undefined),
    CAMPAIGN_REFRESH_MS,
  );
  const presence = setInterval(
    () => void partners.writePresence().catch(() => undefined),
    PRESENCE_MS,
  );
  refresher.unref();
  presence.unref();
  app.addHook('preClose', async () => {
    clearInterval(refresher);
    clearInterval(presence);
    // Its walls close with it: the others stop counting them at once.
    await app.store
      .putPresence(partners.instanceId, [], Date.now(), Date.now() - PRESENCE_DROP_MS)
      .catch(() => undefined);
  });
}

export default fp(partnerRegistry, {
  name: 'partners',
  fastify: '5.x',
  dependencies: ['campaign-data'],
});
