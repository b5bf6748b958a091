/**
 * Partner sites, under `/v1/campaigns/:campaign/staff/partners`: the list with each
 * partner's figures (any staff role), and adding, changing and deleting one (admins;
 * audited with before and after). A change applies to submissions at once on this
 * instance, and on every other within `CAMPAIGN_REFRESH_MS` (see `partners.ts`).
 *
 * Bodies are checked exactly (no coercion, no field dropped) and each problem is named
 * by its field: an origin is `new URL`-parsed, https only (http for localhost), with no
 * path, query or credentials, and stored as its normalised `origin`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import type {
  PartnerDeleted,
  PartnerList,
  PartnerSite,
  PartnerSiteInput,
  PartnerSiteUpdate,
} from '../../../src/api/partners.js';
import { ApiError, notFound, validation, type FieldProblem } from '../errors.js';
import {
  CONTACT_MAX,
  MAX_ORIGINS,
  MAX_PARTNERS,
  NAME_MAX,
  ORIGIN_MAX,
  PartnerDeleteQuery,
  PartnerParams,
  PartnerSiteInputSchema,
  PartnerSiteUpdateSchema,
  pref,
} from '../partner-schemas.js';
import { roleAtLeast } from '../plugins/staff-auth.js';
import { limiterFor } from '../rate-limit.js';
import { CampaignParams, errorAnswers } from '../schemas.js';
import type {
  OriginFigures,
  PartnerFields,
  PartnerRecord,
  PartnerWriteResult,
} from '../store/partners.js';
import { iso } from '../wire-mapping.js';
import { resolveCampaign } from './campaign-scope.js';

const STAFF = {
  tags: ['partners'],
  security: [{ staffToken: [] }, { staffSession: [] }] as Record<string, string[]>[],
};

/**
 * Partner changes per person and hour: far more than a newsroom makes, few enough that
 * a script gone wrong cannot fill the audit trail.
 */
export const PARTNER_WRITE_LIMIT = { max: 300, windowMs: 3_600_000 };

const CREATE = TypeCompiler.Compile(PartnerSiteInputSchema);
const UPDATE = TypeCompiler.Compile(PartnerSiteUpdateSchema);

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The body exactly as the schema says, or a `400` naming each field that is not. */
function checkShape<T>(check: ReturnType<typeof TypeCompiler.Compile<TSchema>>, body: unknown): T {
  if (check.Check(body)) return body as T;
  const fields = [...check.Errors(body)].map((error) => ({
    field: error.path.replace(/^\//, '').replace(/\//g, '.') || 'body',
    code: 'invalid' as const,
    message: error.message,
  }));
  throw validation(fields.slice(0, 20), 'Some fields are not valid');
}

/** `https://host[:port]` normalised (lower case, default port dropped), or why it is not one. */
export function parseOrigin(value: string): { origin: string } | { problem: string } {
  const text = value.trim();
  if (!text) return { problem: 'Enter an origin, e.g. https://news.example.com' };
  if (text.length > ORIGIN_MAX) return { problem: `At most ${ORIGIN_MAX} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'Not a web address; write it like https://news.example.com' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: 'Only https:// (or http:// for localhost) addresses' };
  }
  const local = LOCAL_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost');
  if (url.protocol === 'http:' && !local) {
    return { problem: 'Use https://; plain http:// is allowed for localhost only' };
  }
  if (url.username || url.password) return { problem: 'No user name or password in it' };
  if (url.pathname !== '/' || url.search || url.hash || /[?#]/.test(text)) {
    return { problem: 'The origin only: no path, query or fragment (https://host[:port])' };
  }
  if (!url.hostname) return { problem: 'No host name' };
  return { origin: url.origin };
}

/** The fields, cleaned (trimmed, origins normalised), or a `400` naming every problem. */
export function cleanFields(body: {
  name: string;
  origins: string[];
  contact?: string | null;
  enabled?: boolean;
}): PartnerFields {
  const fields: FieldProblem[] = [];
  const name = body.name.trim();
  if (!name) fields.push({ field: 'name', code: 'required', message: 'Name the partner' });
  else if (name.length > NAME_MAX) {
    fields.push({ field: 'name', code: 'too_long', message: `At most ${NAME_MAX} characters` });
  } else if (CONTROL.test(name)) {
    fields.push({ field: 'name', code: 'control_characters' });
  }
  const contact = body.contact?.trim() || null;
  if (contact && contact.length > CONTACT_MAX) {
    fields.push({
      field: 'contact',
      code: 'too_long',
      message: `At most ${CONTACT_MAX} characters`,
    });
  } else if (contact && CONTROL.test(contact)) {
    fields.push({ field: 'contact', code: 'control_characters' });
  }
  const origins: string[] = [];
  if (body.origins.length === 0) {
    fields.push({ field: 'origins', code: 'required', message: 'Give at least one origin' });
  } else if (body.origins.length > MAX_ORIGINS) {
    fields.push({
      field: 'origins',
      code: 'too_long',
      message: `At most ${MAX_ORIGINS} origins per partner`,
    });
  } else {
    body.origins.forEach((value, index) => {
      const parsed = parseOrigin(value);
      if ('problem' in parsed) {
        fields.push({ field: `origins.${index}`, code: 'invalid', message: parsed.problem });
      } else if (origins.includes(parsed.origin)) {
        fields.push({
          field: `origins.${index}`,
          code: 'invalid',
          message: `${parsed.origin} is listed twice`,
        });
      } else {
        origins.push(parsed.origin);
      }
    });
  }
  if (fields.length) throw validation(fields, 'Some fields are not valid');
  return { name, origins, contact, enabled: body.enabled ?? true };
}

const sumOf = (origins: readonly string[], counts: ReadonlyMap<string, number>) =>
  origins.reduce((sum, origin) => sum + (counts.get(origin) ?? 0), 0);

export function partnerToWire(
  partner: PartnerRecord,
  figures: ReadonlyMap<string, OriginFigures>,
  walls: ReadonlyMap<string, number>,
): PartnerSite {
  let submissions = 0;
  let published = 0;
  for (const origin of partner.origins) {
    submissions += figures.get(origin)?.submissions ?? 0;
    published += figures.get(origin)?.published ?? 0;
  }
  return {
    id: partner.id,
    name: partner.name,
    origins: partner.origins,
    contact: partner.contact,
    enabled: partner.enabled,
    version: partner.version,
    createdAt: iso(partner.createdAt),
    updatedAt: iso(partner.updatedAt),
    figures: { submissions, published, openWalls: sumOf(partner.origins, walls) },
  };
}

export default async function partnerRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', app.requireRole('viewer'));
  app.addHook('onRequest', resolveCampaign);
  const limiter = limiterFor(app.store, PARTNER_WRITE_LIMIT);

  /** Admins only, and within the write limit (counted per person). */
  const admin = roleAtLeast('admin');
  const writer = {
    onRequest: [
      admin,
      async (request: FastifyRequest) => {
        const actor = request.staff!.actor;
        const wait = await limiter.take(`partners:${actor.id ?? actor.kind}`);
        if (wait !== null) {
          throw new ApiError(429, 'rate_limited', 'Too many partner changes; try again later', {
            headers: { 'retry-after': String(wait) },
          });
        }
      },
    ],
    // Checked exactly in the handlers (CREATE, UPDATE); the schemas document them.
    validatorCompiler: () => () => true,
  };

  const wireOne = async (partner: PartnerRecord) => {
    const [figures, walls] = await Promise.all([
      app.store.originFigures(partner.campaignId),
      app.partners.openWalls(partner.campaignId),
    ]);
    return partnerToWire(partner, figures, walls);
  };

  /** The answer to a write; applies it to this instance's registry first. */
  const answer = async (result: PartnerWriteResult): Promise<PartnerRecord | null> => {
    switch (result.kind) {
      case 'ok':
        await app.partners.reload();
        return result.partner;
      case 'not_found':
        throw notFound('Partner site');
      case 'stale':
        throw new ApiError(409, 'stale', 'Someone changed this partner site first', {
          details: { current: await wireOne(result.current) },
        });
      case 'origin_taken':
        throw new ApiError(
          409,
          'origin_taken',
          `${result.origin} already belongs to the partner site “${result.partner.name}”`,
          {
            details: {
              origin: result.origin,
              partner: { id: result.partner.id, name: result.partner.name },
            },
          },
        );
      case 'too_many':
        throw new ApiError(
          409,
          'limit_reached',
          `A campaign has at most ${result.max} partner sites; delete one first`,
          { details: { max: result.max } },
        );
    }
  };

  app.get(
    '',
    {
      schema: {
        ...STAFF,
        summary: "The campaign's partner sites with their figures (any staff role)",
        params: CampaignParams,
        response: { 200: pref('PartnerList'), ...errorAnswers(401, 403, 404) },
      },
    },
    async (request): Promise<PartnerList> => {
      const { campaign } = request;
      const [partners, figures, walls] = await Promise.all([
        app.store.listPartners(campaign.id),
        app.store.originFigures(campaign.id),
        app.partners.openWalls(campaign.id),
      ]);
      const owned = new Set(partners.flatMap((partner) => partner.origins));
      const unassigned = [...new Set([...figures.keys(), ...walls.keys()])]
        .filter((origin) => origin !== '' && !owned.has(origin))
        .sort()
        .slice(0, 100)
        .map((origin) => ({
          origin,
          submissions: figures.get(origin)?.submissions ?? 0,
          published: figures.get(origin)?.published ?? 0,
          openWalls: walls.get(origin) ?? 0,
        }));
      return {
        items: partners.map((partner) => partnerToWire(partner, figures, walls)),
        configuredOrigins: app.partners.configuredOrigins(campaign),
        unassigned,
        limits: { partners: MAX_PARTNERS, originsPerPartner: MAX_ORIGINS },
      };
    },
  );

  app.post<{ Body: PartnerSiteInput }>(
    '',
    {
      ...writer,
      schema: {
        ...STAFF,
        summary: 'Add a partner site (admin; audited): its origins may send at once',
        params: CampaignParams,
        body: pref('PartnerSiteInput'),
        response: {
          201: pref('PartnerSite'),
          ...errorAnswers(400, 401, 403, 404, 409, 429),
        },
      },
    },
    async (request, reply) => {
      const body = checkShape<PartnerSiteInput>(CREATE, request.body);
      const result = await app.store.createPartner({
        id: randomUUID(),
        campaignId: request.campaign.id,
        fields: cleanFields(body),
        actor: request.staff!.actor,
        now: Date.now(),
        limits: { maxPartners: MAX_PARTNERS },
      });
      const partner = await answer(result);
      return reply.code(201).send(await wireOne(partner!));
    },
  );

  app.put<{ Params: { id: string }; Body: PartnerSiteUpdate }>(
    '/:id',
    {
      ...writer,
      schema: {
        ...STAFF,
        summary: 'Change a partner site (admin; audited; a stale version gets 409)',
        params: PartnerParams,
        body: pref('PartnerSiteUpdate'),
        response: { 200: pref('PartnerSite'), ...errorAnswers(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const body = checkShape<PartnerSiteUpdate>(UPDATE, request.body);
      const result = await app.store.updatePartner({
        id: request.params.id,
        campaignId: request.campaign.id,
        version: body.version,
        fields: cleanFields(body),
        actor: request.staff!.actor,
        now: Date.now(),
      });
      return wireOne((await answer(result))!);
    },
  );

  app.delete<{ Params: { id: string }; Querystring: { version: string } }>(
    '/:id',
    {
      ...writer,
      schema: {
        ...STAFF,
        summary: 'Delete a partner site (admin; audited; a stale version gets 409)',
        params: PartnerParams,
        querystring: PartnerDeleteQuery,
        response: { 200: pref('PartnerDeleted'), ...errorAnswers(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request): Promise<PartnerDeleted> => {
      const version = request.query.version;
      if (typeof version !== 'string' || !/^[1-9][0-9]{0,9}$/.test(version)) {
        throw validation([{ field: 'version', code: 'invalid', message: 'The version you saw' }]);
      }
      const result = await app.store.deletePartner({
        id: request.params.id,
        campaignId: request.campaign.id,
        version: Number(version),
        actor: request.staff!.actor,
        now: Date.now(),
      });
      await answer(result);
      return { id: request.params.id, deleted: true };
    },
  );
}
