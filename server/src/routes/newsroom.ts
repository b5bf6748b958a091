/**
 * The newsroom console's API, under `/v1/campaigns/:campaign/staff`: the queue with
 * its search and filters, one item with its history, decisions (one or many) that a
 * stale version cannot make, edits, the audit trail with undo and CSV, privacy
 * requests by email address, exports of the published quotes, and a live stream.
 *
 * Every route signs the person in first (`requireRole('viewer')`, which also checks
 * the CSRF token of a cookie-signed change), then needs its own role: deciding needs
 * a moderator, privacy requests an admin. Never cached, never CORS.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type {
  BulkDecisionRequest,
  BulkDecisionResult,
  Decision,
  QueueItem,
  QueueItemDetail,
  QueuePage,
  SubmissionEdit,
  DecisionRequest,
  SafetySettingsUpdate,
} from '../../../src/api/newsroom.js';
import { applySafetyUpdate, safetyForAudit, safetyOf, safetyToWire } from '../safety/settings.js';
import { changeCampaign } from '../campaign-settings.js';
import { ApiError, notFound, validation } from '../errors.js';
import {
  AuditParams,
  AuditQuery,
  BulkDecisionRequestSchema,
  DecisionRequestSchema,
  EmailQuery,
  QueueQuery,
  SafetySettingsUpdateSchema,
  SubmissionEditSchema,
  nref,
} from '../newsroom-schemas.js';
import { UNDO, auditToWire, csvRow, isUndoable, queueItemToWire } from '../newsroom-mapping.js';
import { errorAnswers } from '../schemas.js';
import { ItemParams } from '../schemas.js';
import { roleAtLeast } from '../plugins/staff-auth.js';
import { StaffFeed } from '../staff-live.js';
import type { AuditRecord, DecisionResult } from '../store/newsroom.js';
import type { ReportTotals } from '../store/safety.js';
import type { CampaignRecord, SubmissionRecord } from '../store/store.js';
import { iso, photoFileUrl } from '../wire-mapping.js';
import { resolveCampaign } from './campaign-scope.js';
import { staffPhotoRoute } from './staff.js';

const STAFF = { tags: ['newsroom'], security: [{ staffToken: [] }] };

const SAFETY_UPDATE = TypeCompiler.Compile(SafetySettingsUpdateSchema);

/** The audit filter's `actor` when it names a kind of actor rather than a person. */
const actorKind = (actor: string | undefined): 'service' | 'reader' | 'rule' | undefined =>
  actor === 'service' || actor === 'reader' || actor === 'rule' ? actor : undefined;
const DAY = 86_400_000;

/** `YYYY-MM-DD` is that day's start (UTC); `end` makes it the next day's start. */
function parseDate(value: string | undefined, field: string, end = false): number | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw validation([{ field, code: 'invalid' }]);
  return dateOnly && end ? ms + DAY : ms;
}

const staffLocale = (request: FastifyRequest, campaign: CampaignRecord) =>
  campaign.locales.includes(request.staff?.locale ?? campaign.defaultLocale)
    ? (request.staff?.locale ?? campaign.defaultLocale)
    : campaign.defaultLocale;

function decisionAnswer(result: DecisionResult, toWire: (s: SubmissionRecord) => QueueItem) {
  if (result.ok) return toWire(result.submission);
  if (result.reason === 'not_found') throw notFound('Submission');
  if (result.reason === 'stale') {
    throw new ApiError(409, 'stale', result.message, {
      details: { current: toWire(result.submission) },
    });
  }
  throw new ApiError(409, 'invalid_transition', result.message, {
    details: { current: toWire(result.submission) },
  });
}

/** A reason is part of a rejection or a removal: the audit trail says why. */
function checkReason(action: Decision, reason: string | undefined): void {
  if ((action === 'reject' || action === 'remove') && !reason) {
    throw validation([{ field: 'reason', code: 'required' }], 'Say why it is rejected or removed');
  }
}

export default async function newsroomRoutes(staff: FastifyInstance): Promise<void> {
  staff.addHook('onRequest', staff.requireRole('viewer'));
  staff.addHook('onRequest', resolveCampaign);

  const feed = new StaffFeed(staff.store, staff.settings.staffFeed);
  feed.start();
  staff.addHook('onClose', async () => feed.close());

  const moderator = { onRequest: roleAtLeast('moderator') };
  const admin = { onRequest: roleAtLeast('admin') };
  // A viewer (an editor looking for stories) reads the words, never a reader's address.
  const seesEmail = (request: FastifyRequest) => request.staff?.role !== 'viewer';
  /** The mapper to the console's items, with the report totals of the ids given read first. */
  const wire = async (request: FastifyRequest, ids: readonly string[]) => {
    const locale = staffLocale(request, request.campaign);
    const email = seesEmail(request);
    const totals = ids.length
      ? await staff.store.reportTotals(request.campaign.id, ids)
      : new Map<string, ReportTotals>();
    return (submission: SubmissionRecord) => {
      const item = queueItemToWire(request.campaign, submission, locale, totals.get(submission.id));
      return email ? item : { ...item, email: null };
    };
  };

  staff.get<{ Querystring: Static<typeof QueueQuery> }>(
    '/queue',
    {
      schema: {
        ...STAFF,
        summary: 'The queue: search, filters, oldest first by default (staff)',
        querystring: QueueQuery,
        response: { 200: nref('QueuePage'), ...errorAnswers(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { campaign } = request;
      const q = request.query;
      const search = q.q?.trim();
      const [page, counts, origins] = await Promise.all([
        staff.store.searchSubmissions({
          campaignId: campaign.id,
          order: q.order ?? 'oldest',
          limit: q.limit ?? 50,
          ...(q.status ? { status: q.status } : {}),
          ...(q.after ? { after: Number(q.after) } : {}),
          ...(search ? { q: search, searchEmail: seesEmail(request) } : {}),
          ...(q.locale ? { locale: q.locale } : {}),
          ...(q.district ? { district: q.district } : {}),
          ...(q.photo ? { hasPhoto: q.photo === 'yes' } : {}),
          ...(q.origin ? { origin: q.origin } : {}),
          ...(q.from ? { from: parseDate(q.from, 'from') } : {}),
          ...(q.to ? { to: parseDate(q.to, 'to', true) } : {}),
          ...(q.flag ? { flag: q.flag } : {}),
        }),
        staff.store.countSubmissions(campaign.id),
        staff.store.listOrigins(campaign.id),
      ]);
      const answer: QueuePage = {
        items: page.items.map(
          await wire(
            request,
            page.items.map((item) => item.id),
          ),
        ),
        next: page.next === null ? null : String(page.next),
        counts,
        origins,
      };
      return answer;
    },
  );

  staff.get<{ Params: Static<typeof ItemParams> }>(
    '/submissions/:id',
    {
      schema: {
        ...STAFF,
        summary: 'One submission and its history, newest first (staff)',
        params: ItemParams,
        response: { 200: nref('QueueItemDetail'), ...errorAnswers(401, 403, 404) },
      },
    },
    async (request) => {
      const { campaign } = request;
      const submission = await staff.store.getSubmission(campaign.id, request.params.id);
      if (!submission) throw notFound('Submission');
      const { items } = await staff.store.listAudit({
        campaignId: campaign.id,
        submissionId: submission.id,
        limit: 200,
      });
      const answer: QueueItemDetail = {
        item: (await wire(request, [submission.id]))(submission),
        history: items.map((entry) => auditToWire(entry, isUndoable(entry, submission))),
        reports: (await staff.store.listReports(campaign.id, submission.id, 100)).map((report) => ({
          reason: report.reason,
          note: report.note,
          at: iso(report.at),
        })),
      };
      return answer;
    },
  );

  staff.post<{ Params: Static<typeof ItemParams>; Body: DecisionRequest }>(
    '/submissions/:id/decision',
    {
      ...moderator,
      schema: {
        ...STAFF,
        summary: 'Decide on a submission, at the version the moderator saw (moderator)',
        params: ItemParams,
        body: DecisionRequestSchema,
        response: { 200: nref('QueueItem'), ...errorAnswers(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { action, version, reason, note, withPhoto } = request.body;
      checkReason(action, reason);
      const result = await staff.store.decide({
        campaignId: request.campaign.id,
        id: request.params.id,
        action,
        now: Date.now(),
        actor: request.staff!.actor,
        expectedVersion: version,
        reason: reason ?? null,
        note: note?.trim() || null,
        ...(withPhoto === undefined ? {} : { withPhoto }),
      });
      return decisionAnswer(result, await wire(request, [request.params.id]));
    },
  );

  staff.patch<{ Params: Static<typeof ItemParams>; Body: SubmissionEdit }>(
    '/submissions/:id',
    {
      ...moderator,
      schema: {
        ...STAFF,
        summary:
          "Feature a quote, or set its photo's alt text or whether it is published (moderator)",
        params: ItemParams,
        body: SubmissionEditSchema,
        response: { 200: nref('QueueItem'), ...errorAnswers(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { version, featured, photoAlt, photoPublished } = request.body;
      const result = await staff.store.editSubmission({
        campaignId: request.campaign.id,
        id: request.params.id,
        now: Date.now(),
        actor: request.staff!.actor,
        expectedVersion: version,
        ...(featured === undefined ? {} : { featured }),
        ...(photoAlt === undefined ? {} : { photoAlt: photoAlt?.trim() || null }),
        ...(photoPublished === undefined ? {} : { photoPublished }),
      });
      return decisionAnswer(result, await wire(request, [request.params.id]));
    },
  );

  staff.post<{ Body: BulkDecisionRequest }>(
    '/submissions/bulk',
    {
      ...moderator,
      schema: {
        ...STAFF,
        summary: 'One decision for up to 200 submissions; each at its own version (moderator)',
        body: BulkDecisionRequestSchema,
        response: { 200: nref('BulkDecisionResult'), ...errorAnswers(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { action, items, reason, note } = request.body;
      checkReason(action, reason);
      if (new Set(items.map((item) => item.id)).size !== items.length) {
        throw validation([{ field: 'items', code: 'invalid' }], 'An item is listed twice');
      }
      const toWire = await wire(
        request,
        items.map((item) => item.id),
      );
      const answer: BulkDecisionResult = { results: [] };
      const now = Date.now();
      for (const { id, version } of items) {
        const result = await staff.store.decide({
          campaignId: request.campaign.id,
          id,
          action,
          now,
          actor: request.staff!.actor,
          expectedVersion: version,
          reason: reason ?? null,
          note: note?.trim() || null,
        });
        answer.results.push(
          result.ok
            ? { id, ok: true, item: toWire(result.submission), code: null, message: null }
            : {
                id,
                ok: false,
                item: result.reason === 'not_found' ? null : toWire(result.submission),
                code: result.reason,
                message: result.message,
              },
        );
      }
      return answer;
    },
  );

  staffPhotoRoute(staff);

  // ---- trust and safety settings ----

  staff.get(
    '/safety',
    {
      schema: {
        ...STAFF,
        summary: "The campaign's trust and safety settings (staff; the secret is never sent)",
        response: { 200: nref('SafetySettings'), ...errorAnswers(401, 403, 404) },
      },
    },
    async (request) => safetyToWire(safetyOf(request.campaign)),
  );

  staff.put<{ Body: SafetySettingsUpdate }>(
    '/safety',
    {
      ...admin,
      schema: {
        ...STAFF,
        summary: "Change the campaign's trust and safety settings (admin; audited)",
        body: nref('SafetySettingsUpdate'),
        response: { 200: nref('SafetySettings'), ...errorAnswers(400, 401, 403, 404, 422) },
      },
      // Checked exactly in the handler (SAFETY_UPDATE); the schema documents it.
      validatorCompiler: () => () => true,
    },
    async (request) => {
      // Exactly the schema: Ajv would coerce `"false"` to false or `""` to null (turning
      // the external check off) and drop unknown fields, as a setting is silently wrong.
      if (!SAFETY_UPDATE.Check(request.body)) {
        const fields = [...SAFETY_UPDATE.Errors(request.body)].map((error) => ({
          field: error.path.replace(/^\//, '').replace(/\//g, '.') || 'body',
          code: 'invalid' as const,
          message: error.message,
        }));
        throw validation(fields.slice(0, 20), 'Some settings are not valid');
      }
      // One change of the campaign record at a time (settings too), on every instance.
      const safety = await changeCampaign(staff.store, request.campaign.id, async () => {
        // The campaign as stored now: another instance may have changed it within the
        // seconds this one takes to read it again.
        const campaign = (await staff.store.getCampaign(request.campaign.id)) ?? request.campaign;
        const before = safetyOf(campaign);
        const result = applySafetyUpdate(before, request.body);
        if (!result.ok) {
          throw new ApiError(422, 'validation', 'Some settings are not valid', {
            fields: result.fields,
          });
        }
        await staff.store.putCampaign({ ...campaign, safety: result.safety });
        await staff.store.appendAudit({
          campaignId: campaign.id,
          at: Date.now(),
          actor: request.staff!.actor,
          action: 'safety_settings',
          submissionId: null,
          reason: null,
          note: null,
          before: safetyForAudit(before),
          after: safetyForAudit(result.safety),
        });
        return result.safety;
      });
      await staff.campaigns.reload();
      return safetyToWire(safety);
    },
  );

  // ---- the audit trail ----

  const auditQuery = (request: FastifyRequest<{ Querystring: Static<typeof AuditQuery> }>) => {
    const q = request.query;
    return {
      campaignId: request.campaign.id,
      // The trail of a campaign shows who was let in, too (accounts belong to no campaign).
      withStaffChanges: !q.submission,
      // `service`, `reader` and `rule` name a kind of actor; anything else a person's id.
      ...(actorKind(q.actor)
        ? { actorKind: actorKind(q.actor) }
        : q.actor
          ? { actorId: q.actor }
          : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.submission ? { submissionId: q.submission } : {}),
      ...(q.from ? { from: parseDate(q.from, 'from') } : {}),
      ...(q.to ? { to: parseDate(q.to, 'to', true) } : {}),
    };
  };

  staff.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/audit',
    {
      schema: {
        ...STAFF,
        summary: 'The audit trail, newest first, with filters (staff)',
        querystring: AuditQuery,
        response: { 200: nref('AuditPage'), ...errorAnswers(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await staff.store.listAudit({
        ...auditQuery(request),
        limit: q.limit ?? 50,
        ...(q.before ? { before: Number(q.before) } : {}),
      });
      const ids = [...new Set(page.items.flatMap((e) => (e.submissionId ? [e.submissionId] : [])))];
      const current = new Map<string, SubmissionRecord | null>();
      await Promise.all(
        ids.map(async (id) =>
          current.set(id, await staff.store.getSubmission(request.campaign.id, id)),
        ),
      );
      return {
        items: page.items.map((entry) =>
          auditToWire(
            entry,
            entry.submissionId ? isUndoable(entry, current.get(entry.submissionId) ?? null) : false,
          ),
        ),
        next: page.next === null ? null : String(page.next),
      };
    },
  );

  staff.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/audit.csv',
    {
      schema: {
        ...STAFF,
        summary: 'The audit trail as CSV, streamed, newest first (staff)',
        querystring: AuditQuery,
        response: {
          200: {
            description: 'CSV',
            content: { 'text/csv': { schema: Type.String() } },
          },
          ...errorAnswers(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const query = auditQuery(request);
      const store = staff.store;
      async function* rows() {
        yield (
          '\ufeff' +
          csvRow([
            'id',
            'at',
            'actor',
            'actor_kind',
            'action',
            'submission',
            'reason',
            'note',
            'before',
            'after',
          ])
        );
        let before: number | undefined;
        for (;;) {
          const page = await store.listAudit({
            ...query,
            limit: 500,
            ...(before ? { before } : {}),
          });
          for (const e of page.items) {
            yield csvRow([
              e.id,
              iso(e.at),
              e.actor.name,
              e.actor.kind,
              e.action,
              e.submissionId,
              e.reason,
              e.note,
              e.before ? JSON.stringify(e.before) : '',
              e.after ? JSON.stringify(e.after) : '',
            ]);
          }
          if (page.next === null) return;
          before = page.next;
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${request.campaign.id}.csv"`)
        .send(Readable.from(rows()));
    },
  );

  staff.post<{ Params: Static<typeof AuditParams> }>(
    '/audit/:id/undo',
    {
      ...moderator,
      schema: {
        ...STAFF,
        summary: 'Undo a decision: approve ↔ remove, reject ↔ reopen (moderator)',
        params: AuditParams,
        response: { 200: nref('QueueItem'), ...errorAnswers(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const entry: AuditRecord | null = await staff.store.getAudit(Number(request.params.id));
      if (!entry || entry.campaignId !== request.campaign.id || !entry.submissionId) {
        throw notFound('Audit entry');
      }
      const action = UNDO[entry.action];
      if (!action) throw new ApiError(409, 'invalid_transition', 'This entry cannot be undone');
      const after = entry.after as { version?: number } | null;
      const result = await staff.store.decide({
        campaignId: request.campaign.id,
        id: entry.submissionId,
        action,
        now: Date.now(),
        actor: request.staff!.actor,
        ...(typeof after?.version === 'number' ? { expectedVersion: after.version } : {}),
        reason: action === 'remove' || action === 'reject' ? (entry.reason ?? 'other') : null,
        note: `undo #${entry.id}`,
      });
      return decisionAnswer(result, await wire(request, [entry.submissionId]));
    },
  );

  // ---- privacy requests (admin) ----

  staff.get<{ Querystring: Static<typeof EmailQuery> }>(
    '/privacy',
    {
      ...admin,
      schema: {
        ...STAFF,
        summary: 'Every submission sent with an email address (admin)',
        querystring: EmailQuery,
        response: { 200: nref('PrivacyMatches'), ...errorAnswers(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const email = request.query.email.trim();
      const items = await staff.store.findByEmail(request.campaign.id, email);
      return {
        email,
        items: items.map(
          await wire(
            request,
            items.map((item) => item.id),
          ),
        ),
      };
    },
  );

  staff.get<{ Querystring: Static<typeof EmailQuery> }>(
    '/privacy/export',
    {
      ...admin,
      schema: {
        ...STAFF,
        summary: "A reader's submissions, as a JSON file for them (admin)",
        querystring: EmailQuery,
        response: {
          200: {
            description: 'JSON',
            content: { 'application/json': { schema: Type.Object({}) } },
          },
          ...errorAnswers(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { campaign } = request;
      const email = request.query.email.trim();
      const items = await staff.store.findByEmail(campaign.id, email);
      await staff.store.appendAudit({
        campaignId: campaign.id,
        at: Date.now(),
        actor: request.staff!.actor,
        action: 'privacy_export',
        submissionId: null,
        reason: null,
        note: null,
        before: null,
        // Not the address, nor a digest of it: an unsalted digest of an address is easy to
        // confirm by guessing, and the trail outlives the request.
        after: { count: items.length },
      });
      const base = staff.publicUrl;
      const body = {
        campaign: campaign.id,
        exportedAt: iso(Date.now()),
        email,
        submissions: items.map((s) => ({
          id: s.id,
          status: s.status,
          message: s.message,
          displayName: s.displayName,
          anonymous: s.anonymous,
          district: s.district,
          email: s.email,
          locale: s.locale,
          publishPermission: s.publishPermission,
          consentVersion: s.consentVersion,
          receivedAt: iso(s.receivedAt),
          decidedAt: s.decidedAt === null ? null : iso(s.decidedAt),
          photo: s.photoId
            ? `${base}/v1/campaigns/${campaign.id}/staff/submissions/${s.id}/photo`
            : null,
        })),
      };
      return reply
        .type('application/json; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="submissions-${new Date().toISOString().slice(0, 10)}.json"`,
        )
        .send(JSON.stringify(body, null, 2));
    },
  );

  staff.post<{ Body: Static<typeof EmailQuery> }>(
    '/privacy/delete',
    {
      ...admin,
      schema: {
        ...STAFF,
        summary: 'Delete for good every submission sent with an email address (admin)',
        body: EmailQuery,
        response: {
          200: Type.Object({ deleted: Type.Integer() }, { additionalProperties: false }),
          ...errorAnswers(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { campaign } = request;
      const email = request.body.email.trim();
      const items = await staff.store.findByEmail(campaign.id, email);
      const now = Date.now();
      const actor = request.staff!.actor;
      let deleted = 0;
      for (const item of items) {
        const result = await staff.store.deleteSubmission(campaign.id, item.id, {
          actor,
          now,
          reason: 'privacy_request',
        });
        if (result.deleted) deleted++;
      }
      await staff.store.appendAudit({
        campaignId: campaign.id,
        at: now,
        actor,
        action: 'privacy_delete',
        submissionId: null,
        reason: 'privacy_request',
        note: null,
        before: null,
        after: { count: deleted },
      });
      return { deleted };
    },
  );

  // ---- exports of the published quotes, streamed page by page ----

  async function* publishedQuotes(campaign: CampaignRecord) {
    let before: number | undefined;
    for (;;) {
      const page = await staff.store.listQuotes(campaign.id, {
        limit: 200,
        ...(before === undefined ? {} : { before }),
      });
      yield* page.items;
      if (page.nextBefore === null) return;
      before = page.nextBefore;
    }
  }
  const districtName = (campaign: CampaignRecord, id: string | null, locale: 'en' | 'zh-Hans') =>
    id ? (campaign.districts.find((d) => d.id === id)?.names[locale] ?? id) : null;

  const EXPORT_SCHEMA = (type: string) => ({
    ...STAFF,
    response: {
      200: { description: type, content: { [type]: { schema: Type.String() } } },
      ...errorAnswers(401, 403, 404),
    },
  });

  staff.get(
    '/exports/quotes.csv',
    { schema: { ...EXPORT_SCHEMA('text/csv'), summary: 'Published quotes as CSV (staff)' } },
    async (request, reply) => {
      const { campaign } = request;
      const base = staff.publicUrl;
      async function* rows() {
        yield (
          '\ufeff' +
          csvRow([
            'id',
            'text',
            'name',
            'district_en',
            'district_zh',
            'locale',
            'approved_at',
            'featured',
            'photo',
            'photo_alt',
          ])
        );
        for await (const quote of publishedQuotes(campaign)) {
          yield csvRow([
            quote.id,
            quote.text,
            quote.displayName,
            districtName(campaign, quote.districtId, 'en'),
            districtName(campaign, quote.districtId, 'zh-Hans'),
            quote.locale,
            iso(quote.approvedAt),
            quote.featured ? 'yes' : 'no',
            quote.photoId ? photoFileUrl(base, campaign.id, quote.photoId, 640) : '',
            quote.photoAlt,
          ]);
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="quotes-${campaign.id}.csv"`)
        .send(Readable.from(rows()));
    },
  );

  staff.get(
    '/exports/quotes.json',
    {
      schema: { ...EXPORT_SCHEMA('application/json'), summary: 'Published quotes as JSON (staff)' },
    },
    async (request, reply) => {
      const { campaign } = request;
      const base = staff.publicUrl;
      async function* chunks() {
        yield `{"campaign":${JSON.stringify(campaign.id)},"exportedAt":"${iso(Date.now())}","quotes":[`;
        let first = true;
        for await (const quote of publishedQuotes(campaign)) {
          const item = {
            id: quote.id,
            text: quote.text,
            displayName: quote.displayName,
            district: quote.districtId
              ? {
                  id: quote.districtId,
                  en: districtName(campaign, quote.districtId, 'en'),
                  'zh-Hans': districtName(campaign, quote.districtId, 'zh-Hans'),
                }
              : null,
            locale: quote.locale,
            approvedAt: iso(quote.approvedAt),
            featured: quote.featured,
            photo: quote.photoId ? photoFileUrl(base, campaign.id, quote.photoId, 640) : null,
            photoAlt: quote.photoAlt,
          };
          yield (first ? '\n' : ',\n') + JSON.stringify(item);
          first = false;
        }
        yield '\n]}\n';
      }
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="quotes-${campaign.id}.json"`)
        .send(Readable.from(chunks()));
    },
  );

  // ---- live ----

  staff.get(
    '/events',
    {
      schema: {
        ...STAFF,
        summary: 'Live: new submissions and decisions, as Server-Sent Events (staff)',
        response: {
          200: {
            description: 'text/event-stream: events `received`, `changed`, `deleted`',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errorAnswers(401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const person = request.staff!.staffId ?? 'service';
      const refused = feed.admit(person);
      if (refused) throw refused;
      reply.hijack();
      feed.open(
        person,
        request.campaign.id,
        reply.raw,
        request.staffSession?.session.tokenHash ?? null,
      );
    },
  );
}
