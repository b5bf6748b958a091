#!/usr/bin/env node
// `npm run bench`: measures, in one run on this machine, everything "small and fast"
// stands for, and prints one table with each figure's comparison, ratio, goal and
// pass / MISS:
//   weight — the single script beside what a partner would otherwise load (peers are
//            installed into a temporary folder, never into the project);
//   page   — the demo partner page with and without the widgets in headless Chromium,
//            unthrottled and at 4× CPU throttling;
//   page-ssr — bench/measure/ssr-page.mjs (the same page with the widgets as the API's
//            server-rendered HTML, without and with the script, beside the page alone and
//            today's client-rendered page; about 2 minutes at the default 5 runs);
//   form   — typing latency in the message field, resizing a 12-megapixel photo;
//   wall   — scripts/bench-wall.mjs (1,000 quotes vs hand-written DOM, 50 quotes/s,
//            bounded DOM and heap);
//   console — bench/measure/console.mjs (the newsroom console: a page of 50 items
//            rendered, DOM nodes after paging through 1,000);
//   queue  — server/bench/queue.ts (the newsroom queue over 100,000 submissions on
//            SQLite and PostgreSQL, a realistic share of them flagged or reported:
//            pages, searches, filters, the hold-flag and Reported filters, report
//            totals, decisions, in the store and over HTTP);
//   safety — server/bench/safety.ts (the hold rules on a 2,000-character message with
//            0, 100 and 1,000 words, compiling 1,000 words; the repeat look-up and
//            readers' reports on both stores with 100,000 submissions; over HTTP on
//            SQLite, a submission with the rules on and off, and a report);
//   api    — server/bench/bench.ts (submissions, quote GETs, SSE at 1,000 / 5,000 /
//            10,000 clients), each beside a bare node:http floor.
// Writes bench/results.json and the table in bench/RESULTS.md, then exits 1 when a
// figure misses its goal (unless --no-fail). Takes several minutes; not part of
// `npm test`.
//
// Options: --only=weight,page,page-ssr,form,wall,console,queue,safety,api (the other sections keep
// their last figures in results.json), --runs=N (page loads per case, default 5), --quick (fewer
// runs and clients, for trying the bench itself), --no-fail.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT, launchChromium, startApi } from '../bench/measure/util.mjs';
import { rows, textTable, markdownTable } from '../bench/measure/table.mjs';

const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const SECTIONS = [
  'weight',
  'page',
  'page-ssr',
  'form',
  'wall',
  'console',
  'queue',
  'safety',
  'api',
];
const only = option('only')?.split(',') ?? SECTIONS;
for (const s of only) {
  if (!SECTIONS.includes(s)) {
    console.error(`unknown section "${s}"; choose from ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
const quick = args.includes('--quick');
const runs = Number(option('runs') ?? (quick ? 2 : 5));
const noFail = args.includes('--no-fail');
const resultsFile = join(ROOT, 'bench', 'results.json');
const log = (...m) => console.error(...m);

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return t;
}

/** Sections that load the built widgets or console; the server benches need no build. */
const BUILT = ['weight', 'page', 'page-ssr', 'form', 'wall', 'console'];

function ensureBuild() {
  if (!only.some((s) => BUILT.includes(s))) return;
  const bundle = join(ROOT, 'dist', 'campaign-widgets.js');
  const console = join(ROOT, 'dist', 'console', 'console.js');
  const missing =
    !existsSync(bundle) || !existsSync(join(ROOT, 'lib', 'bundle.js')) || !existsSync(console);
  const stale =
    !missing &&
    (newest(join(ROOT, 'src')) > statSync(bundle).mtimeMs ||
      newest(join(ROOT, 'console', 'src')) > statSync(console).mtimeMs);
  if (!missing && !stale) return;
  log(missing ? 'Building (dist/ or lib/ is missing)…' : 'Building (src/ changed since dist/)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error('npm run build failed');
}

function machine(chromium) {
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    chromium: chromium ?? '',
    loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
    commit,
  };
}

async function section(name, fn) {
  if (!only.includes(name)) return undefined;
  const started = Date.now();
  log(`— ${name}`);
  try {
    const value = await fn();
    log(`  ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return value;
  } catch (error) {
    log(`  ${name} failed: ${error.stack ?? error}`);
    return { error: `not measured: ${String(error.message ?? error).split('\n')[0]}` };
  }
}

/**
 * Runs a bench under server/bench/ in its own process (`--json=FILE` added) and gives
 * what it wrote there.
 */
function runServerBench(script, args = [], env = process.env) {
  const dir = mkdtempSync(join(os.tmpdir(), 'cw-bench-'));
  const file = join(dir, 'figures.json');
  const argv = [
    '--import',
    'tsx',
    join(ROOT, 'server', 'bench', script),
    `--json=${file}`,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: join(ROOT, 'server'),
      env,
      stdio: ['ignore', 2, 2],
    });
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`server/bench/${script} exited with ${code}`);
        resolve(JSON.parse(readFileSync(file, 'utf8')));
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** server/bench/queue.ts: the newsroom's queue over 100,000 submissions, both stores. */
const runQueueBench = () => runServerBench('queue.ts', quick ? ['--rows=20000', '--runs=20'] : []);

/** server/bench/safety.ts: the hold rules, the repeat look-up and reports, both stores. */
const runSafetyBench = () =>
  runServerBench(
    'safety.ts',
    quick ? ['--rows=20000', '--runs=500', '--store-runs=60', '--http-runs=100'] : [],
  );

function runApiBench() {
  const env = { ...process.env };
  if (quick) {
    env.BENCH_SECONDS ??= '2';
    env.BENCH_CLIENTS ??= '1000';
    env.BENCH_APPROVALS ??= '5';
  }
  return runServerBench('bench.ts', [], env);
}

async function main() {
  const started = Date.now();
  const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  const results = { ...previous };
  ensureBuild();

  results.weight =
    (await section('weight', async () => {
      const { measureWeight } = await import('../bench/measure/weight.mjs');
      return measureWeight({ log });
    })) ?? previous.weight;

  let chromiumVersion = previous.machine?.chromium;
  if (only.includes('page') || only.includes('page-ssr') || only.includes('form')) {
    let api;
    let chromium;
    try {
      api = await startApi();
      chromium = await launchChromium();
      chromiumVersion = chromium.version;
      const url = `${api.url}/`;
      results.page =
        (await section('page', async () => {
          const { measurePage } = await import('../bench/measure/page.mjs');
          return measurePage(chromium.browser, url, { runs, log });
        })) ?? previous.page;
      results.pageSsr =
        (await section('page-ssr', async () => {
          const { measureSsrPage } = await import('../bench/measure/ssr-page.mjs');
          return measureSsrPage(chromium.browser, api.url, { runs, log });
        })) ?? previous.pageSsr;
      results.form =
        (await section('form', async () => {
          const { measureForm } = await import('../bench/measure/form.mjs');
          return measureForm(chromium.browser, url, {
            runs: Math.max(1, Math.ceil(runs / 2)),
            log,
          });
        })) ?? previous.form;
    } catch (error) {
      const why = { error: `not measured: ${String(error.message ?? error).split('\n')[0]}` };
      if (only.includes('page')) results.page = why;
      if (only.includes('page-ssr')) results.pageSsr = why;
      if (only.includes('form')) results.form = why;
      log(error);
    } finally {
      await chromium?.close();
      await api?.stop();
    }
  }

  results.wall =
    (await section('wall', async () => {
      const { measureWall } = await import('./bench-wall.mjs');
      return measureWall({ runs: quick ? 2 : 7 });
    })) ?? previous.wall;

  results.console =
    (await section('console', async () => {
      const { measureConsole } = await import('../bench/measure/console.mjs');
      return measureConsole({ log });
    })) ?? previous.console;

  results.queue = (await section('queue', runQueueBench)) ?? previous.queue;

  results.safety = (await section('safety', runSafetyBench)) ?? previous.safety;

  results.api = (await section('api', runApiBench)) ?? previous.api;

  results.machine = machine(chromiumVersion);
  results.sections = { ...previous.sections };
  for (const s of only) results.sections[s] = results.machine.date;
  // A partial run keeps the other sections' figures, dates and quick flags.
  results.quickSections = (previous.quickSections ?? []).filter((x) => !only.includes(x));
  if (quick) results.quickSections.push(...only);
  results.quick = results.quickSections.length > 0;
  writeFileSync(resultsFile, await formatJson(results, resultsFile));
  const list = rows(results);
  writeResultsMd(results, list);

  const m = results.machine;
  console.log(
    `\ncampaign-widgets bench — ${m.date} — ${m.cpus} CPUs (${m.cpuModel}), Node ${m.node}, ${m.chromium}, load average ${m.loadAverage.join(' ')}${quick ? ' — QUICK RUN' : ''}\n`,
  );
  console.log(textTable(list));
  const misses = list.filter((r) => r.pass === false);
  console.log(
    `\n${list.filter((r) => r.pass === true).length} goals met, ${misses.length} missed; bench/results.json and bench/RESULTS.md updated (${((Date.now() - started) / 1000).toFixed(0)} s).`,
  );
  if (misses.length && !noFail) process.exit(1);
}

/** JSON as the project's prettier writes it, so the committed file passes format:check. */
async function formatJson(value, file) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...config, parser: 'json' });
  } catch {
    return text;
  }
}

/** Replaces the generated part of bench/RESULTS.md; the notes around it stay. */
function writeResultsMd(results, list) {
  const file = join(ROOT, 'bench', 'RESULTS.md');
  const m = results.machine;
  const generated = [
    '<!-- table:start (generated by `npm run bench` from bench/results.json; edit the notes, not this) -->',
    '',
    `Run ${m.date.slice(0, 16).replace('T', ' ')} UTC at ${m.commit || 'a working tree'}: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGB} GB, Node ${m.node}, ${m.chromium}, load average at the end ${m.loadAverage.join(' / ')}${results.quick ? ` — quick run (fewer repeats) for ${results.quickSections.join(', ')}` : ''}.`,
    ...(new Set(Object.values(results.sections ?? {})).size > 1
      ? [
          '',
          `Sections measured at: ${Object.entries(results.sections)
            .map(([k, v]) => `${k} ${v.slice(0, 16).replace('T', ' ')}`)
            .join(', ')} (UTC).`,
        ]
      : []),
    '',
    markdownTable(list),
    '',
    '<!-- table:end -->',
  ].join('\n');
  const current = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Bench results\n\n<!-- table:start --><!-- table:end -->\n';
  const next = current.replace(/<!-- table:start[\s\S]*?<!-- table:end -->/, generated);
  writeFileSync(file, next.includes(generated) ? next : `${current}\n${generated}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
