// Fails when a message in the sources has no translation: every <trans-unit> in each
// xliff/<locale>.xlf (the widgets) and xliff/console/<locale>.xlf (the newsroom
// console) must carry a non-empty <target>, and a zh-Hans target must be Chinese: not
// the English source again, and with Chinese characters once its placeholders are
// left out. `npm run i18n` extracts first, so a new msg() without a translation fails
// here.
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const DIRS = ['xliff', 'xliff/console'];
const HAN = /\p{Script=Han}/u;
const placeholders = (text) => text.replace(/<x [^>]*\/>/g, '').trim();

let missing = 0;
let english = 0;
let total = 0;
for (const dir of DIRS.filter((d) => existsSync(d))) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xlf'))) {
    const xml = readFileSync(`${dir}/${file}`, 'utf8');
    const chinese = /target-language="zh-Hans"/.test(xml);
    for (const [, id, body] of xml.matchAll(
      /<trans-unit id="([^"]+)"[^>]*>([\s\S]*?)<\/trans-unit>/g,
    )) {
      total++;
      const source = /<source>([\s\S]*?)<\/source>/.exec(body)?.[1] ?? '';
      const target = /<target>([\s\S]*?)<\/target>/.exec(body)?.[1] ?? '';
      if (!target.trim()) {
        missing++;
        console.error(`${dir}/${file}: no translation for ${id}: ${source}`);
      } else if (chinese && (target.trim() === source.trim() || !HAN.test(placeholders(target)))) {
        english++;
        console.error(`${dir}/${file}: ${id} is not translated into Chinese: ${target}`);
      }
    }
  }
}
if (missing || english) {
  console.error(
    `${missing} of ${total} messages lack a translation; ${english} zh-Hans targets are not Chinese.`,
  );
  process.exit(1);
}
console.log(`${total} messages, all translated.`);
