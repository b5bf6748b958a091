/**
 * Every route the app registers, kept as it is registered: the OpenAPI test compares
 * it with the published document, and the not-found handler asks it which methods a
 * path does have, to answer `405` with `Allow` instead of a misleading `404`.
 */
import fp from 'fastify-plugin';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Hidden from the OpenAPI document (e.g. the static-file wildcard). */
  hidden: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: readonly RegisteredRoute[];
    /** Methods that another route answers at this concrete path (empty when none). */
    allowedMethods(method: string, url: string): string[];
  }
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

async function routeTable(app: FastifyInstance): Promise<void> {
  const routes: RegisteredRoute[] = [];
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 100 });
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routes.push({ method, url: route.url, hidden: route.schema?.hide === true });
      // Wildcards (CORS preflights, static files) would make every path look as if it
      // took their method; a path only they answer is a 404, not a 405.
      if (!route.url.endsWith('*')) {
        router.on(method as HTTPMethod, route.url, () => undefined);
      }
    }
  });
  app.decorate('allowedMethods', (method: string, url: string) => {
    const path = url.split('?')[0];
    // A route of this very method answered "not found" itself (an unknown id, a file).
    if (router.find(method as HTTPMethod, path)) return [];
    return METHODS.filter(
      (candidate) => candidate !== method && router.find(candidate, path) !== null,
    );
  });
}

export default fp(routeTable, { name: 'route-table', fastify: '5.x' });
