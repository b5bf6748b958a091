/**
 * A campaign's trust and safety settings: their defaults (pre-moderation, three reports
 * hide a quote, every hold rule on, no external check), what staff see of them (never
 * the external check's secret), and an admin's update checked field by field, with
 * errors named the way the console shows them beside its fields.
 */
import type {
  SafetySettings,
  SafetySettingsUpdate,
  ReportContactSetting,
} from '../../../src/api/newsroom.js';
import { isEmail } from '../../../src/api/wire.js';
import type { FieldProblem as FieldError } from '../errors.js';
import type { CampaignRecord, SafetyRecord } from '../store/store.js';
import { checkUrlProblem } from './external-check.js';

export const DEFAULT_SAFETY: SafetyRecord = {
  moderation: 'pre',
  reportThreshold: 3,
  reportsOptional: false,
  reportContact: null,
  words: { en: [], 'zh-Hans': [] },
  holdLinks: true,
  holdPhones: true,
  holdEmails: true,
  holdRepeats: true,
  externalCheck: null,
};

export function safetyOf(campaign: CampaignRecord): SafetyRecord {
  return { ...DEFAULT_SAFETY, ...campaign.safety };
}

export function safetyToWire(safety: SafetyRecord): SafetySettings {
  return {
    moderation: safety.moderation,
    reportThreshold: safety.reportThreshold,
    reportsOptional: safety.reportsOptional,
    reportContact: safety.reportContact,
    words: safety.words,
    holdLinks: safety.holdLinks,
    holdPhones: safety.holdPhones,
    holdEmails: safety.holdEmails,
    holdRepeats: safety.holdRepeats,
    externalCheck: safety.externalCheck
      ? {
          url: safety.externalCheck.url,
          timeoutMs: safety.externalCheck.timeoutMs,
          secretSet: true,
        }
      : null,
  };
}

/** A phone number as dialled: digits, spaces, `+ - ( ) .`, with 5 to 20 digits. */
const PHONE = /^\+?[\d\s().-]+$/;

function contactProblem(contact: ReportContactSetting): string | null {
  const value = contact.value.trim();
  switch (contact.kind) {
    case 'phone': {
      const digits = value.replace(/\D/g, '').length;
      return PHONE.test(value) && digits >= 5 && digits <= 20 ? null : 'Not a phone number';
    }
    case 'email':
      return isEmail(value) ? null : 'Not an email address';
    case 'url': {
      try {
        return new URL(value).protocol === 'https:' ? null : 'Use an https address';
      } catch {
        return 'Not a web address';
      }
    }
  }
}

/** Words trimmed, blank ones and repeats dropped (in the order typed). */
const cleanWords = (words: readonly string[]) => [
  ...new Set(words.map((word) => word.trim()).filter(Boolean)),
];

/**
 * The settings to keep from an update (shape and ranges already checked by the route's
 * schema), or the field errors. A check without a secret keeps the one set before; a
 * new check must bring one.
 */
export function applySafetyUpdate(
  current: SafetyRecord,
  update: SafetySettingsUpdate,
): { ok: true; safety: SafetyRecord } | { ok: false; fields: FieldError[] } {
  const fields: FieldError[] = [];
  let reportContact: ReportContactSetting | null = null;
  if (update.reportContact) {
    reportContact = {
      kind: update.reportContact.kind,
      value: update.reportContact.value.trim(),
      label: {
        en: update.reportContact.label.en.trim(),
        'zh-Hans': update.reportContact.label['zh-Hans'].trim(),
      },
    };
    const problem = contactProblem(reportContact);
    if (problem) fields.push({ field: 'reportContact.value', code: 'invalid', message: problem });
    for (const locale of ['en', 'zh-Hans'] as const) {
      if (!reportContact.label[locale]) {
        fields.push({ field: `reportContact.label.${locale}`, code: 'required' });
      }
    }
  }
  let externalCheck: SafetyRecord['externalCheck'] = null;
  if (update.externalCheck) {
    const url = update.externalCheck.url.trim();
    const problem = checkUrlProblem(url);
    if (problem) fields.push({ field: 'externalCheck.url', code: 'invalid', message: problem });
    const secret = update.externalCheck.secret ?? current.externalCheck?.secret;
    if (!secret) {
      fields.push({
        field: 'externalCheck.secret',
        code: 'required',
        message: 'A new external check needs its shared secret',
      });
    }
    externalCheck = { url, timeoutMs: update.externalCheck.timeoutMs, secret: secret ?? '' };
  }
  if (fields.length) return { ok: false, fields };
  return {
    ok: true,
    safety: {
      moderation: update.moderation,
      reportThreshold: update.reportThreshold,
      reportsOptional: update.reportsOptional,
      reportContact,
      words: { en: cleanWords(update.words.en), 'zh-Hans': cleanWords(update.words['zh-Hans']) },
      holdLinks: update.holdLinks,
      holdPhones: update.holdPhones,
      holdEmails: update.holdEmails,
      holdRepeats: update.holdRepeats,
      externalCheck,
    },
  };
}

/** What the audit trail keeps of a change: the settings without the secret. */
export function safetyForAudit(safety: SafetyRecord): Record<string, unknown> {
  return { ...safetyToWire(safety) };
}
