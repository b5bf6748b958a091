/**
 * The public reading API under `/v1/campaigns/:campaign`: campaign, stories, photos and
 * the wall. Open to any origin (`@fastify/cors`), readable across origins (CORP), and
 * every route gets its campaign and locale from one hook.
 */
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { resolveCampaign } from './campaign-scope.js';
import campaignStreamRoutes from './campaign-stream.js';
import contentRoutes from './content.js';
import quoteRoutes from './quotes.js';

/** What a `@fastify/cors` delegator calls back with. */
export type CorsCallback = (error: Error | null, options: FastifyCorsOptions) => void;

/** CORS for answers any page may read: content, the wall, the bundle, the document. */
export const OPEN_CORS: FastifyCorsOptions = {
  origin: '*',
  methods: ['GET', 'HEAD'],
  allowedHeaders: 'If-None-Match, Last-Event-ID',
  // Strings, not lists: the plugin would join a list again on every request.
  exposedHeaders: 'ETag, Retry-After',
  maxAge: 600,
  // An OPTIONS that is not a preflight is answered like any other unknown request.
  strictPreflight: false,
};

export default async function publicApi(app: FastifyInstance): Promise<void> {
  await app.register(cors, OPEN_CORS);
  // One hook for what every public answer needs: readable across origins, and its campaign.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('cross-origin-resource-policy', 'cross-origin');
    resolveCampaign(request, reply, done);
  });
  await app.register(contentRoutes);
  await app.register(quoteRoutes);
  await app.register(campaignStreamRoutes);
}
