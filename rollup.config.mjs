// Builds the single script partners load: dist/campaign-widgets.js (ES module) and
// dist/campaign-widgets.iife.js (classic script). Each is self-contained: Lit, every
// widget and both locales, no further requests. Input is the tsc output in lib/.
import { readFileSync } from 'node:fs';
import resolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import {
  minifyTemplates,
  publicPrivates,
  shortMessageIds,
  staticProperties,
} from './scripts/bundle-plugins.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const banner = `/*! campaign-widgets ${version} | MIT */`;

const plugins = [
  replace({
    include: ['lib/core/dev.js'],
    preventAssignment: false,
    values: { 'DEV = true': 'DEV = false' },
  }),
  replace({
    preventAssignment: true,
    values: { 'process.env.NODE_ENV': JSON.stringify('production') },
  }),
  // Lit's production build (no dev-mode warnings, smaller).
  resolve({ exportConditions: ['production'] }),
  staticProperties(),
  publicPrivates(),
  shortMessageIds('lib/generated/locales/zh-Hans.js'),
  minifyTemplates(),
];

const terserOptions = (module) => ({
  module,
  ecma: 2021,
  compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
  format: { comments: /^!/ },
  // Private members: `_name` and `__name` (Lit's own `_$…` keep their names).
  mangle: { properties: { regex: /^_[a-z_]/ } },
});

// tsc's decorator helper reads `this` at module top level, which is undefined in
// modules by design; nothing else may warn.
const onwarn = (warning, warn) => {
  if (warning.code !== 'THIS_IS_UNDEFINED') warn(warning);
};

export default [
  {
    input: 'lib/bundle.js',
    plugins,
    onwarn,
    output: {
      file: 'dist/campaign-widgets.js',
      format: 'es',
      sourcemap: true,
      banner,
      inlineDynamicImports: true,
      plugins: [terser(terserOptions(true))],
    },
  },
  {
    input: 'lib/bundle.js',
    plugins,
    onwarn,
    output: {
      file: 'dist/campaign-widgets.iife.js',
      format: 'iife',
      name: 'CampaignWidgets',
      sourcemap: true,
      banner,
      inlineDynamicImports: true,
      // module: false keeps the IIFE's global name.
      plugins: [terser(terserOptions(false))],
    },
  },
];
