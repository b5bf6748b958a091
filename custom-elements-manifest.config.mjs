// The custom-elements manifest (custom-elements.json) is the public contract:
// Storybook's docs and controls, partners' editors and the API review read it.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/generated/**', 'src/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
