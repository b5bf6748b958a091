/**
 * A `fetch` made of XMLHttpRequest, for the API client: unlike fetch, it reports upload
 * progress. `CampaignApiClient.submit()` uses it when given `onProgress`; every failure maps to the client's own error
 * types (`NetworkError`, `TimeoutError`, `AbortedError`, `HttpError` with code, fields
 * and `retryAfter`, `ParseError`) exactly as for its other requests.
 */
export const xhrFetch =
  (onProgress: (fraction: number) => void): typeof fetch =>
  (url, init = {}) =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(init.method ?? 'GET', url as string);
      for (const [name, value] of Object.entries(init.headers ?? {})) {
        xhr.setRequestHeader(name, value as string);
      }
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () =>
        resolve(
          new Response(xhr.status === 204 ? null : (xhr.response as string), {
            status: xhr.status,
            statusText: xhr.statusText,
            headers: { 'retry-after': xhr.getResponseHeader('retry-after') ?? '' },
          }),
        );
      xhr.onerror = () => reject(new TypeError('Network error'));
      init.signal?.addEventListener('abort', () => {
        xhr.abort();
        reject(new DOMException('Aborted', 'AbortError'));
      });
      xhr.send(init.body as XMLHttpRequestBodyInit);
    });
