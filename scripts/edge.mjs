// nginx in front of API instances, with the configuration docs/deploy.md publishes
// (docs/deploy/nginx.conf): TLS and HTTP/2 on the listener, least-connections balancing,
// unbuffered event streams. Used by `npm run start:cluster`, server/test/edge.test.ts
// and anything else that wants the real edge on this machine.
//
//   const edge = await startEdge({ backends: [{ host: '127.0.0.1', port: 8788 }], port: 8443 });
//   edge.url      https://127.0.0.1:8443 (the origin, with no trailing slash)
//   edge.caFile   the certificate generated for this run (PEM), to trust as a CA
//   await edge.stop()
//
// nginx runs unprivileged in the foreground, everything it writes (pid, logs, temporary
// files, the certificate and the filled-in configuration) in a fresh temporary folder,
// removed on stop. It is found through the NGINX environment variable, /usr/sbin/nginx
// or PATH.
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The published configuration, with its `${NAME}` placeholders. */
export const NGINX_CONFIG = join(ROOT, 'docs', 'deploy', 'nginx.conf');

export const NGINX_MISSING =
  'nginx was not found (looked at $NGINX, /usr/sbin/nginx and PATH): ' +
  'install nginx (Debian: apt-get install -y nginx)';

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The nginx binary to run, or null when there is none. */
export function findNginx() {
  if (process.env.NGINX) return executable(process.env.NGINX) ? process.env.NGINX : null;
  if (executable('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  return null;
}

/**
 * The configuration with its placeholders filled in: `RUN_DIR`, `LISTEN`, `CERT`, `KEY`,
 * and the line holding `${BACKEND}` repeated once per backend.
 */
export function renderConfig({ runDir, listen, cert, key, backends }) {
  if (!backends?.length) throw new Error('startEdge needs at least one backend');
  const values = { RUN_DIR: runDir, LISTEN: listen, CERT: cert, KEY: key };
  const text = readFileSync(NGINX_CONFIG, 'utf8')
    .split('\n')
    .flatMap((line) => {
      // The header comment names the placeholders; only directives are filled in.
      if (line.trimStart().startsWith('#')) return [line];
      if (!line.includes('${BACKEND}')) return [line];
      return backends.map(({ host, port }) =>
        line.replace('${BACKEND}', `${host.includes(':') ? `[${host}]` : host}:${port}`),
      );
    })
    .map((line) =>
      line.trimStart().startsWith('#')
        ? line
        : line.replace(/\$\{([A-Z_]+)\}/g, (whole, name) => {
            if (!(name in values)) throw new Error(`${NGINX_CONFIG}: unknown placeholder ${whole}`);
            return values[name];
          }),
    )
    .join('\n');
  return text;
}

/** A free TCP port on `host` (nginx cannot listen on port 0). */
function freePort(host) {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** A self-signed EC certificate for 127.0.0.1 and localhost (also its own CA). */
function makeCertificate(dir, host) {
  const cert = join(dir, 'edge-cert.pem');
  const key = join(dir, 'edge-key.pem');
  const names = ['DNS:localhost', 'IP:127.0.0.1', 'IP:::1'];
  if (net.isIP(host) && !['127.0.0.1', '::1', '0.0.0.0', '::'].includes(host))
    names.push(`IP:${host}`);
  else if (!net.isIP(host) && host !== 'localhost') names.push(`DNS:${host}`);
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=campaign edge (test)',
      '-addext',
      `subjectAltName=${names.join(',')}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { encoding: 'utf8' },
  );
  if (result.error || result.status !== 0) {
    throw new Error(
      `openssl could not make the edge's certificate: ${result.error?.message ?? result.stderr}`,
    );
  }
  return { cert, key };
}

/** Resolves once a TLS handshake with the edge succeeds; rejects if nginx exits first. */
async function waitUntilServing(host, port, ca, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nginx exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    const ok = await new Promise((done) => {
      const socket = tls.connect({
        host,
        port,
        ca,
        servername: 'localhost',
        ALPNProtocols: ['h2'],
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) {
      throw new Error(
        `nginx did not accept TLS on ${host}:${port} in ${timeoutMs} ms:\n${output()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts nginx in front of `backends` and resolves once it answers TLS handshakes.
 *
 * @param {{ backends: { host: string, port: number }[], port?: number, host?: string,
 *   tls?: boolean, timeoutMs?: number }} options `port` 0 or unset picks a free one;
 *   `host` is the listening address (127.0.0.1). The edge is TLS only (`tls: false` is
 *   refused): HTTP/2 in browsers needs it.
 * @returns {Promise<{ url: string, origin: string, host: string, port: number,
 *   caFile: string, ca: Buffer, runDir: string, configFile: string, pid: number,
 *   stop(): Promise<void> }>}
 */
export async function startEdge({
  backends,
  port = 0,
  host = '127.0.0.1',
  tls: useTls = true,
  timeoutMs = 15_000,
}) {
  if (useTls === false) throw new Error('the edge is TLS only (HTTP/2 in browsers needs TLS)');
  const nginx = findNginx();
  if (!nginx) throw new Error(NGINX_MISSING);
  const runDir = mkdtempSync(join(tmpdir(), 'cw-edge-'));
  try {
    // Started as root, nginx's workers run as `nobody`: they must reach the temporary
    // folders (request bodies over 16 KB, a reader's photo, are written there first).
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(runDir, 0o711);
    for (const sub of ['client-body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      mkdirSync(join(runDir, sub));
      if (asRoot) chmodSync(join(runDir, sub), 0o1777);
    }
    const { cert, key } = makeCertificate(runDir, host);
    chmodSync(key, 0o600);
    const listenPort = port || (await freePort(host));
    const listenHost = host.includes(':') ? `[${host}]` : host;
    const configFile = join(runDir, 'nginx.conf');
    writeFileSync(
      configFile,
      renderConfig({ runDir, listen: `${listenHost}:${listenPort}`, cert, key, backends }),
    );
    const child = spawn(nginx, ['-p', runDir, '-c', configFile, '-e', join(runDir, 'error.log')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8').on('data', (chunk) => {
        if (out.length < 65_536) out += chunk;
      });
    }
    const errorLog = () => {
      try {
        return out + readFileSync(join(runDir, 'error.log'), 'utf8').slice(-8192);
      } catch {
        return out;
      }
    };
    const exited = new Promise((r) => child.once('exit', r));
    const ca = readFileSync(cert);
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(runDir, { recursive: true, force: true });
    };
    try {
      await waitUntilServing(host, listenPort, ca, child, errorLog, timeoutMs);
    } catch (error) {
      await stop();
      throw error;
    }
    const url = `https://${listenHost}:${listenPort}`;
    return {
      url,
      origin: url,
      host,
      port: listenPort,
      caFile: cert,
      ca,
      runDir,
      configFile,
      pid: child.pid,
      errorLog,
      stop,
    };
  } catch (error) {
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
}
