import { expect } from '@open-wc/testing';
import { DEFAULT_SUBMISSION_LIMITS, isEmail, type SubmissionLimits } from '../src/api/wire.js';
import {
  checkDraft,
  messageKey,
  serverProblems,
  type DraftFields,
} from '../src/submission-form/validation.js';
import { problemText } from '../src/submission-form/messages.js';

const limits: SubmissionLimits = { ...DEFAULT_SUBMISSION_LIMITS, messageMaxLength: 40 };
const valid: DraftFields = {
  message: 'Ten steps up, ten down.',
  displayName: 'Li Wei',
  anonymous: false,
  email: '',
  consentGiven: true,
};
const check = (patch: Partial<DraftFields>) => checkDraft({ ...valid, ...patch }, limits);

describe('submission form rules (validation.ts)', () => {
  it('finds nothing wrong with a complete draft', () => {
    expect(check({})).to.deep.equal({});
    expect(check({ email: '  li@example.com ' })).to.deep.equal({});
  });

  it('asks for a message, then enough of one, then not too much', () => {
    expect(check({ message: '   ' })).to.deep.equal({ message: 'required' });
    expect(check({ message: ' short    ' })).to.deep.equal({ message: 'too_short' });
    // Counted after trimming: 40 characters with spaces around is still 40.
    expect(check({ message: ` ${'x'.repeat(40)} ` })).to.deep.equal({});
    expect(check({ message: 'x'.repeat(41) })).to.deep.equal({ message: 'too_long' });
  });

  it('follows the campaign limits it is given', () => {
    const strict = { ...limits, messageMinLength: 30 };
    expect(checkDraft(valid, strict)).to.deep.equal({ message: 'too_short' });
  });

  it('asks for a name unless anonymous, and refuses invisible characters in it', () => {
    expect(check({ displayName: ' ' })).to.deep.equal({ displayName: 'required' });
    expect(check({ displayName: 'Ad\u200bmin' })).to.deep.equal({
      displayName: 'invisible_characters',
    });
    expect(check({ displayName: '', anonymous: true })).to.deep.equal({});
  });

  it('checks an email only when one is given', () => {
    expect(check({ email: 'li@example' })).to.deep.equal({ email: 'invalid_email' });
    expect(check({ email: 'li wei@example.com' })).to.deep.equal({ email: 'invalid_email' });
    expect(check({ email: '   ' })).to.deep.equal({});
  });

  it('asks for consent', () => {
    expect(check({ consentGiven: false })).to.deep.equal({
      consentGiven: 'consent_required',
    });
  });

  it('reports every problem at once', () => {
    expect(
      Object.keys(check({ message: '', displayName: '', email: 'x', consentGiven: false })),
    ).to.deep.equal(['message', 'displayName', 'email', 'consentGiven']);
  });

  it('maps each problem to its message key, anything else to check_answer', () => {
    expect(messageKey('message', 'required')).to.equal('message required');
    expect(messageKey('message', 'too_short')).to.equal('message too_short');
    expect(messageKey('message', 'too_long')).to.equal('message too_long');
    expect(messageKey('displayName', 'required')).to.equal('displayName required');
    expect(messageKey('displayName', 'invisible_characters')).to.equal(
      'displayName invisible_characters',
    );
    expect(messageKey('email', 'invalid_email')).to.equal('email invalid_email');
    expect(messageKey('district', 'unknown_district')).to.equal('district unknown_district');
    expect(messageKey('consentGiven', 'consent_required')).to.equal(
      'consentGiven consent_required',
    );
    expect(messageKey('consentGiven', 'consent_outdated')).to.equal(
      'consentGiven consent_outdated',
    );
    expect(messageKey('photo', 'unreadable')).to.equal('photo unreadable');
    expect(messageKey('photo', 'unsupported_media_type')).to.equal('photo unreadable');
    expect(messageKey('photo', 'photo_too_large')).to.equal('photo photo_too_large');
    expect(messageKey('displayName', 'too_long')).to.equal('check_answer');
    expect(messageKey('locale', 'invalid')).to.equal('check_answer');
  });

  it('places the server’s field errors under the form’s fields', () => {
    expect(
      serverProblems([
        { field: 'district', code: 'unknown_district' },
        { field: 'consentVersion', code: 'consent_outdated' },
        { field: 'locale', code: 'invalid' },
        { field: 'district', code: 'invalid' },
      ]),
    ).to.deep.equal({
      district: 'district unknown_district',
      consentGiven: 'consentGiven consent_outdated',
      '': 'check_answer',
    });
  });

  it('gives each key its text, with the limits in it', () => {
    expect(problemText('message too_short', limits)).to.equal(
      'Tell us a little more: at least 10 characters.',
    );
    expect(problemText('message too_long', limits)).to.equal(
      'Your message is too long: at most 40 characters.',
    );
    expect(problemText('email invalid_email', limits)).to.equal(
      'Enter an email address like name@example.com.',
    );
    expect(problemText('check_answer', limits)).to.equal(
      'Check this answer: it cannot be sent as it is.',
    );
  });
});

describe('the wire contract’s shared rules', () => {
  it('isEmail: one @, no spaces, a dotted host', () => {
    for (const good of ['li@example.com', 'a.b+c@mail.example.cn'])
      expect(isEmail(good), good).to.equal(true);
    for (const bad of ['', 'li', 'li@', '@example.com', 'li@example', 'li@@example.com'])
      expect(isEmail(bad), bad).to.equal(false);
    for (const bad of ['li @example.com', 'li@example..com', 'li@.example.com'])
      expect(isEmail(bad), bad).to.equal(false);
  });

  it('the default limits are the ones a campaign starts with', () => {
    expect(DEFAULT_SUBMISSION_LIMITS).to.deep.equal({
      messageMinLength: 10,
      messageMaxLength: 1000,
      displayNameMaxLength: 60,
      photoMaxBytes: 5 * 1024 * 1024,
      photoMaxDimension: 2048,
      photoTypes: ['image/jpeg', 'image/png', 'image/webp'],
    });
  });
});
