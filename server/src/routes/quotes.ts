/** The wall: approved quotes (paged, cached per event id) and their live stream. */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { QuotePage } from '../../../src/api/wire.js';
import { validation } from '../errors.js';
import { cachedBody, sendJson } from '../http-cache.js';
import {
  CampaignParams,
  QuotesQuery,
  StreamQuery,
  conditionalAnswer,
  errorAnswers,
} from '../schemas.js';
import { quoteToWire } from '../wire-mapping.js';
import { originKey } from '../partners.js';

export const QUOTES_CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=30';

const EVENT_STREAM = {
  description: 'An event stream',
  content: { 'text/event-stream': { schema: { type: 'string' } } },
};

/** `Last-Event-ID` header first, then `?lastEventId=`; null means "from now on". */
function resumeFrom(
  header: string | string[] | undefined,
  query: string | undefined,
): number | null {
  const raw = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
  if (raw !== undefined) {
    if (!/^[0-9]{1,15}$/.test(raw)) throw validation([{ field: 'Last-Event-ID', code: 'invalid' }]);
    return Number(raw);
  }
  return query === undefined ? null : Number(query);
}

export default async function quoteRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: Static<typeof QuotesQuery> }>(
    '/quotes',
    {
      schema: {
        summary: 'Approved quotes, newest first',
        tags: ['wall'],
        params: CampaignParams,
        querystring: QuotesQuery,
        response: { 200: conditionalAnswer('QuotePage'), ...errorAnswers(304, 400, 404) },
      },
    },
    async (request, reply) => {
      const { campaign, locale } = request;
      const limit = request.query.limit ?? 20;
      const before = request.query.before;
      const version = app.hub.cachedVersion(campaign.id) ?? (await app.hub.version(campaign.id));
      const key = `${campaign.id}|${locale}|${limit}|${before ?? ''}`;
      let cached = app.quoteCache.get(key);
      if (!cached || cached.version !== version) {
        const page = await app.store.listQuotes(campaign.id, {
          limit,
          ...(before === undefined ? {} : { before: Number(before) }),
        });
        const wire: QuotePage = {
          items: page.items.map((quote) => quoteToWire(campaign, quote, locale)),
          nextBefore: page.nextBefore === null ? null : String(page.nextBefore),
          lastEventId: page.lastEventId,
        };
        cached = { ...cachedBody(wire), version: page.lastEventId };
        app.quoteCache.set(key, cached);
      }
      return sendJson(request, reply, cached, QUOTES_CACHE_CONTROL);
    },
  );

  app.get<{ Querystring: Static<typeof StreamQuery> }>(
    '/quotes/stream',
    {
      schema: {
        summary: 'Live wall events (Server-Sent Events)',
        description:
          'Events `quote` (data: `Quote`, added or changed) and `remove` (data: ' +
          '`RemoveEventData`), each with an increasing `id:`. Resume with the ' +
          '`Last-Event-ID` header or `?lastEventId=` (e.g. `QuotePage.lastEventId`): every ' +
          'event after it is replayed first. A `retry:` hint opens the stream; a comment ' +
          'line is sent every 15 s as a heartbeat.',
        tags: ['wall'],
        params: CampaignParams,
        querystring: StreamQuery,
        headers: {
          type: 'object',
          properties: {
            'last-event-id': {
              type: 'string',
              description:
                'Resume after this event id, 1 to 15 digits (browsers send it on reconnect); ' +
                'anything else answers `400`',
            },
          },
        },
        response: { 200: EVENT_STREAM, ...errorAnswers(400, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const lastEventId = resumeFrom(request.headers['last-event-id'], request.query.lastEventId);
      // 503 when every slot is taken, 429 when this client holds its share.
      const refused = app.hub.admit(request.ip);
      if (refused) throw refused;
      reply.hijack();
      await app.hub.open(reply.raw, {
        campaignId: request.campaign.id,
        locale: request.locale,
        lastEventId,
        address: request.ip,
        origin: originKey(request.headers.origin),
        headers: {
          'access-control-allow-origin': '*',
          'cross-origin-resource-policy': 'cross-origin',
          'x-content-type-options': 'nosniff',
        },
      });
    },
  );
}
