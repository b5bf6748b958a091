// The custom-elements manifest (custom-elements.json) is the public contract:
// Storybook's docs and controls, partners' editors and the API review read it.
export default {
  globs: ['src/**/*.ts'],
  // src/api/newsroom.ts is the newsroom console's contract, not the partners'.
  exclude: ['src/generated/**', 'src/**/*.styles.ts', 'src/api/newsroom.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
