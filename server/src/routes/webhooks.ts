/**
 * A campaign's outbound webhooks, under `/v1/campaigns/:campaign/staff/webhooks`:
 * endpoints (list, create, change, rotate the secret, delete), each one's recent
 * deliveries, sending one again, and a test event. Admins only, to read as well: an
 * endpoint's secret signs what the newsroom's systems trust. The secret is in the answer
 * to a create or a rotation and never again (a hint of its last characters is).
 * Every change is audited without the secret. Bodies are checked exactly (no coercion,
 * no unknown fields dropped silently).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import {
  DELIVERY_STATUSES,
  WEBHOOK_DESCRIPTION_MAX,
  WEBHOOK_ENDPOINTS_MAX,
  WEBHOOK_EVENTS,
  WEBHOOK_TEST_EVENT,
  WEBHOOK_URL_MAX,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEndpointCreate,
  type WebhookEndpointUpdate,
  type WebhookEndpointWithSecret,
  type WebhookEventType,
} from '../../../src/api/webhooks.js';
import { ApiError, notFound, validation } from '../errors.js';
import { errorAnswers } from '../schemas.js';
import type { DeliveryRecord, EndpointRecord, EndpointWithCounts } from '../store/webhooks.js';
import { webhookUrlProblem } from '../webhooks/address.js';
import { iso } from '../wire-mapping.js';
import { resolveCampaign } from './campaign-scope.js';

const TAGS = { tags: ['webhooks'], security: [{ staffToken: [] }] };

const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((value) => Type.Literal(value)));

const EventsSchema = Type.Array(literals(WEBHOOK_EVENTS), {
  minItems: 1,
  maxItems: WEBHOOK_EVENTS.length,
  uniqueItems: true,
});

export const WebhookEndpointCreateSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: WEBHOOK_URL_MAX }),
    events: EventsSchema,
    description: Type.Optional(Type.String({ maxLength: WEBHOOK_DESCRIPTION_MAX })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const WebhookEndpointUpdateSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: WEBHOOK_URL_MAX })),
    events: Type.Optional(EventsSchema),
    description: Type.Optional(Type.String({ maxLength: WEBHOOK_DESCRIPTION_MAX })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

const WebhookEndpointSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(literals(WEBHOOK_EVENTS)),
  enabled: Type.Boolean(),
  description: Type.String(),
  secretHint: Type.String({ description: 'The last four characters of the secret' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  pending: Type.Integer(),
  failed: Type.Integer(),
});

const WithSecretSchema = Type.Object({
  endpoint: WebhookEndpointSchema,
  secret: Type.String({ description: 'Shown in this answer only: keep it now' }),
});

const DeliverySchema = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  event: Type.Union([literals(WEBHOOK_EVENTS), Type.Literal(WEBHOOK_TEST_EVENT)]),
  status: literals(DELIVERY_STATUSES),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  submissionId: Type.Union([Type.String(), Type.Null()]),
});

const EndpointParams = Type.Object({
  campaign: Type.String(),
  endpoint: Type.String({ pattern: '^wh_[A-Za-z0-9_-]{16}$' }),
});
const DeliveryParams = Type.Object({
  campaign: Type.String(),
  endpoint: Type.String({ pattern: '^wh_[A-Za-z0-9_-]{16}$' }),
  delivery: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }),
});
const DeliveriesQuery = Type.Object(
  {
    before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

const CREATE = TypeCompiler.Compile(WebhookEndpointCreateSchema);
const UPDATE = TypeCompiler.Compile(WebhookEndpointUpdateSchema);

/** Test events and resends per endpoint and minute (a console stuck in a loop, a script). */
export const WEBHOOK_SENDS_PER_MINUTE = 20;

function exactly<T extends TSchema>(check: TypeCheck<T>, body: unknown): Static<T> {
  if (!check.Check(body)) {
    const fields = [...check.Errors(body)].slice(0, 20).map((error) => ({
      field: error.path.replace(/^\//, '').replace(/\//g, '.') || 'body',
      code: 'invalid' as const,
      message: error.message,
    }));
    throw validation(fields, 'Some fields are not valid');
  }
  return body;
}

function checkUrl(url: string, allowLoopback: boolean): void {
  const problem = webhookUrlProblem(url, allowLoopback);
  if (problem) throw validation([{ field: 'url', code: 'invalid', message: problem }], problem);
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;
const newId = () => `wh_${randomBytes(12).toString('base64url')}`;

export function endpointToWire(
  endpoint: EndpointRecord,
  counts: { pending: number; failed: number } = { pending: 0, failed: 0 },
): WebhookEndpoint {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    enabled: endpoint.enabled,
    description: endpoint.description,
    secretHint: endpoint.secret.slice(-4),
    createdAt: iso(endpoint.createdAt),
    updatedAt: iso(endpoint.updatedAt),
    pending: counts.pending,
    failed: counts.failed,
  };
}

export function deliveryToWire(delivery: DeliveryRecord): WebhookDelivery {
  return {
    id: String(delivery.id),
    eventId: delivery.eventId,
    event: delivery.eventType as WebhookDelivery['event'],
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    createdAt: iso(delivery.createdAt),
    deliveredAt: delivery.deliveredAt === null ? null : iso(delivery.deliveredAt),
    submissionId: delivery.submissionId,
  };
}

/** What the audit trail keeps of an endpoint: never its secret. */
/**
 * An endpoint's address as the audit trail keeps it: its origin only. Every staff role
 * reads the trail, and many receivers' URLs (chat and automation hooks) carry their
 * credential in the path or query.
 */
export function auditedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === '/' && !parsed.search ? parsed.origin : `${parsed.origin}/…`;
  } catch {
    return '…';
  }
}

const forAudit = (endpoint: EndpointRecord) => ({
  id: endpoint.id,
  url: auditedUrl(endpoint.url),
  events: [...endpoint.events],
  enabled: endpoint.enabled,
  description: endpoint.description,
});

export default async function webhookRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', app.requireRole('admin'));
  app.addHook('onRequest', resolveCampaign);

  const sends = new Map<string, { windowStart: number; count: number }>();
  /** 429 past `WEBHOOK_SENDS_PER_MINUTE` test events and resends for one endpoint. */
  const countSend = (endpointId: string) => {
    const now = Date.now();
    const entry = sends.get(endpointId);
    if (!entry || now - entry.windowStart >= 60_000) {
      if (sends.size > 10_000) sends.clear();
      sends.set(endpointId, { windowStart: now, count: 1 });
      return;
    }
    entry.count += 1;
    if (entry.count > WEBHOOK_SENDS_PER_MINUTE) {
      const retry = Math.max(1, Math.ceil((entry.windowStart + 60_000 - now) / 1000));
      throw new ApiError(429, 'rate_limited', 'Too many deliveries sent by hand; wait a minute', {
        headers: { 'retry-after': String(retry) },
      });
    }
  };

  const audit = (
    request: FastifyRequest,
    action: 'webhook_create' | 'webhook_update' | 'webhook_delete' | 'webhook_resend',
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ) =>
    app.store.appendAudit({
      campaignId: request.campaign.id,
      at: Date.now(),
      actor: request.staff!.actor,
      action,
      submissionId: null,
      reason: null,
      note: null,
      before,
      after,
    });

  const endpointOf = async (request: FastifyRequest) => {
    const { endpoint } = request.params as { endpoint: string };
    const found = await app.store.getWebhookEndpoint(request.campaign.id, endpoint);
    if (!found) throw notFound('Webhook endpoint');
    return found;
  };

  const countsOf = async (campaignId: string, id: string) => {
    const listed = await app.store.listWebhookEndpoints(campaignId);
    return listed.find((entry) => entry.id === id);
  };

  app.get(
    '/',
    {
      schema: {
        ...TAGS,
        summary: "The campaign's webhook endpoints (admin; secrets are never sent)",
        params: Type.Object({ campaign: Type.String() }),
        response: {
          200: Type.Object({ items: Type.Array(WebhookEndpointSchema), max: Type.Integer() }),
          ...errorAnswers(401, 403, 404),
        },
      },
    },
    async (request) => {
      const listed: EndpointWithCounts[] = await app.store.listWebhookEndpoints(
        request.campaign.id,
      );
      return {
        items: listed.map((entry) => endpointToWire(entry, entry)),
        max: WEBHOOK_ENDPOINTS_MAX,
      };
    },
  );

  app.post<{ Body: WebhookEndpointCreate }>(
    '/',
    {
      bodyLimit: 8192,
      schema: {
        ...TAGS,
        summary: 'Add a webhook endpoint (admin; audited): the answer holds its secret, once',
        params: Type.Object({ campaign: Type.String() }),
        body: WebhookEndpointCreateSchema,
        response: { 201: WithSecretSchema, ...errorAnswers(400, 401, 403, 404, 422) },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply): Promise<WebhookEndpointWithSecret> => {
      const body = exactly(CREATE, request.body);
      checkUrl(body.url, app.webhooks.allowLoopback);
      const now = Date.now();
      const endpoint: EndpointRecord = {
        id: newId(),
        campaignId: request.campaign.id,
        url: body.url,
        events: body.events as WebhookEventType[],
        secret: newSecret(),
        enabled: body.enabled ?? true,
        description: (body.description ?? '').trim(),
        createdAt: now,
        updatedAt: now,
      };
      const created = await app.store.createWebhookEndpoint(endpoint, WEBHOOK_ENDPOINTS_MAX);
      if (created === 'too_many') {
        throw new ApiError(
          422,
          'validation',
          `A campaign has at most ${WEBHOOK_ENDPOINTS_MAX} webhook endpoints; delete one first`,
        );
      }
      await audit(request, 'webhook_create', null, forAudit(endpoint));
      reply.code(201);
      return { endpoint: endpointToWire(endpoint), secret: endpoint.secret };
    },
  );

  app.get(
    '/:endpoint',
    {
      schema: {
        ...TAGS,
        summary: 'One webhook endpoint (admin)',
        params: EndpointParams,
        response: { 200: WebhookEndpointSchema, ...errorAnswers(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const endpoint = await endpointOf(request);
      return endpointToWire(endpoint, await countsOf(request.campaign.id, endpoint.id));
    },
  );

  app.patch<{ Body: WebhookEndpointUpdate }>(
    '/:endpoint',
    {
      bodyLimit: 8192,
      schema: {
        ...TAGS,
        summary: 'Change a webhook endpoint: url, events, enabled, description (admin; audited)',
        params: EndpointParams,
        body: WebhookEndpointUpdateSchema,
        response: { 200: WebhookEndpointSchema, ...errorAnswers(400, 401, 403, 404) },
      },
      validatorCompiler: () => () => true,
    },
    async (request) => {
      const body = exactly(UPDATE, request.body);
      if (body.url !== undefined) checkUrl(body.url, app.webhooks.allowLoopback);
      const before = await endpointOf(request);
      const patch = {
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.events !== undefined ? { events: body.events as WebhookEventType[] } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(body.description !== undefined ? { description: body.description.trim() } : {}),
      };
      const after = await app.store.updateWebhookEndpoint(
        request.campaign.id,
        before.id,
        patch,
        Date.now(),
      );
      if (!after) throw notFound('Webhook endpoint');
      await audit(request, 'webhook_update', forAudit(before), forAudit(after));
      // Re-enabled: what waited goes out now.
      if (after.enabled) app.webhooks.kick();
      return endpointToWire(after, await countsOf(request.campaign.id, after.id));
    },
  );

  app.post(
    '/:endpoint/secret',
    {
      schema: {
        ...TAGS,
        summary:
          'A new secret for the endpoint (admin; audited): the answer holds it, once; the old one stops at once',
        params: EndpointParams,
        response: { 200: WithSecretSchema, ...errorAnswers(400, 401, 403, 404) },
      },
    },
    async (request): Promise<WebhookEndpointWithSecret> => {
      const before = await endpointOf(request);
      const secret = newSecret();
      const after = await app.store.updateWebhookEndpoint(
        request.campaign.id,
        before.id,
        { secret },
        Date.now(),
      );
      if (!after) throw notFound('Webhook endpoint');
      await audit(request, 'webhook_update', forAudit(before), {
        ...forAudit(after),
        secretRotated: true,
      });
      return {
        endpoint: endpointToWire(after, await countsOf(request.campaign.id, after.id)),
        secret,
      };
    },
  );

  app.delete(
    '/:endpoint',
    {
      schema: {
        ...TAGS,
        summary: 'Delete a webhook endpoint and its deliveries (admin; audited)',
        params: EndpointParams,
        response: { 204: Type.Null(), ...errorAnswers(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const before = await endpointOf(request);
      await app.store.deleteWebhookEndpoint(request.campaign.id, before.id);
      await audit(request, 'webhook_delete', forAudit(before), null);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: Static<typeof DeliveriesQuery> }>(
    '/:endpoint/deliveries',
    {
      schema: {
        ...TAGS,
        summary: "An endpoint's recent deliveries, newest first (admin; paged by `before`)",
        params: EndpointParams,
        querystring: DeliveriesQuery,
        response: {
          200: Type.Object({
            items: Type.Array(DeliverySchema),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorAnswers(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const endpoint = await endpointOf(request);
      const page = await app.store.listWebhookDeliveries(request.campaign.id, endpoint.id, {
        limit: request.query.limit ?? 25,
        ...(request.query.before ? { before: Number(request.query.before) } : {}),
      });
      return {
        items: page.items.map(deliveryToWire),
        next: page.next === null ? null : String(page.next),
      };
    },
  );

  app.post(
    '/:endpoint/deliveries/:delivery/resend',
    {
      schema: {
        ...TAGS,
        summary: 'Send one delivery again now, same event id, attempts from zero (admin; audited)',
        params: DeliveryParams,
        response: { 200: DeliverySchema, ...errorAnswers(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const endpoint = await endpointOf(request);
      countSend(endpoint.id);
      const { delivery } = request.params as { delivery: string };
      const resent = await app.store.resendWebhookDelivery(
        request.campaign.id,
        endpoint.id,
        Number(delivery),
        Date.now(),
      );
      if (!resent) throw notFound('Delivery');
      await audit(request, 'webhook_resend', null, {
        endpoint: endpoint.id,
        delivery: String(resent.id),
        eventId: resent.eventId,
        event: resent.eventType,
      });
      app.webhooks.kick();
      return deliveryToWire(resent);
    },
  );

  app.post(
    '/:endpoint/test',
    {
      schema: {
        ...TAGS,
        summary: `Send a \`${WEBHOOK_TEST_EVENT}\` event to the endpoint (admin)`,
        params: EndpointParams,
        response: {
          202: Type.Object({ eventId: Type.String() }),
          ...errorAnswers(400, 401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const endpoint = await endpointOf(request);
      countSend(endpoint.id);
      const eventId = await app.webhooks.sendTest(endpoint);
      reply.code(202);
      return { eventId };
    },
  );
}
