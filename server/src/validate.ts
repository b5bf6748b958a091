/**
 * Checks a submission against the `SubmissionRequest` schema (the one the OpenAPI
 * document shows), then against the campaign's own rules, and normalises its text
 * (see text.ts). Every problem is reported per field with a stable code.
 */
import { createHash } from 'node:crypto';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { isEmail, type FieldErrorCode, type SubmissionRequest } from '../../src/api/wire.js';
import { validation, type FieldProblem } from './errors.js';
import { SubmissionRequestSchema } from './schemas.js';
import type { CampaignRecord } from './store/store.js';
import { cleanText } from './text.js';

const checker = TypeCompiler.Compile(SubmissionRequestSchema);

export type CleanSubmission = Omit<SubmissionRequest, 'website'>;

function codeFor(type: ValueErrorType): FieldErrorCode {
  switch (type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'required';
    case ValueErrorType.StringMaxLength:
      return 'too_long';
    case ValueErrorType.StringMinLength:
      return 'too_short';
    default:
      return 'invalid';
  }
}

/** True when a body has the honeypot filled in: such a body is accepted and discarded. */
export function isHoneypot(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const website = (raw as { website?: unknown }).website;
  return typeof website === 'string' && website.trim() !== '';
}

export function validateSubmission(raw: unknown, campaign: CampaignRecord): CleanSubmission {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw validation([{ field: 'body', code: 'invalid', message: 'Expected a JSON object' }]);
  }
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const add = (field: string, code: FieldErrorCode, message?: string) => {
    if (seen.has(field)) return;
    seen.add(field);
    problems.push(message === undefined ? { field, code } : { field, code, message });
  };

  if (!checker.Check(raw)) {
    for (const error of checker.Errors(raw)) {
      const field = error.path.replace(/^\//, '').split('/')[0] || 'body';
      add(field, codeFor(error.type), error.message);
    }
    throw validation(problems);
  }
  const body = raw;
  const { limits } = campaign;

  const text = (field: string, value: string, multiline: boolean): string | null => {
    const result = cleanText(value, { multiline });
    if (!result.ok) {
      add(field, result.code);
      return null;
    }
    return result.value;
  };

  const message = text('message', body.message, true);
  if (message !== null) {
    if (message === '') add('message', 'required');
    else if (message.length < limits.messageMinLength) add('message', 'too_short');
    else if (message.length > limits.messageMaxLength) add('message', 'too_long');
  }

  let displayName: string | null = null;
  if (!body.anonymous) {
    const name = body.displayName === null ? '' : text('displayName', body.displayName, false);
    if (name === '') add('displayName', 'required');
    else if (name !== null && name.length > limits.displayNameMaxLength) {
      add('displayName', 'too_long');
    }
    displayName = name || null;
  }

  let district: string | null = null;
  if (body.district !== null && body.district !== '') {
    district = body.district;
    if (!campaign.districts.some((candidate) => candidate.id === district)) {
      add('district', 'unknown_district');
    }
  }

  let email: string | null = null;
  if (body.email !== null) {
    const cleaned = text('email', body.email, false);
    if (cleaned) {
      if (!isEmail(cleaned)) add('email', 'invalid_email');
      email = cleaned;
    }
  }

  if (!body.consentGiven) add('consentGiven', 'consent_required');
  if (body.consentVersion !== campaign.consentVersion) add('consentVersion', 'consent_outdated');
  if (!campaign.locales.includes(body.locale)) add('locale', 'invalid');

  if (problems.length) throw validation(problems);
  return {
    message: message!,
    displayName,
    anonymous: body.anonymous,
    district,
    email,
    consentGiven: true,
    consentVersion: body.consentVersion,
    publishPermission: body.publishPermission,
    photoPermission: body.photoPermission === true,
    ...(body.receiptSecret === undefined ? {} : { receiptSecret: body.receiptSecret }),
    locale: body.locale,
  };
}

/** A digest of what was asked, to tell a retry from a different request under one key. */
export function submissionHash(body: CleanSubmission, photo: Buffer | null): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify([
      body.message,
      body.displayName,
      body.anonymous,
      body.district,
      body.email,
      body.consentGiven,
      body.consentVersion,
      body.publishPermission,
      body.locale,
      // Only when sent, so a retry from a form that predates them hashes as it did.
      ...(body.photoPermission ? ['photo'] : []),
      ...(body.receiptSecret ? [body.receiptSecret] : []),
    ]),
  );
  hash.update(photo ? createHash('sha256').update(photo).digest('hex') : '-');
  return hash.digest('base64url');
}
