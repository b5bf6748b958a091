import { css } from 'lit';

/** The quote's Report action and its dialog (the wall's buttons style the dialog's too). */
export const reportStyles = css`
  [part='report'] {
    float: inline-end;
    min-width: 24px;
    min-height: 24px;
    /* Its text on the caption's line. */
    margin-block-start: -0.1em;
    margin-inline-start: 0.5em;
    padding: 0 0.25em;
    font-weight: 400;
    color: var(--_muted);
    background: none;
    border: 0;
    text-decoration: underline;
  }
  [part='report']:disabled {
    text-decoration: none;
  }
  dialog {
    width: min(34em, 100% - 2em);
    max-height: calc(100% - 2em);
    padding: calc(var(--_space) * 1.25);
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.5);
  }
  h2 {
    margin: 0 0 0.5em;
    font-size: 1.25em;
    line-height: 1.3;
  }
  dialog blockquote {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 3;
    overflow: hidden;
    margin: 0 0 1em;
    padding-inline-start: 0.75em;
    border-inline-start: 3px solid var(--_border);
    color: var(--_muted);
  }
  fieldset {
    margin: 0 0 1em;
    padding: 0;
    border: 0;
  }
  legend,
  [for] {
    display: block;
    padding: 0;
    margin-block-end: 0.25em;
    font-weight: 600;
  }
  fieldset label {
    display: flex;
    align-items: center;
    gap: 0.5em;
    min-height: 2.25em;
  }
  input {
    flex: none;
    width: 1.25em;
    height: 1.25em;
    margin: 0;
  }
  dialog p {
    margin: 0.25em 0 0;
  }
  .hint {
    font-size: 0.875em;
    color: var(--_muted);
  }
  .hint a {
    color: var(--_accent);
  }
  .contact {
    margin-block-start: 0.75em;
  }
  .error {
    color: var(--_danger);
    font-weight: 600;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    margin-block-start: 1em;
  }
  .primary {
    color: var(--_on-accent);
    background: var(--_accent);
  }
`;
