/**
 * The first staff routes, kept for scripts (`Authorization: Bearer <CAMPAIGN_ADMIN_TOKEN>`)
 * and signed-in staff alike: list, read, approve / reject / remove without a version
 * check, delete. The console uses `routes/newsroom.ts`. Never cached, never CORS.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { StaffSubmission, StaffSubmissionPage } from '../../../src/api/wire.js';
import { ApiError, notFound } from '../errors.js';
import { CampaignParams, ItemParams, StaffListQuery, errorAnswers, ref } from '../schemas.js';
import type { StaffAction } from '../store/store.js';
import { staffSubmissionToWire as toWire } from '../wire-mapping.js';
import { roleAtLeast } from '../plugins/staff-auth.js';
import { resolveCampaign } from './campaign-scope.js';

export const StaffPhotoQuery = Type.Object({
  width: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
});

const STAFF = { tags: ['staff'], security: [{ staffToken: [] }] };

/** A viewer reads the words, never a reader's address. */
function staffSubmission(
  request: FastifyRequest,
  ...args: Parameters<typeof toWire>
): StaffSubmission {
  const answer = toWire(...args);
  return request.staff?.role === 'viewer' ? { ...answer, email: null } : answer;
}
const JPEG = {
  description: 'JPEG',
  content: { 'image/jpeg': { schema: Type.String({ format: 'binary' }) } },
};

/** `GET …/submissions/:id/photo`: a submission's photo whatever its status; in each staff group. */
export function staffPhotoRoute(staff: FastifyInstance): void {
  staff.get<{ Params: Static<typeof ItemParams>; Querystring: Static<typeof StaffPhotoQuery> }>(
    '/submissions/:id/photo',
    {
      schema: {
        ...STAFF,
        summary: "A submission's photo, whatever its status (staff)",
        params: ItemParams,
        querystring: StaffPhotoQuery,
        response: { 200: JPEG, ...errorAnswers(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { campaign } = request;
      const submission = await staff.store.getSubmission(campaign.id, request.params.id);
      if (!submission?.photoId) throw notFound('Photo');
      const photo = await staff.store.getPhoto(campaign.id, submission.photoId, false);
      if (!photo) throw notFound('Photo');
      const wanted = request.query.width ?? 640;
      const width = photo.widths.find((candidate) => candidate >= wanted) ?? photo.width;
      const file = await staff.store.getPhotoFile(campaign.id, photo.id, width, false);
      if (!file) throw notFound('Photo');
      return reply.type('image/jpeg').header('cache-control', 'private, no-store').send(file.bytes);
    },
  );
}

export default async function staffRoutes(staff: FastifyInstance): Promise<void> {
  // Who is asking comes first: an outsider learns nothing, not even which campaigns exist.
  staff.addHook('onRequest', staff.requireRole('viewer'));
  staff.addHook('onRequest', resolveCampaign);

  staff.get<{ Querystring: Static<typeof StaffListQuery> }>(
    '/submissions',
    {
      schema: {
        ...STAFF,
        summary: 'Submissions by status, newest first (staff)',
        params: CampaignParams,
        querystring: StaffListQuery,
        response: {
          200: ref('StaffSubmissionPage', 'A page of submissions, with counts per status'),
          ...errorAnswers(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { campaign, locale } = request;
      const { status, limit = 50, before } = request.query;
      const page = await staff.store.listSubmissions(campaign.id, {
        limit,
        ...(status ? { status } : {}),
        ...(before === undefined ? {} : { before: Number(before) }),
      });
      const answer: StaffSubmissionPage = {
        items: page.items.map((item) => staffSubmission(request, campaign, item, locale)),
        nextBefore: page.nextBefore === null ? null : String(page.nextBefore),
        counts: await staff.store.countSubmissions(campaign.id),
      };
      return answer;
    },
  );

  staff.get<{ Params: Static<typeof ItemParams> }>(
    '/submissions/:id',
    {
      schema: {
        ...STAFF,
        summary: 'One submission (staff)',
        params: ItemParams,
        response: { 200: ref('StaffSubmission', 'The submission'), ...errorAnswers(401, 404) },
      },
    },
    async (request) => {
      const { campaign, locale } = request;
      const submission = await staff.store.getSubmission(campaign.id, request.params.id);
      if (!submission) throw notFound('Submission');
      return staffSubmission(request, campaign, submission, locale);
    },
  );

  staffPhotoRoute(staff);

  const SUMMARIES: Record<StaffAction, string> = {
    approve: 'Publish a submission on the wall (staff)',
    reject: 'Reject a pending submission (staff)',
    remove: 'Take a published quote off the wall (staff)',
  };
  for (const action of ['approve', 'reject', 'remove'] as StaffAction[]) {
    staff.post<{ Params: Static<typeof ItemParams> }>(
      `/submissions/:id/${action}`,
      {
        onRequest: roleAtLeast('moderator'),
        schema: {
          ...STAFF,
          summary: SUMMARIES[action],
          params: ItemParams,
          response: {
            200: ref('StaffSubmission', 'The submission after the change'),
            ...errorAnswers(401, 404, 409),
          },
        },
      },
      async (request) => {
        const { campaign } = request;
        const result = await staff.store.decide({
          campaignId: campaign.id,
          id: request.params.id,
          action,
          now: Date.now(),
          actor: request.staff!.actor,
        });
        if (!result.ok) {
          if (result.reason === 'not_found') throw notFound('Submission');
          throw new ApiError(409, 'invalid_transition', result.message);
        }
        return staffSubmission(request, campaign, result.submission, campaign.defaultLocale);
      },
    );
  }

  staff.delete<{ Params: Static<typeof ItemParams> }>(
    '/submissions/:id',
    {
      onRequest: roleAtLeast('admin'),
      schema: {
        ...STAFF,
        summary: 'Delete a submission and its photo for good (staff; privacy requests)',
        params: ItemParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errorAnswers(401, 404) },
      },
    },
    async (request, reply) => {
      const result = await staff.store.deleteSubmission(request.campaign.id, request.params.id, {
        actor: request.staff!.actor,
        now: Date.now(),
      });
      if (!result.deleted) throw notFound('Submission');
      return reply.code(204).send();
    },
  );
}
