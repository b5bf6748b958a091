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

function instance(name, origin) {
  let inst = instances.get(name);
  if (!inst && name === 'shared') {
    // The shared test API (test/support/api-server.mjs), e.g. for its staff endpoints,
    // which answer no cross-origin request.
    inst = { name, plans: new Map(), kills: 0, dataDir: '' };
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

function proxy(ctx, inst, client, path, mode) {
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
    ctx.req.pipe(upstream);
  });
}

export async function submissionEndpoints(ctx, next) {
  const match = /^\/__test\/sf\/([\w-]+)\/([\w-]+)(\/.*)?$/.exec(ctx.path);
  if (!match) return next();
  const [, name, client, rest = ''] = match;
  const inst = instance(name, ctx.origin);
  const plan = inst.plans.get(client) ?? [];
  inst.plans.set(client, plan);
  if (rest === '/__plan') {
    plan.push(...(ctx.query.modes ?? '').split(',').filter(Boolean));
    ctx.body = { plan };
    return;
  }
  if (client === '__info') {
    await inst.ready.catch(() => undefined);
    ctx.body = { token: SUBMISSION_TEST_TOKEN, kills: inst.kills, ready: !!inst.url };
    return;
  }
  await inst.ready;
  const mode = ctx.method === 'POST' && rest.endsWith('/submissions') ? plan.shift() : undefined;
  // Answered on the raw response (or not at all, on purpose); not the dev server's 404.
  ctx.status = 200;
  ctx.respond = false;
  await proxy(ctx, inst, client, rest, mode);
}
