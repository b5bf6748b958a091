// `npm test`: builds the single script (the dist smoke suite loads it), runs the
// browser suites in every engine against Lit's development build and again against
// its production build, then the end-to-end suite (scripts/e2e.mjs), then the server
// suites and the capacity model's tests. Exits non-zero if any suite fails.
import { spawn } from 'node:child_process';

// Terminal colour and cursor codes (ESC [ … letter), taken out before parsing output.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let tail = '';
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk).slice(-20000);
      output = (output + chunk).slice(-2_000_000);
    });
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      // wtr's own summary carries progress bars; print plain per-engine counts.
      const counts = new Map();
      for (const [, engine, passed, failed] of tail
        .replace(ANSI, '')
        .matchAll(/(\w+):\s*\|[^|]*\|[^|]*\| (\d+) passed, (\d+) failed/g)) {
        counts.set(engine, `${passed} passed, ${failed} failed`);
      }
      for (const [engine, text] of counts) console.log(`  ${label} · ${engine}: ${text}`);
      console.log(`${code === 0 ? '✔' : '✘'} ${label} (${seconds} s)`);
      const plain = output.replace(ANSI, '');
      summary.push({ label, ok: code === 0, seconds, counts, plain });
      resolve(code === 0);
    });
  });
}

// Every step's outcome, repeated at the end of the run: a CI log is often read from
// its tail, and the step that failed may have printed thousands of lines before it.
const summary = [];
const results = [];

/**
 * Retries are per test, not per step. The browser suites give a failing test one more
 * try (TEST_RETRIES, mocha's `retries`); one that passes only then prints a `[flaky]`
 * line (web-test-runner.config.mjs), counted here per step. node:test on Node 20 has no
 * per-test retry and the end-to-end files are one partner's day in order (a test needs
 * the ones before it), so a failing end-to-end run is run once more as a whole and each
 * test that failed only the first time counts as flaky. Server suites are in-process
 * and not retried. More than FLAKY_BUDGET flaky tests (default 2) fail the run: a
 * timeout or two under a loaded 2-core CI box is noise; more is a trend to fix.
 */
const FLAKY_BUDGET = Number(process.env.FLAKY_BUDGET ?? 2);
const flakyLines = (plain) =>
  [...plain.matchAll(/^\s*\[flaky\] (.*)$/gm)].map(([, line]) => line.trim());
async function runWithRetries(label, command, args, env) {
  const ok = await run(label, command, args, { ...env, TEST_RETRIES: '1' });
  summary.at(-1).flaky = [...new Set(flakyLines(summary.at(-1).plain))];
  return ok;
}
async function runStepTwice(label, command, args, env) {
  if (await run(label, command, args, env)) return true;
  const first = summary.at(-1);
  const ok = await run(`${label} (second try)`, command, args, env);
  if (ok) {
    // A suite that failed because a test in it did is no second flaky test: suites are
    // the names the reporter also opened with `▶`.
    const suites = new Set([...first.plain.matchAll(/^\s*▶ (.*)$/gm)].map(([, n]) => n.trim()));
    const failedFirst = [...first.plain.matchAll(/^\s*✖ (.*?)(?: \([\d.]+m?s\))?$/gm)]
      .map(([, name]) => name.trim())
      .filter((name) => !/^failing tests:?$/.test(name) && !suites.has(name));
    summary.at(-1).flaky = [...new Set(failedFirst)].map(
      (name) => `${name} :: passed on the step's second try`,
    );
  }
  return ok;
}
const built = await run('build', 'npm', ['run', 'build', '--silent']);
results.push(built);
if (built) {
  // Every browser file runs in one browser per engine. (A failed chai assertion whose
  // expected value is a DOM node never reaches the runner from Chromium, so a file with
  // one stalls until the runner's timeout: tests compare nodes with === and assert the
  // boolean, as test/photo.test.ts does for focus.)
  const suites = [['', ['--files', 'test/**/*.test.ts']]];
  for (const [mode, env] of [
    ['development', {}],
    ['production', { LIT_MODE: 'production' }],
  ]) {
    for (const [suffix, args] of suites) {
      results.push(
        await runWithRetries(
          `browser tests, Lit ${mode} build${suffix}`,
          'npx',
          ['wtr', ...args],
          env,
        ),
      );
    }
  }
}
if (built) {
  // The partner's day end to end: dist/ on pages from another origin, the real API, in
  // Chromium and WebKit (scripts/e2e.mjs prints its own per-engine counts).
  results.push(await runStepTwice('end-to-end tests', 'node', ['scripts/e2e.mjs']));
}
results.push(await run('server tests', 'npm', ['test', '-w', 'server', '--silent']));
// The submission suite again on PostgreSQL (its group commit), through the same helpers.
results.push(
  await run(
    'server submissions on PostgreSQL',
    'node',
    ['--import', 'tsx', '--test', 'server/test/submissions.test.ts'],
    { TEST_STORE: 'postgres' },
  ),
);
// The capacity model's arithmetic (pure functions, no server).
results.push(await run('bench model tests', 'node', ['--test', 'bench/capacity-model.test.mjs']));

console.log('\nsummary');
for (const { label, ok, seconds, counts } of summary) {
  const detail = [...counts].map(([engine, text]) => `${engine} ${text}`).join('; ');
  console.log(`${ok ? '✔' : '✘'} ${label} (${seconds} s)${detail ? ` — ${detail}` : ''}`);
}
for (const { label, plain } of summary.filter((step) => !step.ok)) {
  // The lines that name what failed: wtr's ❌, node:test's ✖ and "not ok", the
  // end-to-end suite's ✘, assertion and other errors (never a passing test's line).
  const lines = plain
    .split('\n')
    .filter((line) => /❌|✘|✖|not ok|Error|timed out|Timeout/i.test(line))
    .filter((line) => !/^\s*(✔|ok\b)|\b0 failed\b|# fail 0|ℹ fail 0/.test(line));
  const retried = summary.some((step) => step.ok && step.label === `${label} (second try)`);
  console.log(`\n✘ ${label}: what failed${retried ? ' (passed on the second try)' : ''}`);
  for (const line of lines.slice(-40)) console.log(`  ${line.trim().slice(0, 300)}`);
}
// Tests that passed only on a retry, per step, with their first failure.
const flakyTotal = summary.reduce((n, step) => n + (step.flaky?.length ?? 0), 0);
console.log(`\nflaky tests: ${flakyTotal} (budget ${FLAKY_BUDGET})`);
for (const { label, flaky = [] } of summary) {
  if (!flaky.length) continue;
  console.log(`  ${label}: ${flaky.length}`);
  for (const line of flaky) console.log(`    ${line.slice(0, 300)}`);
}
const overBudget = flakyTotal > FLAKY_BUDGET;
if (overBudget) console.log(`✘ ${flakyTotal} flaky tests, more than the budget of ${FLAKY_BUDGET}`);
const failed = results.filter((ok) => !ok).length;
console.log(failed ? `\n${failed} step(s) failed` : overBudget ? '' : '\nall suites passed');
process.exit(failed || overBudget ? 1 : 0);
