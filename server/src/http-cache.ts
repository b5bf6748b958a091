/** Serialised answers with strong ETags, and the conditional-request check. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { etagOf } from './images.js';

export interface CachedBody {
  etag: string;
  body: string;
}

export const cachedBody = (value: unknown): CachedBody => {
  const body = JSON.stringify(value);
  return { etag: etagOf(body), body };
};

export function matchesEtag(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === etag || tag === `W/${etag}`;
  });
}

/** Sends a cached JSON body, or `304` when the client already has it. */
export function sendJson(
  request: FastifyRequest,
  reply: FastifyReply,
  cached: CachedBody,
  cacheControl: string,
): FastifyReply {
  reply.header('etag', cached.etag).header('cache-control', cacheControl);
  if (matchesEtag(request, cached.etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(cached.body);
}

/** A size-bounded map: when full, it starts over (entries are cheap to rebuild). */
export class BoundedCache<V> {
  readonly #max: number;
  readonly #map = new Map<string, V>();
  constructor(max: number) {
    this.#max = max;
  }
  get(key: string): V | undefined {
    return this.#map.get(key);
  }
  set(key: string, value: V): void {
    if (this.#map.size >= this.#max) this.#map.clear();
    this.#map.set(key, value);
  }
  clear(): void {
    this.#map.clear();
  }
  /** Drops every entry whose key starts with `prefix`. */
  dropPrefix(prefix: string): void {
    for (const key of this.#map.keys()) if (key.startsWith(prefix)) this.#map.delete(key);
  }
}
