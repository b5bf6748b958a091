#!/usr/bin/env node
// Writes the generated parts of docs/embed.md, between `<!-- generated:NAME -->` and
// `<!-- /generated:NAME -->` markers, from the committed custom-elements.json and a few
// source files, so the guide cannot drift from the code:
//
//   reference      every widget's attributes and properties, events (with the type of
//                  `detail`), slots, CSS custom properties and parts — from the manifest;
//                  tag names from src/define.ts, event detail types from the sources
//   theming        the page-wide `--campaign-*` properties and their defaults (the
//                  manifest's `tokens`, described in src/styles/tokens.ts)
//   csp            the CSP lines (test/e2e/pages/csp.txt when it exists, else the demo
//                  page's own policy from server/src/routes/pages.ts)
//   reserve-space  the space-reservation CSS (test/e2e/pages/reserve-space.css, when it
//                  exists, else the hand-written snippet stays)
//   screenshots    a table of docs/screenshots/*.png
//
//   node scripts/docs.mjs           rewrite docs/embed.md
//   node scripts/docs.mjs --check   exit 1 when docs/embed.md is not what it would write
//
// Why not @custom-elements-manifest/to-markdown (0.1.0, tried on this manifest): it
// writes the whole manifest, one section per source module (every internal module
// too, 1491 lines), with no way to take the five widgets only or order them by tag;
// it cannot split attributes from properties that are only properties, nor mark the
// read-only ones; its Events table has no type for `detail` (the manifest has none:
// this script reads it from the sources); it lists internal controller fields
// (`live`, `reports`); it escapes backticks in descriptions (\`grid\` shows as
// text, not code) and writes line breaks as `&#xA;`; and the theming, csp,
// reserve-space and screenshots parts do not come from the manifest at all.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const GUIDE = 'docs/embed.md';
const root = new URL('../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const exists = (path) => existsSync(new URL(path, root));

const manifest = JSON.parse(read('custom-elements.json'));

/** Markdown table cell: one line, pipes escaped. */
const cell = (text) =>
  String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
const code = (text) => (text ? `\`${String(text).replace(/`/g, "'")}\`` : '');
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

// Tag names: the manifest's, else the registration table in src/define.ts.
const tagOf = new Map();
for (const [, tag, name] of read('src/define.ts').matchAll(/'(campaign-[\w-]+)':\s*(\w+)/g)) {
  tagOf.set(name, tag);
}

// Event detail types: `'campaign-x': CustomEvent<T>` in the sources, with T's members.
const interfaces = new Map();
const eventDetail = new Map();
function sourceFiles(dir) {
  return readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return path.endsWith('generated') ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
for (const path of sourceFiles('src')) {
  const file = ts.createSourceFile(path, read(path), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isInterfaceDeclaration(node)) {
      if (node.name.text === 'GlobalEventHandlersEventMap') {
        for (const member of node.members) {
          if (ts.isPropertySignature(member) && member.type && ts.isStringLiteral(member.name)) {
            const type = member.type;
            const arg =
              ts.isTypeReferenceNode(type) && type.typeArguments?.[0]
                ? type.typeArguments[0].getText(file)
                : type.getText(file);
            eventDetail.set(member.name.text, arg);
          }
        }
      } else {
        const members = node.members
          .filter(ts.isPropertySignature)
          .map(
            (m) => `${m.name.getText(file)}${m.questionToken ? '?' : ''}: ${m.type?.getText(file)}`,
          );
        interfaces.set(node.name.text, `{ ${members.join('; ')} }`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}
const detailType = (event) => {
  // The `@fires {CustomEvent<T>}` type the manifest gives, else the sources' event maps.
  const fired = manifest.modules
    .flatMap((mod) => mod.declarations ?? [])
    .flatMap((d) => d.events ?? [])
    .find((e) => e.name === event)?.type?.text;
  const name = /^CustomEvent<(\w+)>$/.exec(fired ?? '')?.[1] ?? eventDetail.get(event);
  if (!name) return '';
  return interfaces.has(name) ? `${name} ${interfaces.get(name)}` : name;
};

const widgets = manifest.modules
  .flatMap((mod) => (mod.declarations ?? []).map((d) => ({ ...d, module: mod.path })))
  .filter((d) => d.kind === 'class' && (d.tagName ?? tagOf.get(d.name)))
  .map((d) => ({ ...d, tag: d.tagName ?? tagOf.get(d.name) }));
const order = [...tagOf.values()];
widgets.sort((a, b) => order.indexOf(a.tag) - order.indexOf(b.tag));

function reference() {
  const out = [];
  for (const w of widgets) {
    out.push(`### \`<${w.tag}>\``, '');
    if (w.summary) out.push(cell(w.summary), '');
    out.push(`Class \`${w.name}\` (\`${w.module}\`).`, '');

    const attributes = w.attributes ?? [];
    const viaAttribute = new Set(attributes.map((a) => a.fieldName));
    const properties = (w.members ?? []).filter(
      (m) =>
        m.kind === 'field' &&
        !m.static &&
        !m.privacy &&
        !m.name.startsWith('_') &&
        !m.name.startsWith('#') &&
        (m.type || m.description) &&
        !viaAttribute.has(m.name),
    );
    out.push(
      '**Attributes** (each is also a property, named in the second column)',
      '',
      table(
        ['attribute', 'property', 'type', 'default', 'description'],
        attributes.map((a) => {
          const member = w.members?.find((m) => m.name === a.fieldName);
          return [
            code(a.name),
            code(a.fieldName),
            code(a.type?.text),
            code(a.default ?? member?.default),
            `${a.description ?? member?.description ?? ''}${member?.reflects ? ' Reflected.' : ''}`,
          ];
        }),
      ),
      '',
    );
    if (properties.length) {
      out.push(
        '**Properties only** (read from script)',
        '',
        table(
          ['property', 'type', 'description'],
          properties.map((p) => [
            code(p.name),
            code(p.type?.text),
            `${p.description ?? ''}${p.readonly ? ' Read-only.' : ''}`,
          ]),
        ),
        '',
      );
    }
    if (w.events?.length) {
      out.push(
        '**Events** (bubble and cross shadow boundaries; the type of `event.detail` is given)',
        '',
        table(
          ['event', 'detail', 'when'],
          w.events.map((e) => [code(e.name), code(detailType(e.name)), e.description]),
        ),
        '',
      );
    }
    if (w.slots?.length) {
      out.push(
        '**Slots**',
        '',
        table(
          ['slot', 'content'],
          w.slots.map((s) => [s.name ? code(s.name) : '(default)', s.description]),
        ),
        '',
      );
    }
    if (w.cssProperties?.length) {
      out.push(
        '**CSS custom properties** (set on the element or any ancestor)',
        '',
        table(
          ['property', 'description'],
          w.cssProperties.map((p) => [code(p.name), p.description]),
        ),
        '',
      );
    }
    if (w.cssParts?.length) {
      out.push(
        `**Parts** (style with \`${w.tag}::part(name)\`)`,
        '',
        table(
          ['part', 'description'],
          w.cssParts.map((p) => [code(p.name), p.description]),
        ),
        '',
      );
    }
  }
  return out.join('\n').trim();
}

function theming() {
  const tokens = manifest.modules
    .flatMap((m) => m.declarations ?? [])
    .find((d) => d.kind === 'variable' && d.name === 'tokens');
  if (!tokens?.default) throw new Error('custom-elements.json has no `tokens` declaration');
  const described = new Map();
  for (const [, name, text] of read('src/styles/tokens.ts').matchAll(
    /@cssprop (--campaign-[\w-]+) - ([^\n]*)/g,
  )) {
    described.set(name, text.trim());
  }
  const rows = [...tokens.default.matchAll(/var\((--campaign-[\w-]+),\s*([^)]+)\)/g)].map(
    ([, name, fallback]) => [
      code(name),
      fallback.trim() === 'inherit' ? "the page's" : code(fallback.trim()),
      described.get(name) ?? '',
    ],
  );
  return table(['property', 'default', 'what it sets'], rows);
}

function csp() {
  if (exists('test/e2e/pages/csp.txt')) {
    const lines = read('test/e2e/pages/csp.txt').trim();
    return [
      'Verified by the end-to-end suite (`test/e2e/pages/csp.txt`):',
      '',
      '```text',
      lines,
      '```',
    ].join('\n');
  }
  const source = read('server/src/routes/pages.ts');
  const block = /PAGE_CSP = \[([\s\S]*?)\]\.join/.exec(source);
  if (!block) throw new Error('PAGE_CSP not found in server/src/routes/pages.ts');
  const directives = [...block[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  return [
    "The policy the demo partner page is served with (`server/src/routes/pages.ts`), which the widgets work under. (To be synced with the end-to-end suite's verified lines, `test/e2e/pages/csp.txt`, once they exist.)",
    '',
    '```http',
    `Content-Security-Policy: ${directives.join('; ')}`,
    '```',
  ].join('\n');
}

function reserveSpace(current) {
  if (!exists('test/e2e/pages/reserve-space.css')) return current;
  return [
    'Verified by the end-to-end suite (`test/e2e/pages/reserve-space.css`):',
    '',
    '```css',
    read('test/e2e/pages/reserve-space.css').trim(),
    '```',
  ].join('\n');
}

function screenshots() {
  const dir = 'docs/screenshots';
  const files = exists(dir)
    ? readdirSync(new URL(dir, root))
        // The widgets' shots; the newsroom console's are shown in docs/newsroom.md.
        .filter((f) => f.endsWith('.png') && !f.startsWith('console-'))
        .sort()
    : [];
  if (!files.length) return '_No screenshots yet: run `npm run screenshots`._';
  // <widget>-<locale>-<width>.png
  const rows = new Map();
  for (const file of files) {
    const match = /^(.+)-(en|zh-Hans)-(\d+)\.png$/.exec(file);
    if (!match) continue;
    const [, widget, locale, width] = match;
    const row = rows.get(widget) ?? {};
    row[`${locale}-${width}`] = file;
    rows.set(widget, row);
  }
  const columns = ['en-390', 'zh-Hans-390', 'en-1280', 'zh-Hans-1280'];
  const label = {
    'en-390': 'English, phone',
    'zh-Hans-390': '中文, phone',
    'en-1280': 'English, desktop',
    'zh-Hans-1280': '中文, desktop',
  };
  return table(
    ['widget', ...columns.map((c) => label[c])],
    [...rows].map(([widget, row]) => [
      code(widget),
      ...columns.map((c) =>
        row[c]
          ? `<img src="screenshots/${row[c]}" alt="${widget}, ${label[c]}" width="${c.endsWith('390') ? 195 : 320}">`
          : '',
      ),
    ]),
  );
}

const guide = read(GUIDE);
const generators = { reference, theming, csp, 'reserve-space': reserveSpace, screenshots };
const seen = new Set();
const next = guide.replace(
  /(<!-- generated:([\w-]+) -->\n)([\s\S]*?)\n?(<!-- \/generated:\2 -->)/g,
  (_all, open, name, body, close) => {
    const generate = generators[name];
    if (!generate) throw new Error(`${GUIDE}: unknown generated section "${name}"`);
    seen.add(name);
    return `${open}${generate(body)}\n${close}`;
  },
);
for (const name of Object.keys(generators)) {
  if (!seen.has(name)) throw new Error(`${GUIDE}: no <!-- generated:${name} --> section`);
}

/** Sections whose source another suite owns: a late change there warns instead of failing. */
const SOFT = new Set(['csp', 'reserve-space']);
const sections = (text) =>
  Object.fromEntries(
    [...text.matchAll(/<!-- generated:([\w-]+) -->\n([\s\S]*?)\n?<!-- \/generated:\1 -->/g)].map(
      (m) => [m[1], m[2]],
    ),
  );

if (process.argv.includes('--check')) {
  const before = sections(guide);
  const after = sections(next);
  const stale = Object.keys(after).filter((name) => before[name] !== after[name]);
  for (const name of stale.filter((n) => SOFT.has(n))) {
    console.warn(`${GUIDE}: the "${name}" section is behind its source: run \`npm run docs\`.`);
  }
  const hard = stale.filter((n) => !SOFT.has(n));
  const rest = (text) =>
    text.replace(/<!-- generated:([\w-]+) -->\n[\s\S]*?<!-- \/generated:\1 -->/g, '');
  if (hard.length || rest(next) !== rest(guide)) {
    console.error(
      `${GUIDE}: ${hard.join(', ') || 'markers'} out of date with custom-elements.json and the sources.`,
    );
    console.error('Run `npm run docs` (`npm run manifest` runs it too) and commit docs/embed.md.');
    process.exit(1);
  }
  console.log(`${GUIDE} is up to date.`);
} else {
  writeFileSync(new URL(GUIDE, root), next);
  console.log(`${GUIDE} written.`);
}
