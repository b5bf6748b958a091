/**
 * Labels and messages the views share, in the console's language (each a function:
 * `msg()` must run at render time to follow a language switch). Reject reasons are
 * shown in both languages whatever the console's, so they are a table, not messages.
 */
import type { CampaignRole } from '../../../src/api/campaigns.js';
import { msg, str } from '@lit/localize';
import type {
  Actor,
  AuditAction,
  DecisionSummary,
  ItemFlag,
  QueueFlag,
  QueueItem,
  RejectReason,
  ReportSummary,
  StaffRole,
} from '../../../src/api/newsroom.js';
import {
  REPORT_REASONS,
  type Locale,
  type ReportReason,
  type SubmissionStatus,
} from '../../../src/api/wire.js';
import { ApiFailure } from '../api/client.js';
import { formatNumber, formatWhen } from './format.js';
import { consoleLocale } from './locale.js';

export const REASON_LABELS: Record<RejectReason, Record<Locale, string>> = {
  off_topic: { en: 'Off topic', 'zh-Hans': '与主题无关' },
  abusive: { en: 'Abusive or hateful', 'zh-Hans': '辱骂或攻击' },
  personal_data: { en: 'Personal data', 'zh-Hans': '含个人信息' },
  spam: { en: 'Spam or advertising', 'zh-Hans': '垃圾信息或广告' },
  duplicate: { en: 'Duplicate', 'zh-Hans': '重复投稿' },
  unverifiable: { en: 'Cannot be verified', 'zh-Hans': '无法核实' },
  other: { en: 'Other', 'zh-Hans': '其他' },
};

/** The reason in the console's language, then the other one: "Spam · 垃圾信息". */
export function reasonLabel(reason: string | null): string {
  if (!reason) return '';
  const labels = REASON_LABELS[reason as RejectReason] as Record<Locale, string> | undefined;
  if (!labels) return reason;
  const locale = consoleLocale();
  const other: Locale = locale === 'en' ? 'zh-Hans' : 'en';
  return `${labels[locale]} · ${labels[other]}`;
}

export function statusLabel(status: SubmissionStatus): string {
  switch (status) {
    case 'pending':
      return msg('Pending');
    case 'approved':
      return msg('Approved');
    case 'rejected':
      return msg('Rejected');
    case 'removed':
      return msg('Removed');
  }
}

export function roleLabel(role: StaffRole): string {
  switch (role) {
    case 'admin':
      return msg('Admin');
    case 'moderator':
      return msg('Moderator');
    case 'viewer':
      return msg('Viewer');
  }
}

export function flagLabel(flag: QueueFlag): string {
  switch (flag) {
    case 'featured':
      return msg('Featured');
    case 'anonymous':
      return msg('Anonymous');
    case 'has_email':
      return msg('Left an email address');
    case 'no_permission':
      return msg('No permission to publish');
    case 'flagged':
      return msg('Any flag');
    case 'reported':
      return msg('Open reports');
    case 'hidden':
      return msg('Hidden from walls');
    case 'photo_private':
      return msg('Photo for the newsroom only');
    case 'word':
      return msg('Word on the list');
    case 'link':
      return msg('Link in the message');
    case 'phone':
      return msg('Phone number');
    case 'email':
      return msg('Email address in the message');
    case 'repeat':
      return msg('Sent again by the same client');
    case 'external':
      return msg('External check');
  }
}

/** Why the external check failed, from its `external_error` detail. */
function checkFailure(detail: string): string {
  switch (detail) {
    case 'timeout':
      return msg('timeout');
    case 'unreachable':
      return msg('unreachable');
    case 'status':
      return msg('error status');
    case 'bad_signature':
      return msg('bad signature');
    case 'bad_answer':
      return msg('unreadable answer');
    case 'too_large':
      return msg('answer too large');
    default:
      return detail;
  }
}

/** A hold flag with its reason: "Word on the list: 坏词", "Link: example.com". */
export function holdFlagText({ code, detail }: ItemFlag): string {
  switch (code) {
    case 'word':
      return detail ? msg(str`Word on the list: ${detail}`) : msg('Word on the list');
    case 'link':
      return detail ? msg(str`Link: ${detail}`) : msg('Link in the message');
    case 'phone':
      return msg('Phone number');
    case 'email':
      return msg('Email address in the message');
    case 'repeat':
      return msg('Sent again by the same client');
    case 'external_hold':
      return detail ? msg(str`External check: hold — ${detail}`) : msg('External check: hold');
    case 'external_flag':
      return detail
        ? msg(str`External check: flagged — ${detail}`)
        : msg('External check: flagged');
    case 'external_error': {
      const why = checkFailure(detail ?? '');
      return why ? msg(str`External check failed: ${why}`) : msg('External check failed');
    }
  }
}

/** "Reports: 2 open of 3 · Illegal content ×2 · Spam ×1". */
export function reportLine(reports: ReportSummary): string {
  const locale = consoleLocale();
  const open = formatNumber(reports.open, locale);
  const count = formatNumber(reports.count, locale);
  return [
    msg(str`Reports: ${open} open of ${count}`),
    ...REPORT_REASONS.filter((r) => reports.reasons[r]).map(
      (r) => `${reportReasonLabel(r)} ×${formatNumber(reports.reasons[r], locale)}`,
    ),
  ].join(' · ');
}

export function reportReasonLabel(reason: ReportReason): string {
  switch (reason) {
    case 'illegal':
      return msg('Illegal content');
    case 'harassment':
      return msg('Harassment or hate');
    case 'spam':
      return msg('Spam');
    case 'personal_info':
      return msg('Someone’s personal information');
    case 'other':
      return msg('Other reason');
  }
}

/** A role on one campaign: a staff role, or no access at all. */
export function campaignRoleLabel(role: CampaignRole): string {
  return role === 'none' ? msg('No access') : roleLabel(role);
}

export function languageLabel(locale: Locale): string {
  return locale === 'en' ? msg('English') : msg('Chinese');
}

export function actionLabel(action: AuditAction): string {
  switch (action) {
    case 'approve':
      return msg('Approved');
    case 'reject':
      return msg('Rejected');
    case 'remove':
      return msg('Removed');
    case 'reopen':
      return msg('Reopened');
    case 'feature':
      return msg('Featured');
    case 'unfeature':
      return msg('No longer featured');
    case 'photo_alt':
      return msg('Alt text changed');
    case 'photo_withheld':
      return msg('Photo withheld');
    case 'photo_published':
      return msg('Photo published');
    case 'delete':
      return msg('Deleted');
    case 'privacy_export':
      return msg('Privacy export');
    case 'privacy_delete':
      return msg('Privacy deletion');
    case 'staff_add':
      return msg('Staff member added');
    case 'staff_update':
      return msg('Staff member changed');
    case 'staff_disable':
      return msg('Staff member disabled');
    case 'staff_enable':
      return msg('Staff member enabled');
    case 'staff_link':
      return msg('Sign-in link issued');
    case 'staff_password':
      return msg('Password set');
    case 'hide':
      return msg('Hidden after reports');
    case 'restore':
      return msg('Restored after reports');
    case 'withdraw':
      return msg('Withdrawn by the reader');
    case 'safety_settings':
      return msg('Safety settings changed');
    case 'campaign_settings':
      return msg('Campaign settings changed');
    case 'campaign_create':
      return msg('Campaign created');
    case 'staff_campaign_role':
      return msg('Roles per campaign changed');
    case 'webhook_create':
      return msg('Webhook added');
    case 'webhook_update':
      return msg('Webhook changed');
    case 'webhook_delete':
      return msg('Webhook deleted');
    case 'webhook_resend':
      return msg('Webhook delivery sent again');
    case 'partner_create':
      return msg('Partner site added');
    case 'partner_update':
      return msg('Partner site changed');
    case 'partner_delete':
      return msg('Partner site deleted');
  }
}

export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'service':
      return msg('Service token');
    case 'reader':
      return msg('A reader');
    case 'rule':
      return msg('Campaign rules');
    default:
      return actor.name;
  }
}

/** "by 李明", "by a reader", "by the campaign rules". */
export function byActor(actor: Actor): string {
  if (actor.kind === 'reader') return msg('by a reader');
  if (actor.kind === 'rule') return msg('by the campaign rules');
  const name = actorName(actor);
  return msg(str`by ${name}`);
}

/** "Approved by 李明 at 14:02 · Spam · 垃圾信息". */
export function decisionLine(status: SubmissionStatus, decision: DecisionSummary | null): string {
  if (!decision) return '';
  const name = actorName(decision.actor);
  const time = formatWhen(decision.at, consoleLocale());
  let line: string;
  switch (status) {
    case 'approved':
      line = msg(str`Approved by ${name} at ${time}`);
      break;
    case 'rejected':
      line = msg(str`Rejected by ${name} at ${time}`);
      break;
    case 'removed':
      line = msg(str`Removed by ${name} at ${time}`);
      break;
    case 'pending':
      line = msg(str`Reopened by ${name} at ${time}`);
      break;
  }
  const reason = reasonLabel(decision.reason);
  return reason ? `${line} · ${reason}` : line;
}

/** Someone decided first: "Already approved by 李明 at 14:02." */
export function staleLine(current: QueueItem): string {
  const decision = current.decision;
  if (!decision)
    return msg('Someone changed this item since you opened it. Check it and try again.');
  const name = actorName(decision.actor);
  const time = formatWhen(decision.at, consoleLocale());
  switch (current.status) {
    case 'approved':
      return msg(str`Already approved by ${name} at ${time}.`);
    case 'rejected':
      return msg(str`Already rejected by ${name} at ${time}.`);
    case 'removed':
      return msg(str`Already removed by ${name} at ${time}.`);
    case 'pending':
      return msg(str`Already reopened by ${name} at ${time}.`);
  }
}

/** The item as it now stands, from a `409 stale` answer. */
export function staleCurrent(error: unknown): QueueItem | null {
  if (!(error instanceof ApiFailure) || error.code !== 'stale') return null;
  const details = error.body?.details as { current?: QueueItem } | undefined;
  return details?.current ?? null;
}

/** A clear message, in the console's language, for anything the API can answer. */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiFailure)) {
    if (error instanceof DOMException && error.name === 'AbortError') return '';
    return msg('Something went wrong. Try again.');
  }
  switch (error.code) {
    case 'network':
      return msg('You are offline. Retrying…');
    case 'unauthorized':
      return msg('Your session has ended. Sign in again to carry on.');
    case 'forbidden':
      return msg('Your role does not allow this. Ask an admin if you need it.');
    case 'csrf_failed':
      return msg('This page’s security check is out of date. Reload the page and try again.');
    case 'stale': {
      const current = staleCurrent(error);
      return current
        ? staleLine(current)
        : msg('Someone changed this item since you opened it. Check it and try again.');
    }
    case 'invalid_transition':
      return msg('That decision no longer applies to this item as it stands now.');
    case 'rate_limited': {
      const seconds = error.retryAfter;
      return seconds
        ? msg(str`Too many attempts. Try again in ${seconds} seconds.`)
        : msg('Too many attempts. Wait a moment and try again.');
    }
    case 'link_invalid':
      return msg(
        'This link is not valid any more: it was used or has expired. Ask an admin for a new one.',
      );
    case 'email_taken':
      return msg('Another staff account already uses this email address.');
    case 'validation':
      return msg('Some of what you entered is not accepted. Check the fields and try again.');
    case 'not_found':
      return msg('Not found: it may have been deleted.');
    case 'unavailable':
      return msg('The server is busy. Try again in a moment.');
    case 'payload_too_large':
      return msg('That is too long to send.');
    default: {
      const code = error.code === 'unknown' ? String(error.status) : error.code;
      return msg(str`Something went wrong (${code}). Try again.`);
    }
  }
}
