// The two origins of the end-to-end suite: the real campaign API (server/src/main.ts
// with SQLite in a temporary folder, started as `npm start` starts it) and a partner
// site — a small static server on another port serving test/e2e/pages/, the built
// dist/ as if from a CDN, and what the setup builds (older copy, framework apps).
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApiProcess } from '../../../scripts/api-process.mjs';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const PAGES = join(ROOT, 'test', 'e2e', 'pages');
export const ADMIN_TOKEN = 'e2e-staff-token-4f1c9a';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The policies of test/e2e/pages/csp.txt (comments dropped), with the documented
 * placeholder origin replaced by the API's real one.
 */
export function cspPolicies(api) {
  return readFileSync(join(PAGES, 'csp.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.replaceAll('https://api.example.org', new URL(api).origin));
}

/** Response headers per page; everything else gets none beyond the type. */
function headersFor(file, api) {
  if (file.endsWith('strict-csp.html')) {
    return { 'content-security-policy': cspPolicies(api).join(', ') };
  }
  return {};
}

/**
 * Serves `/pages/*` from test/e2e/pages (with `{{API}}` in HTML replaced by the API
 * URL), `/dist/*` from dist/, and `/build/*` from the setup's build folder.
 */
export function startPartnerSite({ buildDir, getApi }) {
  const roots = { pages: PAGES, dist: join(ROOT, 'dist'), build: buildDir };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://partner');
    const [, top, ...rest] = url.pathname.split('/');
    const base = roots[top];
    const file = base && normalize(join(base, ...rest.map(decodeURIComponent)));
    if (!file || !file.startsWith(base + sep) || !isFile(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let body = readFileSync(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (extname(file) === '.html') body = body.toString('utf8').replaceAll('{{API}}', getApi());
    res.writeHead(200, {
      'content-type': type,
      'cache-control': 'no-store',
      ...headersFor(file, getApi()),
    });
    res.end(body);
  });
  return new Promise((resolveStart) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolveStart({
        url: `http://127.0.0.1:${port}`,
        stop: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Starts the campaign API as `npm start` does, on a free port, with fresh SQLite data. */
export async function startApi({ partnerOrigin }) {
  const api = await startApiProcess({
    entry: 'start',
    env: {
      CAMPAIGN_ADMIN_TOKEN: ADMIN_TOKEN,
      CAMPAIGN_RATE_LIMIT: 'off',
      CAMPAIGN_ALLOWED_ORIGINS: partnerOrigin,
    },
  });
  return { ...api, token: ADMIN_TOKEN };
}
