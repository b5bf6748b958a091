/** The wall: approved quotes (paged, cached per event id) and their live stream. */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { QuotePage } from '../../../src/api/wire.js';
import { campaignOr404, openToAnyOrigin, type Context } from '../context.js';
import { ApiError, validation } from '../errors.js';
import { cachedBody, sendJson } from '../http-cache.js';
import { CampaignParams, QuotesQuery, StreamQuery } from '../schemas.js';
import { quoteToWire, resolveLocale } from '../wire-mapping.js';

export const QUOTES_CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=30';

export function quoteRoutes(app: FastifyInstance, ctx: Context): void {
  app.get<{ Params: Static<typeof CampaignParams>; Querystring: Static<typeof QuotesQuery> }>(
    '/v1/campaigns/:campaign/quotes',
    { schema: { params: CampaignParams, querystring: QuotesQuery } },
    async (request, reply) => {
      openToAnyOrigin(reply);
      const campaign = campaignOr404(ctx, request.params.campaign);
      const locale = resolveLocale(request.query.locale, campaign);
      const limit = request.query.limit ?? 20;
      const before = request.query.before;
      const version = ctx.hub.cachedVersion(campaign.id) ?? (await ctx.hub.version(campaign.id));
      const key = `${campaign.id}|${locale}|${limit}|${before ?? ''}`;
      let cached = ctx.quotes.get(key);
      if (!cached || cached.version !== version) {
        const page = await ctx.store.listQuotes(campaign.id, {
          limit,
          ...(before === undefined ? {} : { before: Number(before) }),
        });
        const wire: QuotePage = {
          items: page.items.map((quote) => quoteToWire(campaign, quote, locale)),
          nextBefore: page.nextBefore === null ? null : String(page.nextBefore),
          lastEventId: page.lastEventId,
        };
        cached = { ...cachedBody(wire), version: page.lastEventId };
        ctx.quotes.set(key, cached);
      }
      return sendJson(request, reply, cached, QUOTES_CACHE_CONTROL);
    },
  );

  app.get<{ Params: Static<typeof CampaignParams>; Querystring: Static<typeof StreamQuery> }>(
    '/v1/campaigns/:campaign/quotes/stream',
    { schema: { params: CampaignParams, querystring: StreamQuery } },
    async (request, reply) => {
      openToAnyOrigin(reply);
      const campaign = campaignOr404(ctx, request.params.campaign);
      const locale = resolveLocale(request.query.locale, campaign);
      const header = request.headers['last-event-id'];
      let lastEventId: number | null = null;
      const raw = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
      if (raw !== undefined) {
        if (!/^[0-9]{1,15}$/.test(raw)) {
          throw validation([{ field: 'Last-Event-ID', code: 'invalid' }]);
        }
        lastEventId = Number(raw);
      } else if (request.query.lastEventId !== undefined) {
        lastEventId = Number(request.query.lastEventId);
      }
      if (ctx.hub.full) {
        throw new ApiError(503, 'unavailable', 'Too many live connections; try again soon', {
          headers: { 'retry-after': '10' },
        });
      }
      reply.hijack();
      await ctx.hub.open(reply.raw, {
        campaignId: campaign.id,
        locale,
        lastEventId,
        headers: {
          'access-control-allow-origin': '*',
          'cross-origin-resource-policy': 'cross-origin',
          'x-content-type-options': 'nosniff',
        },
      });
    },
  );
}
