import { css } from 'lit';

/**
 * What every view shares: the palette (each text colour at least 4.5:1 on its
 * background), buttons and fields at least 24 px tall (36 px on touch screens), one
 * focus ring, and the visually hidden helper.
 */
export const shared = css`
  :host {
    --_bg: var(--newsroom-bg, #ffffff);
    --_fg: var(--newsroom-fg, #1b1f24);
    --_muted: var(--newsroom-muted, #57606a);
    --_line: var(--newsroom-line, #d0d7de);
    --_soft: var(--newsroom-soft, #f6f8fa);
    --_accent: var(--newsroom-accent, #0a58ca);
    --_accent-soft: var(--newsroom-accent-soft, #ddebff);
    --_ok: var(--newsroom-ok, #1a7f37);
    --_ok-soft: var(--newsroom-ok-soft, #dafbe1);
    --_bad: var(--newsroom-bad, #b42318);
    --_bad-soft: var(--newsroom-bad-soft, #ffebe9);
    --_warn-soft: var(--newsroom-warn-soft, #fff8c5);
    --_warn: var(--newsroom-warn, #6b4500);
    --_radius: var(--newsroom-radius, 6px);
    --_target: 2rem;
    box-sizing: border-box;
    color: var(--_fg);
  }
  @media (pointer: coarse) {
    :host {
      --_target: 2.5rem;
    }
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h1,
  h2,
  h3 {
    line-height: 1.25;
    margin: 0;
  }
  p {
    margin: 0;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button,
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.35em;
    min-height: var(--_target);
    min-width: var(--_target);
    padding: 0.25rem 0.75rem;
    border: 1px solid var(--_line);
    border-radius: var(--_radius);
    background: var(--_bg);
    cursor: pointer;
    text-decoration: none;
    line-height: 1.2;
    white-space: nowrap;
  }
  button:hover:not(:disabled),
  .button:hover {
    background: var(--_soft);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: #ffffff;
  }
  button.primary:hover:not(:disabled) {
    background: #084298;
  }
  button.approve {
    background: var(--_ok);
    border-color: var(--_ok);
    color: #ffffff;
  }
  button.approve:hover:not(:disabled) {
    background: #116329;
  }
  button.reject {
    border-color: var(--_bad);
    color: var(--_bad);
  }
  button.danger {
    background: var(--_bad);
    border-color: var(--_bad);
    color: #ffffff;
  }
  button.link {
    border: none;
    background: none;
    color: var(--_accent);
    text-decoration: underline;
    padding-inline: 0.25rem;
  }
  a {
    color: var(--_accent);
  }
  input:not([type='checkbox']):not([type='radio']),
  select,
  textarea {
    min-height: var(--_target);
    padding: 0.25rem 0.5rem;
    border: 1px solid #8c959f;
    border-radius: var(--_radius);
    background: var(--_bg);
    max-width: 100%;
  }
  input[type='checkbox'],
  input[type='radio'] {
    width: 1.125rem;
    height: 1.125rem;
    margin: 0;
    accent-color: var(--_accent);
  }
  textarea {
    width: 100%;
    resize: vertical;
  }
  label {
    font-weight: 600;
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .muted {
    color: var(--_muted);
  }
  .error {
    color: var(--_bad);
    font-weight: 600;
  }
  .notice {
    padding: 0.5rem 0.75rem;
    border-radius: var(--_radius);
    background: var(--_warn-soft);
    color: var(--_warn);
  }
  .notice.bad {
    background: var(--_bad-soft);
    color: var(--_bad);
  }
  .notice.ok {
    background: var(--_ok-soft);
    color: var(--_ok);
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
  }
  .hint {
    font-size: 0.875rem;
    color: var(--_muted);
    font-weight: normal;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: start;
    padding: 0.375rem 0.5rem;
    border-bottom: 1px solid var(--_line);
    vertical-align: top;
  }
  th {
    font-size: 0.875rem;
    color: var(--_muted);
  }
  .badge {
    display: inline-block;
    padding: 0 0.4em;
    border-radius: 999px;
    font-size: 0.8125rem;
    background: var(--_soft);
    border: 1px solid var(--_line);
    white-space: nowrap;
  }
  .badge.approved {
    background: var(--_ok-soft);
    color: var(--_ok);
    border-color: currentColor;
  }
  .badge.rejected,
  .badge.removed {
    background: var(--_bad-soft);
    color: var(--_bad);
    border-color: currentColor;
  }
  .badge.pending {
    background: var(--_warn-soft);
    color: var(--_warn);
    border-color: currentColor;
  }
  /* A hold flag: its words say what it is; the colour only repeats it. */
  .chip {
    display: inline-block;
    padding: 0 0.4em;
    border: 1px solid currentColor;
    border-radius: 4px;
    background: var(--_warn-soft);
    color: var(--_warn);
    font-size: 0.8125rem;
    overflow-wrap: anywhere;
  }
  .chip::before {
    content: '⚑ ';
    content: '⚑ ' / '';
  }
  @media (prefers-reduced-motion: no-preference) {
    button {
      transition: background-color 0.1s;
    }
  }
`;

/** The page around the console: no margin, the system font. */
export const pageCss = `
  html { color-scheme: light; }
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC",
    "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", sans-serif;
    font-size: 15px; line-height: 1.45; background: #ffffff; color: #1b1f24; }
`;
