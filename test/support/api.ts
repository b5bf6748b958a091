// Browser-side helpers for tests against the real reference API started by the
// test runner (test/support/api-server.mjs).
export interface TestApi {
  url: string;
  adminToken: string;
}

let cached: Promise<TestApi> | undefined;

/** The running reference API's base URL and staff token. */
export function testApi(): Promise<TestApi> {
  cached ??= fetch('/__test/api').then((r) => {
    if (!r.ok) throw new Error(`test API unavailable: ${r.status}`);
    return r.json() as Promise<TestApi>;
  });
  return cached;
}

/** Calls a staff endpoint of the test API. */
export async function staff(path: string, init: RequestInit = {}): Promise<Response> {
  const { url, adminToken } = await testApi();
  return fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, ...(init.headers ?? {}) },
  });
}
