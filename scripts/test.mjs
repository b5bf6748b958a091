// `npm test`: builds the single script (the dist smoke suite loads it), runs the
// browser suites in every engine against Lit's development build and again against
// its production build, then the end-to-end suite (scripts/e2e.mjs), then the server
// suites. Exits non-zero if any suite fails.
import { spawn } from 'node:child_process';

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
        .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
        .matchAll(/(\w+):\s*\|[^|]*\|[^|]*\| (\d+) passed, (\d+) failed/g)) {
        counts.set(engine, `${passed} passed, ${failed} failed`);
      }
      for (const [engine, text] of counts) console.log(`  ${label} · ${engine}: ${text}`);
      console.log(`${code === 0 ? '✔' : '✘'} ${label} (${seconds} s)`);
      const plain = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
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
 * A browser step that fails is run once more, on a machine whose load can starve a
 * browser past a timeout. A step that passes only on its second try still shows in the
 * summary as flaky, with what failed the first time; one that fails twice fails the run.
 */
async function runTwice(label, command, args, env) {
  if (await run(label, command, args, env)) return true;
  return run(`${label} (second try)`, command, args, env);
}
const built = await run('build', 'npm', ['run', 'build', '--silent']);
results.push(built);
if (built) {
  // test/photo.test.ts runs in a browser of its own: after another file in the same
  // Chromium it stalls until the runner's timeout (alone it passes in every engine).
  const suites = [
    ['', ['--files', 'test/**/*.test.ts', '!test/photo.test.ts']],
    [', photo', ['--files', 'test/photo.test.ts']],
  ];
  for (const [mode, env] of [
    ['development', {}],
    ['production', { LIT_MODE: 'production' }],
  ]) {
    for (const [suffix, args] of suites) {
      results.push(
        await runTwice(`browser tests, Lit ${mode} build${suffix}`, 'npx', ['wtr', ...args], env),
      );
    }
  }
}
if (built) {
  // The partner's day end to end: dist/ on pages from another origin, the real API, in
  // Chromium and WebKit (scripts/e2e.mjs prints its own per-engine counts).
  results.push(await runTwice('end-to-end tests', 'node', ['scripts/e2e.mjs']));
}
results.push(await run('server tests', 'npm', ['test', '-w', 'server', '--silent']));

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
  console.log(`\n✘ ${label}: what failed${retried ? ' (flaky: passed on the second try)' : ''}`);
  for (const line of lines.slice(-40)) console.log(`  ${line.trim().slice(0, 300)}`);
}
const failed = results.filter((ok) => !ok).length;
console.log(failed ? `\n${failed} step(s) failed` : '\nall suites passed');
process.exit(failed ? 1 : 0);
