/**
 * `POST …/submissions`: a reader's words (JSON, or multipart with a `data` JSON part
 * and a `photo` file), behind the origin allowlist, the campaign's status, the rate
 * limit and an Idempotency-Key. Checks that need no body run before it is read.
 */
import { isUtf8 } from 'node:buffer';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Locale, SubmissionAccepted } from '../../../src/api/wire.js';
import { baseUrl, campaignOr404, type Context } from '../context.js';
import { ApiError, validation } from '../errors.js';
import { processPhoto } from '../images.js';
import { CampaignParams } from '../schemas.js';
import type { CampaignRecord, NewPhoto, PhotoText } from '../store/store.js';
import { isHoneypot, submissionHash, validateSubmission } from '../validate.js';
import { isOpen } from '../wire-mapping.js';

type Params = { Params: Static<typeof CampaignParams> };

/** Visible ASCII without spaces, 8 to 200 characters (a UUID fits). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,200}$/;

export function originAllowed(
  ctx: Context,
  request: FastifyRequest,
  campaign: CampaignRecord,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser: nothing to protect against here
  if (origin === baseUrl(ctx, request)) return true;
  if (origin === `${request.protocol}://${request.host}`) return true;
  return ctx.options.allowedOrigins.includes(origin) || campaign.allowedOrigins.includes(origin);
}

function allowCors(reply: FastifyReply, origin: string | undefined): void {
  reply.header('vary', 'Origin');
  if (origin) {
    reply
      .header('access-control-allow-origin', origin)
      .header('access-control-expose-headers', 'Retry-After, Idempotent-Replayed');
  }
}

function readerPhotoText(displayName: string | null): Record<Locale, PhotoText> {
  return {
    en: {
      alt: 'Photo a reader sent with their words',
      caption: displayName ? `Sent by ${displayName}` : 'Sent by a reader',
      photographer: displayName ?? 'A reader',
      organization: null,
      license: 'Shared by the reader for this campaign',
    },
    'zh-Hans': {
      alt: '读者随留言发送的照片',
      caption: displayName ? `由${displayName}提供` : '由一位读者提供',
      photographer: displayName ?? '一位读者',
      organization: null,
      license: '由读者为本活动提供',
    },
  };
}

/** A stable fake answer for a honeypot body, so a bot learns nothing. */
function decoyAnswer(key: string): SubmissionAccepted {
  const digest = createHash('sha256').update(`decoy:${key}`).digest('hex');
  const id = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-a${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
  return { id, status: 'pending', receivedAt: new Date().toISOString() };
}

async function readBody(
  request: FastifyRequest,
  campaign: CampaignRecord,
): Promise<{ data: unknown; photo: Buffer | null }> {
  if (!request.isMultipart()) return { data: request.body, photo: null };
  let data: unknown = undefined;
  let photo: Buffer | null = null;
  const parts = request.parts({
    limits: { fileSize: campaign.limits.photoMaxBytes, files: 1, fields: 4, parts: 5 },
  });
  for await (const part of parts) {
    if (part.type === 'file') {
      if (part.fieldname !== 'photo') {
        await part.toBuffer().catch(() => undefined);
        throw validation([{ field: part.fieldname, code: 'invalid', message: 'Unknown file' }]);
      }
      const bytes = await part.toBuffer();
      photo = bytes.length > 0 ? bytes : null;
    } else if (part.fieldname === 'data') {
      // A part sent as application/json arrives parsed; a plain text part is parsed here.
      const value: unknown = part.value;
      if (Buffer.isBuffer(value)) data = parseJson(value);
      else if (typeof value === 'string') data = parseJson(Buffer.from(value, 'utf8'));
      else data = value;
    } else {
      throw validation([{ field: part.fieldname, code: 'invalid', message: 'Unknown field' }]);
    }
  }
  if (data === undefined) {
    throw validation([{ field: 'data', code: 'required', message: 'Missing the data part' }]);
  }
  return { data, photo };
}

/** JSON from bytes that must be valid UTF-8. */
export function parseJson(bytes: Buffer): unknown {
  if (!isUtf8(bytes)) {
    throw validation([{ field: 'body', code: 'invalid', message: 'The body is not valid UTF-8' }]);
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw validation([{ field: 'body', code: 'invalid', message: 'The body is not valid JSON' }]);
  }
}

export function submissionRoutes(app: FastifyInstance, ctx: Context): void {
  const path = '/v1/campaigns/:campaign/submissions';

  app.options<Params>(path, { schema: { params: CampaignParams } }, async (request, reply) => {
    const campaign = campaignOr404(ctx, request.params.campaign);
    if (!originAllowed(ctx, request, campaign)) {
      throw new ApiError(403, 'origin_not_allowed', 'This site may not send submissions');
    }
    allowCors(reply, request.headers.origin);
    return reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'Content-Type, Idempotency-Key')
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  });

  app.post<Params>(
    path,
    {
      schema: { params: CampaignParams },
      onRequest: async (request, reply) => {
        const params = request.params;
        const campaign = campaignOr404(ctx, params.campaign);
        if (!originAllowed(ctx, request, campaign)) {
          throw new ApiError(403, 'origin_not_allowed', 'This site may not send submissions');
        }
        allowCors(reply, request.headers.origin);
        if (!isOpen(campaign, Date.now())) {
          throw new ApiError(409, 'campaign_closed', 'This campaign no longer takes submissions');
        }
        if (ctx.limiter) {
          const wait = await ctx.limiter.hit(request.ip);
          if (wait !== null) {
            throw new ApiError(429, 'rate_limited', 'Too many submissions; try again later', {
              headers: { 'retry-after': String(wait) },
            });
          }
        }
        const key = request.headers['idempotency-key'];
        if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
          throw new ApiError(
            400,
            'idempotency_key_required',
            'Send an Idempotency-Key header: 8 to 200 visible ASCII characters, e.g. a UUID',
          );
        }
        const type = request.headers['content-type'] ?? '';
        if (!/^application\/json\b/i.test(type) && !/^multipart\/form-data\b/i.test(type)) {
          throw new ApiError(
            415,
            'unsupported_media_type',
            'Send application/json, or multipart/form-data with a data part and a photo',
          );
        }
      },
    },
    async (request, reply) => {
      const campaign = campaignOr404(ctx, request.params.campaign);
      const key = request.headers['idempotency-key'] as string;
      const { data, photo: photoBytes } = await readBody(request, campaign);

      if (isHoneypot(data)) return reply.code(202).send(decoyAnswer(key));
      const body = validateSubmission(data, campaign);
      const bodyHash = submissionHash(body, photoBytes);

      if (photoBytes) {
        // Spare a retry the photo work; createSubmission checks the key again anyway.
        const earlier = await ctx.store.findIdempotent(campaign.id, key);
        if (earlier) {
          if (earlier.bodyHash !== bodyHash) throw idempotencyConflict();
          return reply.code(202).header('idempotent-replayed', 'true').send(earlier.accepted);
        }
      }

      const submissionId = randomUUID();
      let photo: NewPhoto | null = null;
      if (photoBytes) {
        const processed = await processPhoto(photoBytes, {
          maxPixels: ctx.options.maxPhotoPixels,
          allowedTypes: campaign.limits.photoTypes,
        });
        photo = {
          record: {
            campaignId: campaign.id,
            id: `reader-${randomBytes(12).toString('base64url')}`,
            submissionId,
            width: processed.width,
            height: processed.height,
            widths: processed.widths,
            text: readerPhotoText(body.anonymous ? null : body.displayName),
          },
          files: processed.files,
        };
      }

      const result = await ctx.store.createSubmission({
        submission: {
          id: submissionId,
          campaignId: campaign.id,
          message: body.message,
          displayName: body.anonymous ? null : body.displayName,
          anonymous: body.anonymous,
          district: body.district,
          email: body.email,
          locale: body.locale,
          publishPermission: body.publishPermission,
          consentVersion: body.consentVersion,
          receivedAt: Date.now(),
        },
        photo,
        idempotencyKey: key,
        bodyHash,
      });
      if (result.kind === 'conflict') throw idempotencyConflict();
      if (result.kind === 'replay') reply.header('idempotent-replayed', 'true');
      return reply.code(202).send(result.accepted);
    },
  );
}

const idempotencyConflict = () =>
  new ApiError(
    409,
    'idempotency_conflict',
    'This Idempotency-Key was already used for a different submission',
  );
