// TypeScript users: `campaign-widgets/react` gives JSX types for the four tags (React
// 19), `campaign-widgets/vue` adds them to Vue's GlobalComponents, and the widgets'
// classes are in HTMLElementTagNameMap. Compiled with tsc against the built lib/,
// through the package's own `exports`, as a partner's project would.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
