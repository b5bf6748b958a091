#!/usr/bin/env node
// `npm run start:cluster -- --instances 3`: the campaign API scaled out on this machine.
// Runs N API instances (server/src/main.ts) on PostgreSQL, on ports PORT+1 … PORT+N,
// and nginx on PORT (default 8787) in front of them with the configuration
// docs/deploy.md publishes (docs/deploy/nginx.conf: TLS and HTTP/2, least connections,
// unbuffered streams; a certificate is made for the run), so the demo page, the
// moderation page and every wall use one https address while requests and streams
// spread over the instances. A wall connected through any instance receives every
// quote approved through any other.
//
//   DATABASE_URL     PostgreSQL (default postgres://postgres@127.0.0.1:5432/postgres)
//   DATABASE_SCHEMA  schema for the tables (default campaign)
//   PORT             the balancer's port (default 8787); instances take the next N
//   CAMPAIGN_ADMIN_TOKEN  shared staff token (default: generated once, kept in .data)
//   NGINX            the nginx binary (default /usr/sbin/nginx, else PATH)
//   --instances N    how many instances (default 3)   --no-balancer   instances only
//
// Without nginx (install it: Debian `apt-get install -y nginx`) a small round-robin
// balancer written here stands in on plain http: a fallback for trying the setup out,
// with none of the edge's TLS, HTTP/2 or least-connections. Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNginx, NGINX_MISSING, startEdge } from './edge.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] ? args[index + 1] : fallback;
};

const instances = Number(option('instances', '3'));
if (!Number.isInteger(instances) || instances < 1 || instances > 32) {
  console.error('--instances must be a whole number from 1 to 32');
  process.exit(2);
}
const basePort = Number(process.env.PORT || 8787);
const host = process.env.HOST || '127.0.0.1';
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = process.env.DATABASE_SCHEMA || 'campaign';
const dataDir = path.resolve(root, process.env.CAMPAIGN_DATA_DIR || '.data');
const balance = !flag('no-balancer');
// nginx when it is installed; else the fallback balancer below.
const useNginx = balance && findNginx() !== null;
const edgeHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

function sharedToken() {
  const fromEnv = process.env.CAMPAIGN_ADMIN_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, 'admin-token');
  try {
    const saved = fs.readFileSync(file, 'utf8').trim();
    if (saved) return saved;
  } catch {
    // none yet
  }
  const token = randomBytes(24).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

if (!fs.existsSync(path.join(root, 'dist', 'campaign-widgets.js'))) {
  console.log('Building the widgets (dist/campaign-widgets.js is missing)…');
  spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
}

const token = sharedToken();
const children = [];
const upstreams = [];
let stopping = false;

function startInstance(index) {
  const port = basePort + 1 + index;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'server', 'src', 'main.ts')],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        HOST: host,
        DATABASE_URL: databaseUrl,
        DATABASE_SCHEMA: schema,
        CAMPAIGN_DATA_DIR: dataDir,
        CAMPAIGN_ADMIN_TOKEN: token,
        // Behind the balancer every request would seem to come from one address: trust
        // its X-Forwarded-For, so the rate limit counts readers, not the balancer. Both
        // nginx and the fallback connect to the instances from this address.
        ...(balance && !process.env.CAMPAIGN_TRUST_PROXY ? { CAMPAIGN_TRUST_PROXY: edgeHost } : {}),
        // Links in public answers (photos, stories) point at the edge readers use.
        ...(useNginx && !process.env.CAMPAIGN_PUBLIC_URL
          ? { CAMPAIGN_PUBLIC_URL: `https://${edgeHost}:${basePort}` }
          : {}),
      },
    },
  );
  const label = `[api ${index + 1}] `;
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    let pending = '';
    stream.on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) if (line.trim()) console.log(label + line);
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${label}exited (${signal ?? code}); stopping the cluster`);
      stop(1);
    }
  });
  children.push(child);
  upstreams.push({ host, port });
}

for (let i = 0; i < instances; i++) startInstance(i);

// ---- the fallback when nginx is missing: a round-robin balancer on plain http ----
// (tries the next instance when one refuses; no TLS, no HTTP/2, no least-connections)
let next = 0;
function proxy(request, response, attempt = 0) {
  const upstream = upstreams[next++ % upstreams.length];
  const forwarded = request.socket.remoteAddress ?? '';
  const outgoing = http.request(
    {
      host: upstream.host,
      port: upstream.port,
      method: request.method,
      path: request.url,
      headers: {
        ...request.headers,
        'x-forwarded-for': request.headers['x-forwarded-for']
          ? `${request.headers['x-forwarded-for']}, ${forwarded}`
          : forwarded,
        'x-forwarded-proto': 'http',
      },
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      // An event stream ends when the wall goes; end the upstream with it.
      response.on('close', () => answer.destroy());
    },
  );
  outgoing.on('error', () => {
    if (response.headersSent) return response.destroy();
    if (attempt + 1 < upstreams.length && request.method === 'GET') {
      return proxy(request, response, attempt + 1);
    }
    response.writeHead(502, { 'content-type': 'text/plain' }).end('No API instance answered\n');
  });
  request.pipe(outgoing);
}

const banner = (edgeLine, base) =>
  console.log(
    [
      '',
      `campaign cluster: ${instances} API instance(s) on PostgreSQL (${databaseUrl.replace(/:[^:@/]*@/, ':***@')}, schema ${schema})`,
      ...edgeLine,
      `  Demo partner page  ${base}/`,
      `  Moderation         ${base}/moderate`,
      `  Staff token        ${token}`,
      '',
    ].join('\n'),
  );

let balancer = null;
let edge = null;
if (useNginx) {
  startEdge({ backends: upstreams, port: basePort, host: edgeHost })
    .then((started) => {
      edge = started;
      if (stopping) return edge.stop();
      banner(
        [
          `  Edge (nginx)       ${edge.url}  (TLS, HTTP/2, least connections over ports ${basePort + 1}–${basePort + instances}; docs/deploy/nginx.conf)`,
          `  Certificate        ${edge.caFile}  (made for this run: trust it, or expect a browser warning; curl --cacert …)`,
        ],
        edge.url,
      );
    })
    .catch((error) => {
      console.error(`nginx did not start: ${error.message}`);
      stop(1);
    });
} else if (balance) {
  console.warn(`${NGINX_MISSING}; using the fallback balancer (plain http, round robin).`);
  balancer = http.createServer(proxy);
  balancer.listen(basePort, host, () => {
    const base = `http://${host}:${basePort}`;
    banner(
      [
        `  Balancer           ${base}  (fallback, nginx is missing: round robin over ports ${basePort + 1}–${basePort + instances}, no TLS or HTTP/2)`,
      ],
      base,
    );
  });
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  balancer?.close();
  const exits = children.map(
    (child) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  );
  // nginx too, so no edge is left behind on the port.
  Promise.all([...exits, edge?.stop()]).then(() => process.exit(code));
  setTimeout(() => process.exit(code || 1), 12_000).unref();
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));
