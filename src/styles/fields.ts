import { css } from 'lit';

/**
 * Fields a reader types into or chooses from: the form's inputs, message and district,
 * the report dialog's note. Their border is the text colour, 2 px, so it keeps 3:1
 * against the surface with any theme that keeps its text readable (WCAG 1.4.11).
 * Check boxes take the same border, at their own size (the form's `.check input`);
 * radio buttons keep the browser's look. The rule weighs as little as a
 * type selector (`:where`), so a class (`.visually-hidden`) still wins over it.
 */
export const fields = css`
  textarea,
  select,
  input:where(:not([type='radio'])) {
    display: block;
    width: 100%;
    padding: 0.5em;
    font: inherit;
    color: inherit;
    background: var(--_surface);
    border: 2px solid var(--_text);
    border-radius: var(--_radius);
  }
  textarea {
    resize: vertical;
  }
`;
