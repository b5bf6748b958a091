/**
 * Campaign settings an admin changes at run time: open or closed, the closing time, the
 * consent text and its version, the privacy policy, the districts and the submission
 * limits. Kept in the campaign record; checked here exactly (no coercion), field by
 * field, against the campaign as stored.
 *
 * Decisions a reader can rely on:
 * - A closing time that has passed is accepted only with the status `closed` (it records
 *   when the campaign closed), or unchanged on an open campaign (it closed by itself
 *   then, and other settings may still change). An open
 *   campaign cannot be given a time that has already passed: reopening one whose time has
 *   passed takes a new closing time, or none.
 * - Changing the consent text needs a new version, and a version is never used twice:
 *   each submission keeps the version it agreed to, so a version names one text forever.
 * - A district that submissions name cannot be removed (its names can change).
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import {
  CAMPAIGN_SETTING_FIELDS,
  type CampaignSettingField,
  type CampaignSettings,
  type CampaignSettingsUpdate,
  type ConsentSetting,
  type DistrictSetting,
} from '../../src/api/campaign-settings.js';
import type { FieldErrorCode, Locale, SubmissionLimits } from '../../src/api/wire.js';
import {
  DateTime,
  HARD_LIMITS,
  LocaleSchema,
  Nullable,
  type Assert,
  type Equals,
} from './schemas.js';
import type { CampaignRecord, DistrictRecord, Store } from './store/store.js';
import { iso, isOpen } from './wire-mapping.js';

export interface SettingsProblem {
  field: string;
  code: FieldErrorCode;
  message?: string;
}

/** Photo types the server can read and re-encode. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** The largest photo any campaign may accept (the multipart ceiling). */
export const PHOTO_BYTES_MAX = 10 * 1024 * 1024;
export const CONSENT_TEXT_MAX = 4000;
export const DISTRICTS_MAX = 200;
export const DISTRICT_NAME_MAX = 80;
/** The furthest a closing time may be set ahead: five years. */
export const CLOSES_AT_AHEAD_MAX = 5 * 366 * 86_400_000;

const Names = Type.Object(
  {
    en: Type.String({ minLength: 1, maxLength: DISTRICT_NAME_MAX }),
    'zh-Hans': Type.String({ minLength: 1, maxLength: DISTRICT_NAME_MAX }),
  },
  { additionalProperties: false },
);

export const DistrictSettingSchema = Type.Object(
  {
    id: Type.String({
      pattern: '^[a-z0-9][a-z0-9-]*$',
      minLength: 1,
      maxLength: HARD_LIMITS.district,
    }),
    names: Names,
  },
  { additionalProperties: false },
);

export const ConsentSettingSchema = Type.Object(
  {
    version: Type.String({
      pattern: '^[A-Za-z0-9._-]+$',
      minLength: 1,
      maxLength: HARD_LIMITS.consentVersion,
    }),
    text: Type.Object(
      {
        en: Type.Optional(Type.String({ minLength: 1, maxLength: CONSENT_TEXT_MAX })),
        'zh-Hans': Type.Optional(Type.String({ minLength: 1, maxLength: CONSENT_TEXT_MAX })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const LimitsSettingSchema = Type.Object(
  {
    messageMinLength: Type.Integer({ minimum: 1, maximum: HARD_LIMITS.message }),
    messageMaxLength: Type.Integer({ minimum: 1, maximum: HARD_LIMITS.message }),
    displayNameMaxLength: Type.Integer({ minimum: 1, maximum: HARD_LIMITS.displayName }),
    photoMaxBytes: Type.Integer({
      minimum: 10_240,
      maximum: PHOTO_BYTES_MAX,
      description: 'Largest photo accepted, in bytes (10 KB to 10 MB)',
    }),
    photoMaxDimension: Type.Integer({
      minimum: 320,
      maximum: 8192,
      description: 'Longest side, in pixels, that the browser resizes a photo to',
    }),
    photoTypes: Type.Array(Type.String({ description: PHOTO_TYPES.join(', ') }), {
      maxItems: PHOTO_TYPES.length,
      description: 'Accepted photo types; none turns photos off',
    }),
  },
  { additionalProperties: false },
);

const Status = Type.Union([Type.Literal('open'), Type.Literal('closed')]);

export const CampaignSettingsUpdateSchema = Type.Object(
  {
    revision: Type.Integer({ minimum: 0, description: 'The `revision` the settings were read at' }),
    status: Status,
    closesAt: Nullable(DateTime),
    consent: ConsentSettingSchema,
    privacyPolicyUrl: Type.String({ minLength: 1, maxLength: 2000 }),
    districts: Type.Array(DistrictSettingSchema, { maxItems: DISTRICTS_MAX }),
    limits: LimitsSettingSchema,
  },
  { additionalProperties: false },
);

export const CampaignSettingsSchema = Type.Object(
  {
    revision: Type.Integer(),
    locales: Type.Array(LocaleSchema),
    defaultLocale: LocaleSchema,
    status: Status,
    closesAt: Nullable(DateTime),
    readerStatus: Status,
    consent: ConsentSettingSchema,
    pastConsentVersions: Type.Array(Type.String()),
    privacyPolicyUrl: Type.String(),
    districts: Type.Array(DistrictSettingSchema),
    districtsInUse: Type.Array(Type.String()),
    limits: LimitsSettingSchema,
  },
  { additionalProperties: false },
);

export type CampaignSettingsContractChecks = [
  Assert<Equals<Static<typeof CampaignSettingsSchema>, CampaignSettings>>,
  Assert<Equals<Static<typeof CampaignSettingsUpdateSchema>, CampaignSettingsUpdate>>,
  Assert<Equals<Static<typeof DistrictSettingSchema>, DistrictSetting>>,
  Assert<Equals<Static<typeof ConsentSettingSchema>, ConsentSetting>>,
  Assert<Equals<Static<typeof LimitsSettingSchema>, SubmissionLimits>>,
];

const UPDATE = TypeCompiler.Compile(CampaignSettingsUpdateSchema);

const RANGE_ERRORS = new Set<ValueErrorType>([
  ValueErrorType.IntegerMinimum,
  ValueErrorType.IntegerMaximum,
  ValueErrorType.NumberMinimum,
  ValueErrorType.NumberMaximum,
  ValueErrorType.ArrayMaxItems,
]);

function codeOf(error: ValueError): FieldErrorCode {
  if (error.type === ValueErrorType.StringMinLength)
    return error.value === '' ? 'required' : 'too_short';
  if (error.type === ValueErrorType.StringMaxLength) return 'too_long';
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'required';
  if (RANGE_ERRORS.has(error.type)) return 'out_of_range';
  return 'invalid';
}

/** The body's problems by the schema alone (types, bounds, unknown fields), at most 20. */
export function schemaProblems(body: unknown): SettingsProblem[] {
  if (UPDATE.Check(body)) return [];
  const seen = new Set<string>();
  const problems: SettingsProblem[] = [];
  for (const error of UPDATE.Errors(body)) {
    const field = error.path.replace(/^\//, '').replace(/\//g, '.') || 'body';
    if (seen.has(field)) continue;
    seen.add(field);
    problems.push({ field, code: codeOf(error), message: error.message });
    if (problems.length === 20) break;
  }
  return problems;
}

export const isSettingsUpdate = (body: unknown): body is CampaignSettingsUpdate =>
  UPDATE.Check(body);

export const revisionOf = (campaign: CampaignRecord) => campaign.settingsRevision ?? 0;

function consentOf(campaign: CampaignRecord): ConsentSetting {
  const text: Partial<Record<Locale, string>> = {};
  for (const locale of campaign.locales) text[locale] = campaign.text[locale].consentText;
  return { version: campaign.consentVersion, text };
}

const districtOf = (district: DistrictRecord): DistrictSetting => ({
  id: district.id,
  names: { en: district.names.en, 'zh-Hans': district.names['zh-Hans'] },
});

export function settingsToWire(
  campaign: CampaignRecord,
  districtsInUse: readonly string[],
  now: number,
): CampaignSettings {
  return {
    revision: revisionOf(campaign),
    locales: [...campaign.locales],
    defaultLocale: campaign.defaultLocale,
    status: campaign.status,
    closesAt: campaign.closesAt === null ? null : iso(campaign.closesAt),
    readerStatus: isOpen(campaign, now) ? 'open' : 'closed',
    consent: consentOf(campaign),
    pastConsentVersions: [...(campaign.pastConsentVersions ?? [])],
    privacyPolicyUrl: campaign.privacyPolicyUrl,
    districts: campaign.districts.map(districtOf),
    districtsInUse: [...districtsInUse],
    limits: { ...campaign.limits, photoTypes: [...campaign.limits.photoTypes] },
  };
}

/** The fields an update can change, as the audit trail shows them. */
function auditFields(campaign: CampaignRecord): Record<CampaignSettingField, unknown> {
  return {
    status: campaign.status,
    closesAt: campaign.closesAt === null ? null : iso(campaign.closesAt),
    consent: consentOf(campaign),
    privacyPolicyUrl: campaign.privacyPolicyUrl,
    districts: campaign.districts.map(districtOf),
    limits: campaign.limits,
  };
}

/** Only the fields that changed, before and after (the audit entry's two sides). */
export function settingsDiff(
  before: CampaignRecord,
  after: CampaignRecord,
): {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  changed: CampaignSettingField[];
} {
  const a = auditFields(before);
  const b = auditFields(after);
  const changed = CAMPAIGN_SETTING_FIELDS.filter(
    (field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]),
  );
  return {
    before: Object.fromEntries(changed.map((field) => [field, a[field]])),
    after: Object.fromEntries(changed.map((field) => [field, b[field]])),
    changed,
  };
}

/** A URL readers can open: https, or a path on this API. */
function privacyUrlProblem(value: string): boolean {
  if (value !== value.trim()) return true;
  if (value.startsWith('/')) return value.startsWith('//') || /[\s\\]/.test(value);
  try {
    return new URL(value).protocol !== 'https:';
  } catch {
    return true;
  }
}

/** An open campaign whose closing time passed keeps it through other changes. */
const passedAlready = (campaign: CampaignRecord, closesAt: number) =>
  campaign.status === 'open' && campaign.closesAt === closesAt;

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export type SettingsResult =
  { ok: true; campaign: CampaignRecord } | { ok: false; problems: SettingsProblem[] };

/**
 * The campaign with `update` applied, or every problem with it. `update` has passed the
 * schema; `districtsInUse` are the ids submissions name; `now` decides "in the past".
 */
export function applySettingsUpdate(
  campaign: CampaignRecord,
  update: CampaignSettingsUpdate,
  districtsInUse: readonly string[],
  now: number,
): SettingsResult {
  const problems: SettingsProblem[] = [];
  const add = (field: string, code: FieldErrorCode, message?: string) =>
    problems.push({ field, code, ...(message ? { message } : {}) });

  // ---- closing time ----
  let closesAt: number | null = null;
  if (update.closesAt !== null) {
    closesAt = Date.parse(update.closesAt);
    if (Number.isNaN(closesAt)) add('closesAt', 'invalid');
    else if (closesAt > now + CLOSES_AT_AHEAD_MAX) {
      add('closesAt', 'out_of_range', 'At most five years ahead');
    } else if (closesAt <= now && update.status === 'open' && !passedAlready(campaign, closesAt)) {
      add(
        'closesAt',
        'in_the_past',
        'An open campaign needs a closing time still ahead, or none; to record when it closed, set the status to closed',
      );
    }
  }

  // ---- consent ----
  const text: Partial<Record<Locale, string>> = {};
  for (const [locale, value] of Object.entries(update.consent.text) as [Locale, string][]) {
    const field = `consent.text.${locale}`;
    if (!campaign.locales.includes(locale)) {
      add(field, 'invalid', `The campaign has no ${locale} version`);
      continue;
    }
    const trimmed = value.trim();
    if (trimmed === '') add(field, 'required');
    else if (CONTROL.test(trimmed)) add(field, 'control_characters');
    else text[locale] = trimmed;
  }
  for (const locale of campaign.locales) {
    if (update.consent.text[locale] === undefined) add(`consent.text.${locale}`, 'required');
  }
  const past = campaign.pastConsentVersions ?? [];
  const versionChanged = update.consent.version !== campaign.consentVersion;
  const textChanged = campaign.locales.some(
    (locale) => text[locale] !== undefined && text[locale] !== campaign.text[locale].consentText,
  );
  if (textChanged && !versionChanged) {
    add(
      'consent.version',
      'consent_version_required',
      'The consent text changed: give it a new version, so readers are asked again',
    );
  }
  if (versionChanged && past.includes(update.consent.version)) {
    add('consent.version', 'consent_version_used', 'This version was used before for other text');
  }

  // ---- privacy policy ----
  if (privacyUrlProblem(update.privacyPolicyUrl)) {
    add('privacyPolicyUrl', 'invalid', 'An https URL, or a path such as /privacy');
  }

  // ---- districts ----
  const ids = new Set<string>();
  const districts: DistrictRecord[] = [];
  update.districts.forEach((district, index) => {
    if (ids.has(district.id)) add(`districts.${index}.id`, 'duplicate');
    ids.add(district.id);
    const names = { en: district.names.en.trim(), 'zh-Hans': district.names['zh-Hans'].trim() };
    for (const locale of ['en', 'zh-Hans'] as const) {
      if (names[locale] === '') add(`districts.${index}.names.${locale}`, 'required');
      else if (CONTROL.test(names[locale])) {
        add(`districts.${index}.names.${locale}`, 'control_characters');
      }
    }
    districts.push({ id: district.id, names });
  });
  const removedInUse = districtsInUse.filter((id) => !ids.has(id));
  if (removedInUse.length) {
    add(
      'districts',
      'district_in_use',
      `Submissions name ${removedInUse.join(', ')}: keep ${removedInUse.length === 1 ? 'it' : 'them'} (a name may change)`,
    );
  }

  // ---- limits ----
  const limits = update.limits;
  if (limits.messageMinLength > limits.messageMaxLength) {
    add('limits.messageMinLength', 'out_of_range', 'At most the longest message allowed');
  }
  const types = new Set<string>();
  limits.photoTypes.forEach((type, index) => {
    if (!(PHOTO_TYPES as readonly string[]).includes(type)) {
      add(`limits.photoTypes.${index}`, 'invalid', `One of ${PHOTO_TYPES.join(', ')}`);
    } else if (types.has(type)) add(`limits.photoTypes.${index}`, 'duplicate');
    types.add(type);
  });

  if (problems.length) return { ok: false, problems };

  const nextText = { ...campaign.text };
  for (const locale of campaign.locales) {
    nextText[locale] = { ...campaign.text[locale], consentText: text[locale]! };
  }
  return {
    ok: true,
    campaign: {
      ...campaign,
      status: update.status,
      closesAt,
      consentVersion: update.consent.version,
      pastConsentVersions: versionChanged ? [...past, campaign.consentVersion] : past,
      text: nextText,
      privacyPolicyUrl: update.privacyPolicyUrl,
      districts,
      limits: { ...limits, photoTypes: [...limits.photoTypes] },
      settingsRevision: revisionOf(campaign) + 1,
    },
  };
}

/** Changes of a campaign record waiting on this process, per store and campaign. */
const changing = new WeakMap<Store, Map<string, Promise<unknown>>>();

/**
 * Runs `task` (read the campaign, change it, `putCampaign`) alone for this campaign:
 * after the changes queued before it in this process, and under the store's lock, so
 * another instance's change cannot fall between its read and its write. Every route that
 * rewrites a campaign record (settings, safety) goes through here, so none undoes
 * another's change.
 */
export function changeCampaign<T>(store: Store, id: string, task: () => Promise<T>): Promise<T> {
  let queue = changing.get(store);
  if (!queue) changing.set(store, (queue = new Map<string, Promise<unknown>>()));
  const run = () => store.exclusive(`campaign:${id}`, task);
  const next = (queue.get(id) ?? Promise.resolve()).then(run, run);
  const settled = next.catch(() => undefined);
  queue.set(id, settled);
  void settled.then(() => {
    if (queue.get(id) === settled) queue.delete(id);
  });
  return next;
}
