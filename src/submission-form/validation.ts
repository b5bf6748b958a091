/**
 * The form's field rules, without DOM or Lit: what the reader can fix before anything is
 * sent, and which message each problem (found here or by the server) is shown with. The
 * element turns a message key into localized text (messages.ts).
 */
import { hasInvisible } from '../api/invisible.js';
import { isEmail, type SubmissionLimits } from '../api/wire.js';

/** Fields in the order they appear (the error summary follows it). */
export const FIELDS = ['message', 'displayName', 'district', 'email', 'photo', 'consentGiven'];

/** What the rules read of a draft. */
export interface DraftFields {
  message: string;
  displayName: string;
  anonymous: boolean;
  email: string;
  consentGiven: boolean;
}

/** Problems by field: field → code (the API's field error codes). */
export type Problems = Record<string, string>;

/** Problems the reader can fix before anything is sent: field → code. */
export function checkDraft(draft: DraftFields, limits: SubmissionLimits): Problems {
  const problems: Problems = {};
  const length = draft.message.trim().length;
  if (!length) problems.message = 'required';
  else if (length < limits.messageMinLength) problems.message = 'too_short';
  else if (length > limits.messageMaxLength) problems.message = 'too_long';
  if (!draft.anonymous) {
    if (!draft.displayName.trim()) problems.displayName = 'required';
    // The API's rule: a name must not hide characters that show as nothing.
    else if (hasInvisible(draft.displayName)) problems.displayName = 'invisible_characters';
  }
  const email = draft.email.trim();
  if (email && !isEmail(email)) problems.email = 'invalid_email';
  if (!draft.consentGiven) problems.consentGiven = 'consent_required';
  return problems;
}

/**
 * Keys of the form's problem messages, named `field code` after the problem they tell
 * of; `check_answer` is the one for anything else.
 */
export const MESSAGE_KEYS = [
  'message required',
  'message too_short',
  'message too_long',
  'displayName required',
  'displayName invisible_characters',
  'email invalid_email',
  'district unknown_district',
  'consentGiven consent_required',
  'consentGiven consent_outdated',
  'photo unreadable',
  'photo photo_too_large',
  'check_answer',
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

/** Problems told by another problem's message. */
const SAME_AS: Record<string, MessageKey> = {
  // The server's word for a photo it cannot read.
  'photo unsupported_media_type': 'photo unreadable',
};

/** The message a field's problem is shown with, from the check here or the server. */
export const messageKey = (field: string, code: string): MessageKey => {
  const key = `${field} ${code}`;
  return (
    SAME_AS[key] ??
    (MESSAGE_KEYS.includes(key as MessageKey) ? (key as MessageKey) : 'check_answer')
  );
};

/**
 * The server's field errors by the form's fields: the consent version is the consent
 * box's problem, and a field the form does not show goes under `''` (the summary only).
 * The first problem of a field wins. Field → message key.
 */
export function serverProblems(
  fields: readonly { field: string; code: string }[],
): Record<string, MessageKey> {
  const keys: Record<string, MessageKey> = {};
  for (const { field, code } of fields) {
    const name = field === 'consentVersion' ? 'consentGiven' : field;
    keys[FIELDS.includes(name) ? name : ''] ??= messageKey(name, code);
  }
  return keys;
}
