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

/** Output kept for `output()` and `waitForLine()`; beyond it the rest is drained unread. */
const OUTPUT_LIMIT = 1 << 20;

/**
 * Starts the API and resolves with `{ url, stop, output, waitForLine }` once it listens.
 * `output()` is what it printed so far (its first MiB); `waitForLine(regex, timeoutMs)`
 * resolves with the match once its output matches (e.g. the "First admin" link printed
 * after the listening line), and rejects if it exits or the time runs out first.
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
  const listeners = new Set();
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    if (out.length < OUTPUT_LIMIT) out += chunk;
    for (const listener of listeners) listener();
  });
  const exited = new Promise((r) => child.once('exit', r));
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the campaign API did not start in ${timeoutMs / 1000} s:\n${out}`)),
      timeoutMs,
    );
    const onData = () => {
      const match = /campaign-api listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      listeners.delete(onData);
      resolveUrl(match[1]);
    };
    listeners.add(onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the campaign API exited with ${code}:\n${out}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  const waitForLine = (regex, lineTimeoutMs = 15_000) =>
    new Promise((resolveLine, reject) => {
      const check = () => {
        const match = regex.exec(out);
        if (!match) return false;
        done();
        resolveLine(match);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `the campaign API printed nothing matching ${regex} in ${lineTimeoutMs} ms:\n${out}`,
          ),
        );
      }, lineTimeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      if (check()) return;
      listeners.add(check);
      void exited.then((code) => {
        if (!listeners.has(check)) return;
        done();
        reject(new Error(`the campaign API exited with ${code} before printing ${regex}:\n${out}`));
      });
    });
  return { url, stop, output: () => out, waitForLine };
}
