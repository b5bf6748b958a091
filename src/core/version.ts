// Written by scripts/stamp-version.mjs from package.json on every build; do not edit.
export const VERSION = '0.1.0';
