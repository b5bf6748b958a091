/**
 * Text rules for everything a reader sends (documented in the OpenAPI description of
 * `SubmissionRequest`):
 * - Unicode is normalised to NFC;
 * - CR LF, lone CR, U+2028 and U+2029 become LF;
 * - leading and trailing white space is trimmed;
 * - multi-line fields keep LF and TAB; every other C0 control, DEL, C1 control and
 *   bidirectional embedding / override / isolate character is rejected;
 * - single-line fields (display name, email) also reject characters that show as
 *   nothing — zero-width spaces and joiners, fillers, tag characters (see
 *   src/api/invisible.ts, the rule the form applies too); emoji keep their joiners.
 *   Multi-line text (the message) keeps them: they are legitimate there (ZWJ inside
 *   emoji, ZWNJ in Persian and Indic scripts, soft hyphens) and a message cannot
 *   pass for somebody else the way a name can;
 * - strings with lone surrogates (invalid Unicode) are rejected.
 * Text is never HTML: it is stored as sent and rendered as text, so nothing is escaped here.
 */
import { hasInvisible } from '../../src/api/invisible.js';
import type { FieldErrorCode } from '../../src/api/wire.js';

const CONTROL_MULTILINE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type TextResult = { ok: true; value: string } | { ok: false; code: FieldErrorCode };

export function cleanText(raw: string, options: { multiline: boolean }): TextResult {
  if (LONE_SURROGATE.test(raw)) return { ok: false, code: 'invalid' };
  let value = raw.replace(/\r\n?|\u2028|\u2029/g, '\n').normalize('NFC');
  const pattern = options.multiline ? CONTROL_MULTILINE : CONTROL_SINGLE_LINE;
  if (pattern.test(value)) return { ok: false, code: 'control_characters' };
  // Before trimming: trim() would quietly drop a leading BOM, which is invisible too.
  if (!options.multiline && hasInvisible(value)) {
    return { ok: false, code: 'invisible_characters' };
  }
  value = value.trim();
  return { ok: true, value };
}
