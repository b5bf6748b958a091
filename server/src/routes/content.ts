/** Campaign, stories and photos: public, cacheable, open to any origin. */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { baseUrl, campaignOr404, openToAnyOrigin, type Context } from '../context.js';
import { notFound } from '../errors.js';
import { cachedBody, matchesEtag, sendJson } from '../http-cache.js';
import { CampaignParams, ItemParams, LocaleQuery, PhotoFileParams } from '../schemas.js';
import { campaignToWire, photoToWire, resolveLocale, storyToWire } from '../wire-mapping.js';

export const CONTENT_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600';

export function contentRoutes(app: FastifyInstance, ctx: Context): void {
  app.get<{ Params: Static<typeof CampaignParams>; Querystring: Static<typeof LocaleQuery> }>(
    '/v1/campaigns/:campaign',
    { schema: { params: CampaignParams, querystring: LocaleQuery } },
    async (request, reply) => {
      openToAnyOrigin(reply);
      const campaign = campaignOr404(ctx, request.params.campaign);
      const locale = resolveLocale(request.query.locale, campaign);
      const base = baseUrl(ctx, request);
      const now = Date.now();
      const wire = campaignToWire(campaign, locale, base, now);
      const key = `campaign|${campaign.id}|${locale}|${base}|${wire.status}`;
      let cached = ctx.content.get(key);
      if (!cached) ctx.content.set(key, (cached = cachedBody(wire)));
      return sendJson(request, reply, cached, CONTENT_CACHE_CONTROL);
    },
  );

  app.get<{ Params: Static<typeof CampaignParams>; Querystring: Static<typeof LocaleQuery> }>(
    '/v1/campaigns/:campaign/stories',
    { schema: { params: CampaignParams, querystring: LocaleQuery } },
    async (request, reply) => {
      openToAnyOrigin(reply);
      const campaign = campaignOr404(ctx, request.params.campaign);
      const locale = resolveLocale(request.query.locale, campaign);
      const base = baseUrl(ctx, request);
      const key = `stories|${campaign.id}|${locale}|${base}`;
      let cached = ctx.content.get(key);
      if (!cached) {
        const stories = await ctx.store.listStories(campaign.id);
        cached = cachedBody({ items: stories.map((story) => storyToWire(story, locale, base)) });
        ctx.content.set(key, cached);
      }
      return sendJson(request, reply, cached, CONTENT_CACHE_CONTROL);
    },
  );

  app.get<{ Params: Static<typeof ItemParams>; Querystring: Static<typeof LocaleQuery> }>(
    '/v1/campaigns/:campaign/stories/:id',
    { schema: { params: ItemParams, querystring: LocaleQuery } },
    async (request, reply) => {
      openToAnyOrigin(reply);
      const campaign = campaignOr404(ctx, request.params.campaign);
      const locale = resolveLocale(request.query.locale, campaign);
      const base = baseUrl(ctx, request);
      const key = `story|${campaign.id}|${request.params.id}|${locale}|${base}`;
      let cached = ctx.content.get(key);
      if (!cached) {
        const story = await ctx.store.getStory(campaign.id, request.params.id);
        if (!story) throw notFound('Story');
        cached = cachedBody(storyToWire(story, locale, base));
        ctx.content.set(key, cached);
      }
      return sendJson(request, reply, cached, CONTENT_CACHE_CONTROL);
    },
  );

  app.get<{ Params: Static<typeof ItemParams>; Querystring: Static<typeof LocaleQuery> }>(
    '/v1/campaigns/:campaign/photos/:id',
    { schema: { params: ItemParams, querystring: LocaleQuery } },
    async (request, reply) => {
      openToAnyOrigin(reply);
      const campaign = campaignOr404(ctx, request.params.campaign);
      const locale = resolveLocale(request.query.locale, campaign);
      const base = baseUrl(ctx, request);
      // Reader photos are public only while their quote is: never cached here.
      const photo = await ctx.store.getPhoto(campaign.id, request.params.id, true);
      if (!photo) throw notFound('Photo');
      const cached = cachedBody(photoToWire(photo, locale, base));
      const cacheControl = photo.submissionId ? 'public, max-age=60' : CONTENT_CACHE_CONTROL;
      return sendJson(request, reply, cached, cacheControl);
    },
  );

  app.get<{ Params: Static<typeof PhotoFileParams> }>(
    '/v1/campaigns/:campaign/photos/:id/:file',
    { schema: { params: PhotoFileParams } },
    async (request, reply) => {
      openToAnyOrigin(reply);
      const campaign = campaignOr404(ctx, request.params.campaign);
      const width = Number.parseInt(request.params.file, 10);
      const file = await ctx.store.getPhotoFile(campaign.id, request.params.id, width, true);
      if (!file) throw notFound('Photo file');
      reply
        .header('etag', file.etag)
        .header(
          'cache-control',
          request.params.id.startsWith('reader-') ? 'public, max-age=300' : 'public, max-age=86400',
        );
      if (matchesEtag(request, file.etag)) return reply.code(304).send();
      return reply.type('image/jpeg').send(file.bytes);
    },
  );
}
