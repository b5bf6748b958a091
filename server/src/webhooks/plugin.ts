/**
 * The webhook service for the whole app (`app.webhooks`): it hears the store's committed
 * changes, keeps the outbox and delivers it; it stops before the store closes.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { WebhookService, type WebhookOptions } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: WebhookService;
  }
}

async function webhooks(app: FastifyInstance, options: WebhookOptions): Promise<void> {
  const service = new WebhookService(app.store, options);
  app.decorate('webhooks', service);
  app.addHook('onReady', async () => service.start());
  // preClose: before any onClose hook can close the store under an attempt's outcome.
  app.addHook('preClose', async () => service.close());
}

export default fp(webhooks, { name: 'webhooks', fastify: '5.x', dependencies: ['campaign-data'] });
