/** Campaign, stories and photos: public, cacheable, open to any origin. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale, Story } from '../../../src/api/wire.js';
import type { CampaignRecord, StoryRecord } from '../store/store.js';
import { Type } from '@sinclair/typebox';
import { notFound } from '../errors.js';
import { cachedBody, matchesEtag, sendJson } from '../http-cache.js';
import {
  CampaignParams,
  ItemParams,
  LocaleQuery,
  PhotoFileParams,
  conditionalAnswer,
  errorAnswers,
} from '../schemas.js';
import { publicPhoto } from '../reader-photo-alt.js';
import { campaignToWire, photoToWire, storyToWire } from '../wire-mapping.js';

export const CONTENT_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600';
/**
 * A reader's photo is public only while its quote is: shared caches may keep it this
 * long after a takedown (docs/deploy.md states it), and revalidate after.
 */
export const READER_PHOTO_MAX_AGE = 60;
export const READER_PHOTO_CACHE_CONTROL = `public, max-age=${READER_PHOTO_MAX_AGE}, must-revalidate`;
const NEWSROOM_PHOTO_CACHE_CONTROL = 'public, max-age=86400';

const JPEG = {
  description: 'JPEG. Sends `ETag` and `Cache-Control`; `304` to a matching `If-None-Match`.',
  content: { 'image/jpeg': { schema: Type.String({ format: 'binary' }) } },
};

export default async function contentRoutes(app: FastifyInstance): Promise<void> {
  /**
   * A story as the API answers it, with its photo as `GET /photos/:id` answers it, so a
   * teaser shows both after one request. `keep`: the answer stays true until the
   * content changes, as a newsroom photo does. One with a reader's photo does not (the
   * photo is public only while its quote is), nor one whose photo is not public yet.
   */
  async function storyAnswer(
    campaign: CampaignRecord,
    story: StoryRecord,
    locale: Locale,
  ): Promise<{ wire: Story; keep: boolean }> {
    const photo = story.photoId ? await publicPhoto(app.store, campaign, story.photoId) : null;
    const wire = {
      ...storyToWire(story, locale, app.publicUrl),
      photo: photo && photoToWire(photo, locale, app.publicUrl),
    };
    return { wire, keep: !story.photoId || (!!photo && !photo.submissionId) };
  }

  /**
   * Sends `body`, kept for the next reader under `key` when every answer in it may be
   * kept; else not kept, and shared caches revalidate it as they do a reader's photo.
   */
  function keepAndSend(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    body: unknown,
    answers: { keep: boolean }[],
  ) {
    const cached = cachedBody(body);
    if (!answers.every((a) => a.keep))
      return sendJson(request, reply, cached, READER_PHOTO_CACHE_CONTROL);
    app.contentCache.set(key, cached);
    return sendJson(request, reply, cached, CONTENT_CACHE_CONTROL);
  }

  app.get(
    '',
    {
      schema: {
        summary: 'A campaign, in one locale',
        tags: ['content'],
        params: CampaignParams,
        querystring: LocaleQuery,
        response: { 200: conditionalAnswer('Campaign'), ...errorAnswers(304, 404) },
      },
    },
    async (request, reply) => {
      const { campaign, locale } = request;
      const wire = campaignToWire(campaign, locale, app.publicUrl, Date.now());
      const key = `campaign|${campaign.id}|${locale}|${wire.status}`;
      let cached = app.contentCache.get(key);
      if (!cached) app.contentCache.set(key, (cached = cachedBody(wire)));
      return sendJson(request, reply, cached, CONTENT_CACHE_CONTROL);
    },
  );

  app.get(
    '/stories',
    {
      schema: {
        summary: 'Campaign stories (teasers)',
        tags: ['content'],
        params: CampaignParams,
        querystring: LocaleQuery,
        response: { 200: conditionalAnswer('StoryList'), ...errorAnswers(304, 404) },
      },
    },
    async (request, reply) => {
      const { campaign, locale } = request;
      const key = `stories|${campaign.id}|${locale}`;
      const kept = app.contentCache.get(key);
      if (kept) return sendJson(request, reply, kept, CONTENT_CACHE_CONTROL);
      const stories = await app.store.listStories(campaign.id);
      const items = await Promise.all(stories.map((story) => storyAnswer(campaign, story, locale)));
      return keepAndSend(request, reply, key, { items: items.map((a) => a.wire) }, items);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/stories/:id',
    {
      schema: {
        summary: 'One story teaser',
        tags: ['content'],
        params: ItemParams,
        querystring: LocaleQuery,
        response: { 200: conditionalAnswer('Story'), ...errorAnswers(304, 404) },
      },
    },
    async (request, reply) => {
      const { campaign, locale } = request;
      const key = `story|${campaign.id}|${request.params.id}|${locale}`;
      const kept = app.contentCache.get(key);
      if (kept) return sendJson(request, reply, kept, CONTENT_CACHE_CONTROL);
      const story = await app.store.getStory(campaign.id, request.params.id);
      if (!story) throw notFound('Story');
      const answer = await storyAnswer(campaign, story, locale);
      return keepAndSend(request, reply, key, answer.wire, [answer]);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/photos/:id',
    {
      schema: {
        summary: 'A photo: sources, size, alt, caption, credit, license',
        tags: ['content'],
        params: ItemParams,
        querystring: LocaleQuery,
        response: { 200: conditionalAnswer('Photo'), ...errorAnswers(304, 404) },
      },
    },
    async (request, reply) => {
      const { campaign, locale } = request;
      // Reader photos are public only while their quote is: never cached here.
      const photo = await publicPhoto(app.store, campaign, request.params.id);
      if (!photo) throw notFound('Photo');
      const cached = cachedBody(photoToWire(photo, locale, app.publicUrl));
      const cacheControl = photo.submissionId ? READER_PHOTO_CACHE_CONTROL : CONTENT_CACHE_CONTROL;
      return sendJson(request, reply, cached, cacheControl);
    },
  );

  app.get<{ Params: { id: string; file: string } }>(
    '/photos/:id/:file',
    {
      schema: {
        summary: 'A photo file at one width (`{width}.jpg`, as listed in `srcset`)',
        tags: ['content'],
        params: PhotoFileParams,
        response: { 200: JPEG, ...errorAnswers(304, 404) },
      },
    },
    async (request, reply) => {
      const width = Number.parseInt(request.params.file, 10);
      const file = await app.store.getPhotoFile(
        request.campaign.id,
        request.params.id,
        width,
        true,
      );
      if (!file) throw notFound('Photo file');
      const reader = request.params.id.startsWith('reader-');
      reply
        .header('etag', file.etag)
        .header(
          'cache-control',
          reader ? READER_PHOTO_CACHE_CONTROL : NEWSROOM_PHOTO_CACHE_CONTROL,
        );
      if (matchesEtag(request, file.etag)) return reply.code(304).send();
      return reply.type('image/jpeg').send(file.bytes);
    },
  );
}
