// CI check: the committed XLIFF and generated locale modules (the widgets' and the
// newsroom console's) match the sources, and every message is translated.
import { execFileSync } from 'node:child_process';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
run('npx', ['lit-localize', 'extract']);
run('npx', ['lit-localize', 'build']);
run('npx', ['lit-localize', 'extract', '--config', 'console/lit-localize.json']);
run('npx', ['lit-localize', 'build', '--config', 'console/lit-localize.json']);
run('node', ['scripts/check-xliff.mjs']);
try {
  execFileSync(
    'git',
    ['diff', '--exit-code', '--stat', '--', 'xliff', 'src/generated', 'console/src/generated'],
    { stdio: 'inherit' },
  );
} catch {
  console.error(
    'xliff/, src/generated/ or console/src/generated/ is out of date: run `npm run i18n` and commit.',
  );
  process.exit(1);
}
