import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    max-width: 40em;
  }
  form,
  fieldset {
    display: grid;
    gap: var(--_space);
    margin: 0;
    padding: 0;
    border: 0;
    min-width: 0;
  }
  label {
    display: block;
    font-weight: 600;
  }
  p {
    margin: 0.25em 0;
  }
  .hint {
    color: var(--_muted);
  }
  .terms {
    min-height: calc(var(--campaign-terms-lines, 4) * 1lh);
  }
  @media (max-width: 30em) {
    .terms {
      min-height: calc(var(--campaign-terms-lines, 7) * 1lh);
    }
  }
  @media (max-width: 22em) {
    .terms {
      min-height: calc(var(--campaign-terms-lines, 8) * 1lh);
    }
  }
  .count {
    text-align: end;
  }
  [aria-invalid='true'],
  [aria-invalid='true'] + .button,
  .summary {
    border: 3px solid var(--_danger);
  }
  .error {
    color: var(--_danger);
    font-weight: 600;
  }
  .check {
    display: flex;
    gap: 0.5em;
    margin-top: 0.5em;
  }
  .check input {
    width: 1.5em;
    height: 1.5em;
    margin: 0;
    flex: none;
  }
  .check label {
    font-weight: 400;
  }
  .summary,
  .note {
    padding: var(--_space);
    border-radius: var(--_radius);
  }
  .note {
    border: 3px solid var(--_accent);
  }
  h2 {
    margin: 0;
    font-size: 1.25em;
  }
  a {
    color: var(--_accent);
  }
  .summary a {
    color: var(--_danger);
    font-weight: 600;
  }
  img {
    display: block;
    max-width: 10em;
    max-height: 10em;
    margin: 0.5em 0;
  }
  button,
  .button {
    display: inline-block;
    cursor: pointer;
    min-height: 2.75em;
    margin-inline-end: 0.5em;
    padding: 0.5em 1.25em;
    font: inherit;
    font-weight: 600;
    color: var(--_on-accent);
    background: var(--_accent);
    border: 2px solid var(--_accent);
    border-radius: var(--_radius);
  }
  .secondary {
    color: var(--_accent);
    background: var(--_surface);
  }
  .danger {
    background: var(--_danger);
    border-color: var(--_danger);
  }
  section {
    margin-top: calc(var(--_space) * 1.5);
  }
  section ul {
    margin: 0.5em 0 0;
    padding: 0;
    list-style: none;
  }
  section li {
    padding: 0.5em 0;
    border-top: 1px solid var(--_border);
  }
  section button {
    min-height: 2em;
    margin-top: 0.25em;
    padding: 0.25em 0.75em;
  }
  section a {
    display: inline-block;
    min-height: 24px;
  }

  [aria-disabled='true'] {
    opacity: 0.7;
  }
  progress {
    width: 100%;
    margin-top: 0.5em;
  }
  .hp {
    position: absolute;
    left: -1e4px;
  }
`;

/**
 * Only server-rendered output needs these, before the script runs: once the element is
 * defined they never match, so the browser bundle leaves them out (see `static styles`).
 */
export const noScriptStyles = /* @__PURE__ */ css`
  /* The browser's own file picker, which shows the file chosen, in place of the button
     that needs the script. */
  :host(:not(:defined)) #photo.visually-hidden {
    position: static !important;
    width: auto;
    height: auto;
    margin: 0;
    overflow: visible;
    clip: auto;
    clip-path: none;
    white-space: normal;
  }
  :host(:not(:defined)) label.button[for='photo'] {
    display: none;
  }
`;
