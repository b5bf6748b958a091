import { msg, str } from '@lit/localize';
import type { SubmissionLimits } from '../api/wire.js';
import type { MessageKey } from './validation.js';

/** The localized text of a problem's message key (validation.ts says which key). */
export function problemText(key: MessageKey, limits: SubmissionLimits): string {
  switch (key) {
    case 'message required':
      return msg('Enter your message.');
    case 'message too_short':
      return msg(str`Tell us a little more: at least ${limits.messageMinLength} characters.`);
    case 'message too_long':
      return msg(str`Your message is too long: at most ${limits.messageMaxLength} characters.`);
    case 'displayName required':
      return msg('Enter your name, or choose to publish anonymously.');
    case 'displayName invisible_characters':
      return msg('Remove the invisible characters from your name.');
    case 'email invalid_email':
      return msg('Enter an email address like name@example.com.');
    case 'district unknown_district':
      return msg('Choose a district from the list.');
    case 'consentGiven consent_required':
      return msg('Agree to the terms to send your words.');
    case 'consentGiven consent_outdated':
      return msg('The terms have changed. Please read them again and agree.');
    case 'photo unreadable':
      return msg("This photo can't be read here. Choose a JPEG, PNG or WebP photo.");
    case 'photo photo_too_large':
      return msg('This photo is too large. Choose a smaller one.');
  }
  return msg('Check this answer: it cannot be sent as it is.');
}
