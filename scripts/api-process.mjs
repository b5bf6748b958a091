// The campaign API as a child process, for every tool and test that needs the real one:
// a free loopback port, a fresh SQLite folder (removed on stop), and the URL read from
// its "listening" line. Used by the browser tests' plugin, the end-to-end suite, the
// bench, the audit and the screenshots.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts the API and resolves with `{ url, stop }` once it listens.
 *
 * `entry: 'start'` runs `scripts/start.mjs` as `npm start` does (serving the built
 * dist/ and the demo pages, without building again); `'main'` runs the API alone from
 * `server/src/main.ts`. `env` adds to or overrides the defaults.
 */
export async function startApiProcess({ entry = 'main', env = {}, timeoutMs = 60_000 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-api-'));
  const args =
    entry === 'start'
      ? [join(ROOT, 'scripts', 'start.mjs')]
      : ['--import', 'tsx', join(ROOT, 'server', 'src', 'main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      CAMPAIGN_SKIP_BUILD: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      CAMPAIGN_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 8000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  let out = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the campaign API did not start in ${timeoutMs / 1000} s:\n${out}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      out += chunk;
      const match = /campaign-api listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData).resume();
      resolveUrl(match[1]);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the campaign API exited with ${code}:\n${out}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  return { url, stop };
}
