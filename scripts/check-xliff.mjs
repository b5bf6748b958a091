// Fails when a message in the sources has no translation: every <trans-unit> in each
// xliff/<locale>.xlf must carry a non-empty <target>. `npm run i18n` extracts first,
// so a new msg() without a translation fails here.
import { readFileSync, readdirSync } from 'node:fs';

let missing = 0;
let total = 0;
for (const file of readdirSync('xliff').filter((f) => f.endsWith('.xlf'))) {
  const xml = readFileSync(`xliff/${file}`, 'utf8');
  for (const [, id, body] of xml.matchAll(
    /<trans-unit id="([^"]+)"[^>]*>([\s\S]*?)<\/trans-unit>/g,
  )) {
    total++;
    const target = /<target>([\s\S]*?)<\/target>/.exec(body);
    if (!target || !target[1].trim()) {
      missing++;
      const source = /<source>([\s\S]*?)<\/source>/.exec(body)?.[1] ?? '';
      console.error(`${file}: no translation for ${id}: ${source}`);
    }
  }
}
if (missing) {
  console.error(`${missing} of ${total} messages lack a translation.`);
  process.exit(1);
}
console.log(`${total} messages, all translated.`);
