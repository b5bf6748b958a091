// `npm test`: builds the single script (the dist smoke suite loads it), then runs the
// browser suites and the server suites. Exits non-zero if any of them fails.
import { spawnSync } from 'node:child_process';

const run = (label, command, args) => {
  console.log(`\n▶ ${label}`);
  const started = Date.now();
  const { status } = spawnSync(command, args, { stdio: 'inherit', shell: false });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${status === 0 ? '✔' : '✘'} ${label} (${seconds} s)`);
  return status === 0;
};

const results = [run('build', 'npm', ['run', 'build', '--silent'])];
if (results[0]) {
  results.push(run('browser tests', 'npx', ['wtr']));
}
results.push(run('server tests', 'npm', ['test', '-w', 'server', '--silent']));

const failed = results.filter((ok) => !ok).length;
console.log(failed ? `\n${failed} suite(s) failed` : '\nall suites passed');
process.exit(failed ? 1 : 0);
