// Builds the newsroom console's own script, dist/console/console.js (ES module, both
// locales inlined): what /moderate loads. Partners never download it; the widget
// bundle is built by the root rollup.config.mjs and shares nothing with this one.
// Input is the tsc output of console/tsconfig.json in console/lib/.
import { readFileSync } from 'node:fs';
import resolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import {
  minifyTemplates,
  publicPrivates,
  shortMessageIds,
  staticProperties,
} from '../scripts/bundle-plugins.mjs';

// package.json's "sideEffects" names the widgets' define files only (it describes the
// published package): the console's own registering module is kept by this plugin.
const SIDE_EFFECTS = /console[\\/]lib[\\/]console[\\/]src[\\/](define|index)\.js$/;
const keepRegistration = {
  name: 'keep-console-registration',
  transform(code, id) {
    return SIDE_EFFECTS.test(id) ? { code, map: null, moduleSideEffects: true } : null;
  },
};

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

export default {
  input: 'console/lib/console/src/index.js',
  plugins: [
    keepRegistration,
    replace({
      preventAssignment: true,
      values: { 'process.env.NODE_ENV': JSON.stringify('production') },
    }),
    resolve({ exportConditions: ['production'] }),
    staticProperties(),
    publicPrivates(),
    shortMessageIds('console/lib/console/src/generated/locales/zh-Hans.js'),
    minifyTemplates(),
  ],
  // tsc's decorator helper reads `this` at module top level; nothing else may warn.
  onwarn(warning, warn) {
    if (warning.code !== 'THIS_IS_UNDEFINED') warn(warning);
  },
  output: {
    file: 'dist/console/console.js',
    format: 'es',
    sourcemap: true,
    banner: `/*! campaign-widgets newsroom console ${version} | MIT */`,
    inlineDynamicImports: true,
    plugins: [
      terser({
        module: true,
        ecma: 2021,
        compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
        format: { comments: /^!/ },
        mangle: { properties: { regex: /^_[a-z_]/ } },
      }),
    ],
  },
};
