/** Moderation, behind `Authorization: Bearer <CAMPAIGN_ADMIN_TOKEN>`. Never cached, never CORS. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { StaffSubmissionPage } from '../../../src/api/wire.js';
import { campaignOr404, type Context } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { CampaignParams, ItemParams, StaffListQuery } from '../schemas.js';
import type { StaffAction } from '../store/store.js';
import { resolveLocale, staffSubmissionToWire } from '../wire-mapping.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function isStaff(ctx: Context, request: FastifyRequest): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  return timingSafeEqual(digest(match[1]), digest(ctx.options.adminToken));
}

export const StaffPhotoQuery = Type.Object({
  width: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
});

export function staffRoutes(app: FastifyInstance, ctx: Context): void {
  app.register(async (staff) => {
    staff.addHook('onRequest', async (request, reply) => {
      reply.header('cache-control', 'no-store');
      if (!isStaff(ctx, request)) {
        throw new ApiError(401, 'unauthorized', 'A valid staff token is required', {
          headers: { 'www-authenticate': 'Bearer realm="campaign staff"' },
        });
      }
    });

    staff.get<{
      Params: Static<typeof CampaignParams>;
      Querystring: Static<typeof StaffListQuery>;
    }>(
      '/v1/campaigns/:campaign/submissions',
      { schema: { params: CampaignParams, querystring: StaffListQuery } },
      async (request) => {
        const campaign = campaignOr404(ctx, request.params.campaign);
        const locale = resolveLocale(request.query.locale, campaign);
        const { status, limit = 50, before } = request.query;
        const page = await ctx.store.listSubmissions(campaign.id, {
          limit,
          ...(status ? { status } : {}),
          ...(before === undefined ? {} : { before: Number(before) }),
        });
        const answer: StaffSubmissionPage = {
          items: page.items.map((item) => staffSubmissionToWire(campaign, item, locale)),
          nextBefore: page.nextBefore === null ? null : String(page.nextBefore),
          counts: await ctx.store.countSubmissions(campaign.id),
        };
        return answer;
      },
    );

    staff.get<{ Params: Static<typeof ItemParams>; Querystring: { locale?: string } }>(
      '/v1/campaigns/:campaign/submissions/:id',
      { schema: { params: ItemParams } },
      async (request) => {
        const campaign = campaignOr404(ctx, request.params.campaign);
        const submission = await ctx.store.getSubmission(campaign.id, request.params.id);
        if (!submission) throw notFound('Submission');
        return staffSubmissionToWire(
          campaign,
          submission,
          resolveLocale(request.query.locale, campaign),
        );
      },
    );

    staff.get<{ Params: Static<typeof ItemParams>; Querystring: Static<typeof StaffPhotoQuery> }>(
      '/v1/campaigns/:campaign/submissions/:id/photo',
      { schema: { params: ItemParams, querystring: StaffPhotoQuery } },
      async (request, reply) => {
        const campaign = campaignOr404(ctx, request.params.campaign);
        const submission = await ctx.store.getSubmission(campaign.id, request.params.id);
        if (!submission?.photoId) throw notFound('Photo');
        const photo = await ctx.store.getPhoto(campaign.id, submission.photoId, false);
        if (!photo) throw notFound('Photo');
        const wanted = request.query.width ?? 640;
        const width = photo.widths.find((candidate) => candidate >= wanted) ?? photo.width;
        const file = await ctx.store.getPhotoFile(campaign.id, photo.id, width, false);
        if (!file) throw notFound('Photo');
        return reply.type('image/jpeg').send(file.bytes);
      },
    );

    for (const action of ['approve', 'reject', 'remove'] as StaffAction[]) {
      staff.post<{ Params: Static<typeof ItemParams> }>(
        `/v1/campaigns/:campaign/submissions/:id/${action}`,
        { schema: { params: ItemParams } },
        async (request) => {
          const campaign = campaignOr404(ctx, request.params.campaign);
          const result = await ctx.store.transition(
            campaign.id,
            request.params.id,
            action,
            Date.now(),
          );
          if (!result.ok) {
            if (result.reason === 'not_found') throw notFound('Submission');
            throw new ApiError(409, 'invalid_transition', result.message);
          }
          return staffSubmissionToWire(campaign, result.submission, campaign.defaultLocale);
        },
      );
    }

    staff.delete<{ Params: Static<typeof ItemParams> }>(
      '/v1/campaigns/:campaign/submissions/:id',
      { schema: { params: ItemParams } },
      async (request, reply) => {
        const campaign = campaignOr404(ctx, request.params.campaign);
        const result = await ctx.store.deleteSubmission(campaign.id, request.params.id);
        if (!result.deleted) throw notFound('Submission');
        return reply.code(204).send();
      },
    );
  });
}
