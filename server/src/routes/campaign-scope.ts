/**
 * What every route under `/v1/campaigns/:campaign` needs first: the campaign (or a
 * `404`) and the reader's locale, resolved once by an `onRequest` hook — before the
 * body is read, so a submission to an unknown or closed campaign costs no upload.
 */
import type { FastifyRequest } from 'fastify';
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

export async function resolveCampaign(request: FastifyRequest): Promise<void> {
  const { campaign: id } = request.params as { campaign: string };
  const campaign = request.server.campaigns.require(id);
  request.campaign = campaign;
  const { locale } = request.query as { locale?: unknown };
  request.locale = resolveLocale(typeof locale === 'string' ? locale : undefined, campaign);
}
