// The one `fetch` stand-in the stories' fake APIs share: each registers the origin it
// answers for; every other request goes to the network as usual.

type Handler = (url: URL, init?: RequestInit) => Promise<Response> | Response;

const handlers = new Map<string, Handler>();
const realFetch = window.fetch.bind(window);

window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href);
  const handler = handlers.get(url.origin);
  return handler ? Promise.resolve(handler(url, init)) : realFetch(input, init);
};

/** Answers every `fetch` to `origin` with `handler`. */
export function answerFetch(origin: string, handler: Handler): void {
  handlers.set(origin, handler);
}

/** A JSON response. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** A request that never answers: it only ends when its signal aborts it. */
export const never = (signal?: AbortSignal | null) =>
  new Promise<Response>((_, reject) =>
    signal?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError'))),
  );
