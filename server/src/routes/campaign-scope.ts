/**
 * What every route under `/v1/campaigns/:campaign` needs first: the campaign (or a
 * `404`) and the reader's locale, resolved once by an `onRequest` hook — before the
 * body is read, so a submission to an unknown or closed campaign costs no upload.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../errors.js';
import type { Locale } from '../../../src/api/wire.js';
import type { CampaignRecord } from '../store/store.js';
import { resolveLocale } from '../wire-mapping.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The campaign named by the path; set by `resolveCampaign`. */
    campaign: CampaignRecord;
    /** `?locale=` resolved against the campaign's locales. */
    locale: Locale;
  }
}

/** An `onRequest` hook in callback form: it runs on every API request, and needs no promise. */
export function resolveCampaign(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  const { campaign: id } = request.params as { campaign: string };
  const campaign = request.server.campaigns.get(id);
  if (!campaign) return done(notFound('Campaign'));
  request.campaign = campaign;
  const { locale } = request.query as { locale?: unknown };
  request.locale = resolveLocale(typeof locale === 'string' ? locale : undefined, campaign);
  done();
}
