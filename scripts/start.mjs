#!/usr/bin/env node
// `npm start`: builds the widgets when dist/ is missing or older than src/, then runs
// the campaign API (server/src/main.ts through tsx) with SQLite in CAMPAIGN_DATA_DIR
// (default ./.data). The server seeds the demo campaign on first start and prints the
// demo page, moderation page, API and OpenAPI URLs; while there is no staff account it
// also prints a one-time "First admin" link (valid 24 hours, replaced at each start)
// that creates the first admin in /moderate. Nothing secret is printed once one exists,
// except a service token the operator set (CAMPAIGN_ADMIN_TOKEN, for scripts).
// More accounts: `npm run staff -- add --email … --name … --role moderator`.
// Ctrl-C / SIGTERM are passed on; the server closes its streams and database first.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'campaign-widgets.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  if (!fs.existsSync(bundle)) return 'dist/campaign-widgets.js is missing';
  const src = path.join(root, 'src');
  if (fs.existsSync(src) && newestMtime(src) > fs.statSync(bundle).mtimeMs) {
    return 'src/ changed since the last build';
  }
  return null;
}

const reason = process.env.CAMPAIGN_SKIP_BUILD ? null : needsBuild();
if (reason) {
  console.log(`Building the widgets (${reason})…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.warn(
      fs.existsSync(bundle)
        ? 'The widget build failed; serving the previous dist/ build.'
        : 'The widget build failed; the demo page will show its fallback content.',
    );
  }
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'server', 'src', 'main.ts')],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CAMPAIGN_DATA_DIR: process.env.CAMPAIGN_DATA_DIR || './.data' },
  },
);

// A terminal's Ctrl-C reaches both processes; a signal sent to this one alone is
// passed on. The server ignores a repeat while it is already shutting down.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 0 : 1));
});
