// Test endpoints for <campaign-submission-form>: a proxy in front of instances of the
// real reference API (test/support/submission-api.ts, the server's own code) that can
// lose connections and kill the server on purpose.
//
//   /__test/sf/<instance>/<client>/v1/…   proxied to the instance named <instance>
//       (started on first use; each name is its own server process and database). The
//       proxy sends X-Forwarded-For derived from <client>, so each test has its own
//       rate-limit bucket (5 submissions per 10 minutes).
//   POST /__test/sf/<instance>/<client>/__plan?modes=store,kill,kill-early,refuse
//       what happens to that client's next POSTs, one mode each, in order:
//         store  — forwarded; the server answers; the connection is then dropped, so the
//                  server has stored it but the browser sees a network error;
//         kill   — forwarded; when the server's answer starts to arrive, the server
//                  process is SIGKILLed and the connection dropped (stored, answer lost);
//         kill-early — forwarded; the moment the whole request is on the wire, the server
//                  is SIGKILLed mid-request (it may or may not have stored it);
//                  after either kill the server restarts on the same port and data;
//         refuse — the connection is dropped before anything reaches the server.
//   GET /__test/sf/<instance>/__info → { token, kills }
//   The instance named `shared` is the shared test API (nothing spawned, never killed).
//
// The reader's receipt is answered here, not by the API behind the proxy, so tests can
// put a receipt in any state and make its routes fail:
//   GET  …/<instance>/<client>/__posted → { posted, calls }: of each submission POSTed
//        through the proxy, { key, photoPermission, receiptSecret, photo } as the browser
//        sent it (null for a field it left out); of each receipt and withdraw request,
//        { route, id, secret, locale }.
//   POST …/<instance>/<client>/__receipt?id=&status=[&secret=&receivedAt=]
//        sets (or makes) the receipt of a submission: pending, published, not_published.
//   POST …/<client>/__plan?for=receipt|withdraw[:<id>]&modes=refuse,429,503
//        what happens to that client's next receipt or withdraw requests (of one id, or
//        any): the connection dropped, or an error answer with that status.
//   POST …/v1/campaigns/:campaign/submissions/:id/receipt   { secret }
//   POST …/v1/campaigns/:campaign/submissions/:id/withdraw  { secret }
//        as the API promises: 404 not_found for an unknown id, a wrong secret or a
//        withdrawn submission. Submissions the proxy saw answered 202 are known, pending.
//   The API behind gets `photoPermission` and `receiptSecret` only where its OpenAPI
//   document lists them: a server that does not know them yet would refuse the body.
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export const SUBMISSION_TEST_TOKEN = 'submission-test-token-0123456789';
const instances = new Map();

process.once('exit', () => {
  for (const inst of instances.values()) {
    inst.child?.kill('SIGKILL');
    if (inst.dataDir) rmSync(inst.dataDir, { recursive: true, force: true });
  }
});

function start(inst) {
  inst.ready = new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/submission-api.ts'], {
      env: {
        ...process.env,
        PORT: String(inst.port ?? 0),
        CAMPAIGN_DATA_DIR: inst.dataDir,
        CAMPAIGN_ADMIN_TOKEN: SUBMISSION_TEST_TOKEN,
        CAMPAIGN_ALLOWED_ORIGINS: inst.origin,
        NODE_ENV: 'test',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    inst.child = child;
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match && !inst.url) {
        inst.url = match[1];
        inst.port = Number(new URL(inst.url).port);
      }
      if (match) resolve();
    });
    child.once('exit', (code) => reject(new Error(`submission API exited (${code}): ${out}`)));
  });
  return inst.ready;
}

const receiptState = () => ({ receipts: new Map(), posted: new Map(), calls: new Map() });

function instance(name, origin) {
  let inst = instances.get(name);
  if (!inst && name === 'shared') {
    // The shared test API (test/support/api-server.mjs), e.g. for its staff endpoints,
    // which answer no cross-origin request.
    inst = { name, plans: new Map(), kills: 0, dataDir: '', ...receiptState() };
    inst.ready = fetch(`${origin}/__test/api`)
      .then((r) => r.json())
      .then(({ url }) => void (inst.url = url));
    instances.set(name, inst);
  } else if (!inst) {
    inst = {
      name,
      origin,
      dataDir: mkdtempSync(join(tmpdir(), 'cw-sf-')),
      plans: new Map(),
      kills: 0,
      ...receiptState(),
    };
    instances.set(name, inst);
    void start(inst).catch(() => undefined);
  }
  return inst;
}

async function kill(inst) {
  inst.kills += 1;
  // Requests arriving while the server is down wait for it to be back.
  let release;
  inst.ready = new Promise((resolve) => (release = resolve));
  const exited = new Promise((resolve) => inst.child.once('exit', resolve));
  inst.child.kill('SIGKILL');
  await exited;
  release(start(inst));
}

const RECEIPT_FIELDS = ['photoPermission', 'receiptSecret'];

/** Which of the receipt's fields the API behind the proxy knows (from its OpenAPI document). */
function knownFields(inst) {
  inst.known ??= fetch(`${inst.url}/v1/openapi.json`)
    .then((r) => r.json())
    .then((doc) => Object.keys(doc.components?.schemas?.SubmissionRequest?.properties ?? {}))
    .catch(() => []);
  return inst.known;
}

/**
 * Reads a submission's body as the browser sent it, notes what the receipt tests look
 * at, and returns the body to forward (without the fields the API does not know).
 */
async function readSubmission(ctx, inst, client) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const raw = Buffer.concat(chunks);
  const type = ctx.req.headers['content-type'] ?? '';
  let form;
  let data;
  try {
    if (type.startsWith('multipart/')) {
      form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      data = JSON.parse(form.get('data'));
    } else data = JSON.parse(raw.toString('utf8'));
  } catch {
    return { body: raw, type };
  }
  const note = { key: ctx.req.headers['idempotency-key'] ?? null, photo: !!form?.get('photo') };
  for (const field of RECEIPT_FIELDS) note[field] = data?.[field] ?? null;
  const posted = inst.posted.get(client) ?? [];
  inst.posted.set(client, [...posted, note]);
  const known = await knownFields(inst);
  const unknown = RECEIPT_FIELDS.filter((f) => !known.includes(f) && data && f in data);
  if (!unknown.length) return { body: raw, type, secret: data?.receiptSecret };
  for (const field of unknown) delete data[field];
  if (!form) return { body: Buffer.from(JSON.stringify(data)), type, secret: note.receiptSecret };
  const rebuilt = new FormData();
  for (const [name, value] of form)
    rebuilt.append(name, name === 'data' ? JSON.stringify(data) : value);
  const request = new Request('http://localhost/', { method: 'POST', body: rebuilt });
  return {
    body: Buffer.from(await request.arrayBuffer()),
    type: request.headers.get('content-type'),
    secret: note.receiptSecret,
  };
}

const json = (ctx, status, body) => {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body);
};
const notFound = (ctx) =>
  json(ctx, 404, { statusCode: 404, code: 'not_found', message: 'No such submission' });
const CODES = { 429: 'rate_limited', 500: 'internal', 503: 'unavailable' };

/** The receipt and withdraw routes, answered from what the proxy saw. */
async function answerReceipt(ctx, inst, client, id, route) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  let secret = null;
  try {
    secret = JSON.parse(Buffer.concat(chunks).toString('utf8')).secret ?? null;
  } catch {
    // No secret: answered like a wrong one.
  }
  const calls = inst.calls.get(client) ?? [];
  inst.calls.set(client, [...calls, { route, id, secret, locale: ctx.query.locale ?? null }]);
  const mode =
    inst.plans.get(`${client}:${route}:${id}`)?.shift() ??
    inst.plans.get(`${client}:${route}`)?.shift();
  if (mode === 'refuse') {
    // Dropped on purpose (see `proxy`); not the dev server's 404.
    ctx.status = 200;
    ctx.respond = false;
    ctx.req.socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{');
    ctx.req.socket.destroySoon();
    return;
  }
  if (mode) {
    const status = Number(mode);
    if (status === 429) ctx.set('Retry-After', '60');
    return json(ctx, status, {
      statusCode: status,
      code: CODES[status] ?? 'internal',
      message: mode,
    });
  }
  const receipt = inst.receipts.get(id);
  if (!receipt || receipt.withdrawn || !secret || receipt.secret !== secret) return notFound(ctx);
  if (route === 'withdraw') {
    receipt.withdrawn = true;
    return json(ctx, 200, { id, withdrawn: true });
  }
  return json(ctx, 200, { id, status: receipt.status, receivedAt: receipt.receivedAt });
}

function proxy(ctx, inst, client, path, mode, submission) {
  return new Promise((resolve) => {
    // A closed socket alone is not enough: a browser silently resends a request whose
    // reused connection closed before any answer. A truncated answer it does not resend.
    const drop = () => {
      ctx.req.socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{');
      ctx.req.socket.destroySoon();
      resolve();
    };
    if (mode === 'refuse') return drop();
    const ip = createHash('sha256').update(`${inst.name}/${client}`).digest();
    const target = new URL(path + (ctx.querystring ? `?${ctx.querystring}` : ''), inst.url);
    const upstream = http.request(
      target,
      {
        method: ctx.req.method,
        headers: {
          ...ctx.req.headers,
          host: target.host,
          'x-forwarded-for': `10.${ip[0]}.${ip[1]}.${ip[2]}`,
        },
      },
      (answer) => {
        if (submission?.secret && answer.statusCode === 202) {
          // Accepted (or replayed): the receipt of that id is the secret it was sent with.
          const chunks = [];
          answer.on('data', (chunk) => chunks.push(chunk));
          answer.on('end', () => {
            try {
              const { id, receivedAt } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              if (!inst.receipts.has(id)) {
                inst.receipts.set(id, { secret: submission.secret, receivedAt, status: 'pending' });
              }
            } catch {
              // Cut off on purpose: the retry's answer tells.
            }
          });
        }
        if (mode === 'kill') {
          // The server has decided (and stored); it dies before the browser hears of it.
          answer.resume();
          void kill(inst);
          drop();
          return;
        }
        if (mode === 'store' || mode === 'kill-early') {
          answer.resume();
          if (mode === 'store') answer.on('end', drop);
          return;
        }
        ctx.res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(ctx.res);
        answer.on('end', resolve);
        answer.on('error', drop);
      },
    );
    upstream.on('error', drop);
    if (mode === 'kill-early') {
      upstream.on('finish', () => {
        void kill(inst);
        drop();
      });
    }
    if (submission) upstream.end(submission.body);
    else ctx.req.pipe(upstream);
  });
}

export async function submissionEndpoints(ctx, next) {
  const match = /^\/__test\/sf\/([\w-]+)\/([\w-]+)(\/.*)?$/.exec(ctx.path);
  if (!match) return next();
  const [, name, client, rest = ''] = match;
  const inst = instance(name, ctx.origin);
  const plan = (key) => inst.plans.get(key) ?? inst.plans.set(key, []).get(key);
  if (rest === '/__plan') {
    const modes = plan(ctx.query.for ? `${client}:${ctx.query.for}` : client);
    modes.push(...(ctx.query.modes ?? '').split(',').filter(Boolean));
    ctx.body = { plan: modes };
    return;
  }
  if (rest === '/__posted') {
    ctx.body = { posted: inst.posted.get(client) ?? [], calls: inst.calls.get(client) ?? [] };
    return;
  }
  if (rest === '/__receipt') {
    const { id, status, secret, receivedAt } = ctx.query;
    const receipt = inst.receipts.get(id) ?? { receivedAt: new Date().toISOString() };
    inst.receipts.set(id, {
      ...receipt,
      status: status ?? receipt.status ?? 'pending',
      secret: secret ?? receipt.secret,
      receivedAt: receivedAt ?? receipt.receivedAt,
    });
    ctx.body = { id, ...inst.receipts.get(id) };
    return;
  }
  const receiptRoute = /\/submissions\/([^/]+)\/(receipt|withdraw)$/.exec(rest);
  if (ctx.method === 'POST' && receiptRoute) {
    return answerReceipt(ctx, inst, client, decodeURIComponent(receiptRoute[1]), receiptRoute[2]);
  }
  if (client === '__info') {
    await inst.ready.catch(() => undefined);
    ctx.body = { token: SUBMISSION_TEST_TOKEN, kills: inst.kills, ready: !!inst.url };
    return;
  }
  await inst.ready;
  const submitting = ctx.method === 'POST' && rest.endsWith('/submissions');
  const mode = submitting ? plan(client).shift() : undefined;
  const submission = submitting ? await readSubmission(ctx, inst, client) : undefined;
  if (submission) {
    ctx.req.headers['content-type'] = submission.type;
    ctx.req.headers['content-length'] = String(submission.body.length);
    delete ctx.req.headers['transfer-encoding'];
  }
  // Answered on the raw response (or not at all, on purpose); not the dev server's 404.
  ctx.status = 200;
  ctx.respond = false;
  await proxy(ctx, inst, client, rest, mode, submission);
}
