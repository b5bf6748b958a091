// TypeScript users: `campaign-widgets/react` gives JSX types for the four tags (React
// 19), `campaign-widgets/vue` adds them to Vue's GlobalComponents, and the widgets'
// classes are in HTMLElementTagNameMap. Compiled with tsc against the built lib/,
// through the package's own `exports`, as a partner's project would.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, generate } from '../../scripts/gen-types.mjs';
import { ENGINE } from './support/context.mjs';
import { ROOT } from './support/servers.mjs';

const REACT = `import 'campaign-widgets/react';
import type { CampaignQuoteWall } from 'campaign-widgets';

export function Page() {
  return (
    <main>
      <campaign-story-teaser
        story="a-tour-in-chongqing"
        layout="horizontal"
        oncampaign-story-open={(event) => {
          const id: string | null = event.detail.id;
          const href: string = event.detail.href;
          console.log(id, href);
        }}
      />
      <campaign-photo photo="grand-theater-night" zoomable width={1600} height={1067} />
      <campaign-submission-form
        oncampaign-submitted={(event) => console.log(event.detail.id.toUpperCase())}
        oncampaign-submit-error={(event) => console.log(event.detail.retrying === true)}
      />
      <campaign-quote-wall
        maxItems={6}
        layout="spotlight"
        ref={(wall: CampaignQuoteWall | null) => {
          if (wall) wall.paused = false;
        }}
        oncampaign-live-status={(event) => console.log(event.detail.status)}
      />
      {/* @ts-expect-error maxItems is a number */}
      <campaign-quote-wall maxItems="six" />
      {/* @ts-expect-error not a layout of the wall */}
      <campaign-quote-wall layout="carousel" />
      {/* @ts-expect-error zoomable is a boolean */}
      <campaign-photo zoomable="yes" />
      {/* @ts-expect-error no such property */}
      <campaign-story-teaser stroy="a-tour-in-chongqing" />
      <campaign-story-teaser
        oncampaign-story-open={(event) => {
          // @ts-expect-error the detail has no such field
          console.log(event.detail.title);
        }}
      />
    </main>
  );
}

// The tag name map gives the element class.
const wall = document.createElement('campaign-quote-wall');
wall.maxItems = 3;
// @ts-expect-error maxItems is a number
wall.maxItems = '3';
document.querySelector('campaign-photo')?.addEventListener('campaign-error', (event) => {
  const code: string = event.detail.code;
  console.log(code);
});
`;

const VUE = `import 'campaign-widgets/vue';
import type { GlobalComponents } from 'vue';

type Props<K extends keyof GlobalComponents> = InstanceType<GlobalComponents[K]>['$props'];

export const wall: Props<'campaign-quote-wall'> = {
  maxItems: 6,
  layout: 'ticker',
  hideStatus: true,
  onCampaignLiveStatus: (event) => console.log(event.detail.status),
};
export const photo: Props<'campaign-photo'> = { photo: 'grand-theater-night', zoomable: true };
export const teaser: Props<'campaign-story-teaser'> = {
  story: 'a-tour-in-chongqing',
  onCampaignStoryOpen: (event) => console.log(event.detail.href),
};
export const form: Props<'campaign-submission-form'> = {
  onCampaignSubmitted: (event) => console.log(event.detail.id),
};
// @ts-expect-error maxItems is a number
export const badWall: Props<'campaign-quote-wall'> = { maxItems: 'six' };
// @ts-expect-error not a layout of the photo's teaser
export const badTeaser: Props<'campaign-story-teaser'> = { layout: 'grid' };
`;

/** A file that must not compile: a wrong prop type without an expect-error mark. */
const BROKEN = `import 'campaign-widgets/react';
export const bad = <campaign-quote-wall maxItems="six" />;
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    lib: ['es2023', 'dom', 'dom.iterable'],
    jsx: 'react-jsx',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
};

function tsc(dir, files) {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files }, null, 2));
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe(
  'TypeScript declarations for partners',
  { skip: ENGINE !== 'chromium' && 'engine-independent: checked in the Chromium pass' },
  () => {
    // Inside the package (so `campaign-widgets/…` resolves through package.json exports,
    // and react / vue types from its node_modules), in a git-ignored folder.
    const dir = join(ROOT, '.tmp', `e2e-types-${process.pid}`);

    test('React JSX and Vue GlobalComponents types accept the widgets and reject wrong props', () => {
      mkdirSync(dir, { recursive: true });
      try {
        writeFileSync(join(dir, 'react-usage.tsx'), REACT);
        writeFileSync(join(dir, 'vue-usage.ts'), VUE);
        const good = tsc(dir, ['react-usage.tsx', 'vue-usage.ts']);
        assert.equal(good.code, 0, good.out);

        // And the check can fail: the same kind of mistake, unmarked, is an error.
        writeFileSync(join(dir, 'broken.tsx'), BROKEN);
        const broken = tsc(dir, ['broken.tsx']);
        assert.notEqual(broken.code, 0);
        assert.match(
          broken.out,
          /broken\.tsx\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describe(
  'Widget types generated from custom-elements.json',
  { skip: ENGINE !== 'chromium' && 'engine-independent: checked in the Chromium pass' },
  () => {
    const manifest = () => JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
    const widget = (m, tag) =>
      m.modules.flatMap((mod) => mod.declarations ?? []).find((d) => d.tagName === tag);

    test('the committed file is what the manifest gives', async () => {
      assert.equal(readFileSync(join(ROOT, OUT), 'utf8'), await generate(manifest()));
    });

    test('every event a widget emits in the sources is in the generated event map', () => {
      const generated = readFileSync(join(ROOT, OUT), 'utf8');
      const map = generated.slice(generated.indexOf('interface CampaignWidgetEventMap'));
      const files = (dir) =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory()
            ? files(join(dir, e.name))
            : e.name.endsWith('.ts')
              ? [join(dir, e.name)]
              : [],
        );
      const emitted = new Set();
      for (const file of files(join(ROOT, 'src'))) {
        // The shared emit(host, 'name', …) only: a class's own #emit is no DOM event.
        const calls = readFileSync(file, 'utf8').matchAll(/(?<![\w#.])emit\([^,]+,\s*'([\w-]+)'/g);
        for (const [, name] of calls) {
          emitted.add(name);
        }
      }
      // The page's locale change is fired on document, declared in src/core/events.ts.
      emitted.delete('campaign-locale-change');
      assert.ok(emitted.size >= 7, [...emitted].join(' '));
      for (const name of emitted) {
        assert.match(map, new RegExp(`'${name}': CustomEvent<\\w+>;`), `${name}: add a @fires tag`);
      }
    });

    test('a new @fires tag or property of a widget appears in the generated types', async () => {
      const m = manifest();
      const teaser = widget(m, 'campaign-story-teaser');
      teaser.events.push({
        name: 'campaign-story-close',
        type: { text: 'CustomEvent<StoryOpenDetail>' },
      });
      teaser.members.push({ kind: 'field', name: 'sponsor', type: { text: 'string | undefined' } });
      teaser.members.push({ kind: 'field', name: 'hidden', readonly: true });
      const text = await generate(m);
      assert.match(
        text,
        /'campaign-story-teaser': \{[^}]*'campaign-story-close': StoryOpenDetail;/,
      );
      assert.match(text, /'campaign-story-close': CustomEvent<StoryOpenDetail>;/);
      assert.match(text, /CampaignStoryTeaser,[^>]*'sponsor'/);
      assert.doesNotMatch(text, /'hidden'/);
      assert.notEqual(text, await generate(manifest()));

      // An event without its detail type is refused, not typed `any`.
      teaser.events.push({ name: 'campaign-story-seen', description: 'no type' });
      await assert.rejects(generate(m), /campaign-story-seen without a type/);
    });
  },
);
