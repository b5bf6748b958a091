#!/usr/bin/env node
// Compares each figure in bench/results.json (written by `npm run bench`) with its goal
// and prints pass / MISS per row. Exits 1 on a miss unless --no-fail; exits 2 when
// there are no results yet.
//
// Usage: node scripts/check-budgets.mjs [--no-fail] [--results=FILE]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../bench/measure/util.mjs';
import { rows } from '../bench/measure/table.mjs';

const args = process.argv.slice(2);
const file =
  args.find((a) => a.startsWith('--results='))?.slice(10) ?? join(ROOT, 'bench', 'results.json');
if (!existsSync(file)) {
  console.error(`${file} does not exist: run \`npm run bench\` first.`);
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8'));
const checked = rows(results).filter((r) => r.pass !== null || r.measure === 'not measured');
// One instance on PostgreSQL against one on SQLite, the same submissions load in rounds
// alternating them (server/bench/bench.ts): within 0.5x.
const pg = results.api?.postgres;
if (pg?.error) {
  checked.push({ section: 'api', measure: 'not measured', value: `PostgreSQL: ${pg.error}` });
} else if (pg) {
  const failed = pg.rounds.some((r) => r.postgres.non2xx || r.postgres.errors);
  checked.push({
    section: 'api',
    measure: `submissions/s, PostgreSQL / SQLite (medians of ${pg.rounds.length} alternating rounds)`,
    value: `${Math.round(pg.postgresPerSecond)} / ${Math.round(pg.sqlitePerSecond)} = ${pg.ratio.toFixed(2)}×`,
    goal: '≥ 0.5×',
    pass: !failed && pg.ratio >= 0.5,
  });
}
const width = Math.max(...checked.map((r) => `${r.section}: ${r.measure}`.length));
for (const r of checked) {
  const status = r.pass === true ? 'pass' : r.pass === false ? 'MISS' : 'n/a ';
  const what = `${r.section}: ${r.measure}`.padEnd(width);
  console.log(`${status}  ${what}  ${r.value}${r.goal ? `  (goal ${r.goal})` : ''}`);
}
const misses = checked.filter((r) => r.pass === false).length;
const met = checked.filter((r) => r.pass === true).length;
console.log(`\n${met} met, ${misses} missed (${results.machine?.date ?? 'undated'} run).`);
if (misses && !args.includes('--no-fail')) process.exit(1);
