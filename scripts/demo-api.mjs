// Starts the real campaign API (scripts/start.mjs) on a free loopback port with a
// throwaway SQLite data directory and the demo campaign, for the audit and the
// screenshots. Builds the widgets first when dist/ is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startApiProcess } from './api-process.mjs';

/** Starts the API on a free port; resolves with its base URL and a stop function. */
export async function startApi() {
  if (!existsSync('dist/campaign-widgets.js')) {
    console.log('dist/ is missing, building the widgets…');
    const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
  }
  return startApiProcess({ entry: 'start' });
}
