/**
 * `POST /v1/campaigns/:campaign/quotes/:id/reports`: a reader reports a published quote.
 * No sign-in; from partner pages on the allowlist (as a submission is) and from the
 * API's own pages. One report per client and quote counts (the client is a keyed digest
 * of its address key, never the address); a second is answered the same and changes
 * nothing. Every report request counts against the client's rate limit. When a quote's open reports reach the
 * campaign's threshold it leaves every wall at once, until staff restore or remove it.
 */
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReportAccepted, ReportRequest } from '../../../src/api/wire.js';
import { clientKey } from '../client-address.js';
import { ApiError, notFound } from '../errors.js';
import { limiterFor } from '../rate-limit.js';
import { clientDigest } from '../safety/screen.js';
import { safetyOf } from '../safety/settings.js';
import { ItemParams, errorAnswers, ref } from '../schemas.js';
import { resolveCampaign } from './campaign-scope.js';
import type { CorsCallback } from './public.js';
import { originAllowed, originNotAllowed } from './submissions.js';

/**
 * Report requests per client and window, whatever came of them: enough for a reader,
 * too few to hide a wall. A repeat or an unknown quote costs its slot too, or one
 * client could send the same report without end (each a locked row on PostgreSQL).
 */
export const REPORT_LIMIT = { max: 30, windowMs: 3_600_000 };

const REPORT_CORS: FastifyCorsOptions = {
  origin: true,
  methods: ['POST'],
  allowedHeaders: 'Content-Type',
  exposedHeaders: 'Retry-After',
  maxAge: 600,
  preflightContinue: true,
  strictPreflight: false,
};
const NO_CORS: FastifyCorsOptions = { ...REPORT_CORS, origin: false };

export default async function reportRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', resolveCampaign);
  // CORS for any origin: a page that may not report still reads its `403
  // origin_not_allowed`; the POST is refused before its body is read.
  await app.register(cors, () => (request: FastifyRequest, callback: CorsCallback) => {
    callback(null, request.headers.origin !== undefined ? REPORT_CORS : NO_CORS);
  });
  const limiter = limiterFor(app.store, REPORT_LIMIT);

  app.options(
    '',
    {
      schema: {
        summary: 'CORS preflight for a report',
        tags: ['quotes'],
        params: ItemParams,
        response: {
          204: { type: 'null', description: 'CORS headers for any origin' },
          ...errorAnswers(404),
        },
      },
    },
    // Any origin: the report itself is refused if its origin is not allowed.
    async (_request, reply) => reply.code(204).send(),
  );

  app.post<{ Params: { id: string }; Body: ReportRequest }>(
    '',
    {
      schema: {
        summary: 'Report a published quote (no sign-in; one report per client counts)',
        tags: ['quotes'],
        params: ItemParams,
        body: ref('ReportRequest'),
        response: {
          202: ref('ReportAccepted'),
          ...errorAnswers(400, 403, 404, 429),
        },
      },
      onRequest: async (request) => {
        if (!originAllowed(request, request.campaign)) throw originNotAllowed(request, 'reports');
      },
    },
    async (request, reply) => {
      const { campaign } = request;
      const client = clientKey(request.ip);
      const key = `report:${client}`;
      const wait = await limiter.take(key);
      if (wait !== null) {
        throw new ApiError(429, 'rate_limited', 'Too many reports; try again later', {
          headers: { 'retry-after': String(wait) },
        });
      }
      const result = await app.store.addReport({
        campaignId: campaign.id,
        id: request.params.id,
        reporterHash: clientDigest(app.settings.clientDigestKey, campaign.id, client),
        reason: request.body.reason,
        note: request.body.note?.trim() || null,
        now: Date.now(),
        threshold: safetyOf(campaign).reportThreshold,
      });
      if (result.kind === 'not_found') throw notFound('Quote');
      const answer: ReportAccepted = { id: request.params.id, received: true };
      return reply.code(202).send(answer);
    },
  );
}
