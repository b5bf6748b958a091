/**
 * `GET /v1/campaigns/:campaign/stream`: the campaign's own live events, for the form.
 * It opens with a `campaign` event (the campaign as it is now, in the stream's locale),
 * then sends one whenever the campaign changes: closed or reopened by an admin, its
 * closing time passed, new consent text. Same caps as the wall's stream.
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CampaignParams, errorAnswers } from '../schemas.js';
import { campaignToWire } from '../wire-mapping.js';

const CampaignStreamQuery = Type.Object({
  locale: Type.Optional(
    Type.String({
      maxLength: 35,
      description: '`en` or `zh-Hans`; other tags map to the nearest, else the default locale',
    }),
  ),
});

export default async function campaignStreamRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: Static<typeof CampaignStreamQuery> }>(
    '/stream',
    {
      schema: {
        summary: "The campaign's live changes (Server-Sent Events)",
        description:
          "Event `campaign` (data: `Campaign`, in the stream's locale, without an `id:` line) " +
          'first with the campaign as it is now, then whenever it changes: closed or ' +
          'reopened, its closing time passed (`status` reads `closed` at that moment), new ' +
          "consent text and version, districts or limits. Nothing else is sent (the wall's " +
          '`…/quotes/stream` hears the same `campaign` events besides its quotes). A ' +
          '`retry:` hint opens the stream; a comment line is sent every 15 s as a heartbeat.',
        tags: ['campaign'],
        params: CampaignParams,
        querystring: CampaignStreamQuery,
        response: {
          200: {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errorAnswers(404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      // 503 when every slot is taken, 429 when this client holds its share.
      const refused = app.hub.admit(request.ip);
      if (refused) throw refused;
      const { campaign, locale } = request;
      reply.hijack();
      await app.hub.open(reply.raw, {
        campaignId: campaign.id,
        locale,
        lastEventId: null,
        address: request.ip,
        topic: 'campaign',
        campaign: JSON.stringify(campaignToWire(campaign, locale, app.publicUrl, Date.now())),
        headers: {
          'access-control-allow-origin': '*',
          'cross-origin-resource-policy': 'cross-origin',
          'x-content-type-options': 'nosniff',
        },
      });
    },
  );
}
