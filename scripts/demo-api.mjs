// Starts the real campaign API (scripts/start.mjs) on a free loopback port with a
// throwaway SQLite data directory and the demo campaign, for the audit and the
// screenshots. Builds the widgets first when dist/ is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starts the API on a free port; resolves with its base URL and a stop function. */
export async function startApi() {
  if (!existsSync('dist/campaign-widgets.js')) {
    console.log('dist/ is missing, building the widgets…');
    const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-audit-data-'));
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: {
      ...process.env,
      CAMPAIGN_SKIP_BUILD: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      CAMPAIGN_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the API did not start in 60 s')), 60000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /campaign-api listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the API exited with ${code}:\n${out}`)));
  });
  child.stdout.resume();
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, stop };
}
