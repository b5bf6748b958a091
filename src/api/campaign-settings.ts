/**
 * Campaign settings as the newsroom console reads and changes them
 * (`GET` / `PUT /v1/campaigns/:campaign/staff/settings`). Types only: the server checks
 * them exactly (server/src/campaign-settings.ts) and the console imports them.
 */
import type { IsoDateTime, Locale, SubmissionLimits } from './wire.js';

/** A district with its name in every locale. */
export interface DistrictSetting {
  /** 1–64 of `a–z 0–9 -`, starting with a letter or digit; never changes once used. */
  id: string;
  names: Record<Locale, string>;
}

export interface ConsentSetting {
  /** 1–64 of `A–Z a–z 0–9 . _ -`; a new version is one this campaign never used. */
  version: string;
  /** The consent text in each of the campaign's locales. */
  text: Partial<Record<Locale, string>>;
}

/** `GET …/staff/settings` (viewer and up), and the answer of a `PUT`. */
export interface CampaignSettings {
  /** Increases with every change: send it back with the next `PUT`. */
  revision: number;
  /** The campaign's locales (read-only here): every text is needed in each. */
  locales: Locale[];
  defaultLocale: Locale;
  /** What the admin set. */
  status: 'open' | 'closed';
  /** When it closes by itself; null for never. */
  closesAt: IsoDateTime | null;
  /** What readers see now: closed when `status` is closed or `closesAt` has passed. */
  readerStatus: 'open' | 'closed';
  consent: ConsentSetting;
  /** Consent versions used before the current one, oldest first (never used again). */
  pastConsentVersions: string[];
  /** An https URL, or a path on this API (`/privacy`). */
  privacyPolicyUrl: string;
  districts: DistrictSetting[];
  /** District ids that submissions name: they cannot be removed. */
  districtsInUse: string[];
  limits: SubmissionLimits;
}

/** Body of `PUT …/staff/settings` (admin): every setting, and the revision it was read at. */
export interface CampaignSettingsUpdate {
  revision: number;
  status: 'open' | 'closed';
  closesAt: IsoDateTime | null;
  consent: ConsentSetting;
  privacyPolicyUrl: string;
  districts: DistrictSetting[];
  limits: SubmissionLimits;
}

/** Settings an update can change: the audit entry's `before` and `after` name these. */
export const CAMPAIGN_SETTING_FIELDS = [
  'status',
  'closesAt',
  'consent',
  'privacyPolicyUrl',
  'districts',
  'limits',
] as const;
export type CampaignSettingField = (typeof CAMPAIGN_SETTING_FIELDS)[number];
