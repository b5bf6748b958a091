/**
 * Several campaigns on one API, and staff roles per campaign: the wire contract of
 * `GET/POST /v1/staff/campaigns` and `…/staff/campaign-roles`. Types only; the widgets
 * never import it. The server's TypeBox schemas are checked against it at compile time
 * (server/src/campaign-schemas.ts).
 *
 * Who may do what: an account whose own role is admin (a global admin; the service token
 * too) creates campaigns and manages staff accounts and their roles per campaign. On a
 * campaign, the role that decides is the account's entry for it, else its own role: a
 * per-campaign admin manages that campaign (settings, partners, webhooks), a moderator
 * decides, a viewer reads, and `none` sees nothing of it.
 */
import type { StaffRole } from './newsroom.js';
import type { IsoDateTime, Locale, SubmissionStatus } from './wire.js';

export const CAMPAIGN_ROLES = ['admin', 'moderator', 'viewer', 'none'] as const;
/** A role on one campaign; `none`: no access to it. */
export type CampaignRole = (typeof CAMPAIGN_ROLES)[number];

/** A campaign's id: lower-case letters, digits and single hyphens, 2–64 characters. */
export const CAMPAIGN_ID_PATTERN = '^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,63}$';

export interface CampaignTextInput {
  title: string;
  summary: string;
  consentText: string;
}

export interface CampaignDistrictInput {
  id: string;
  /** The district's name in every locale of the campaign. */
  names: Partial<Record<Locale, string>>;
}

/** `POST /v1/staff/campaigns` (global admin). Checked exactly: no field is coerced. */
export interface CampaignCreate {
  id: string;
  locales: Locale[];
  /** One of `locales`. */
  defaultLocale: Locale;
  /** Title, summary and consent text in every locale of `locales`. */
  text: Partial<Record<Locale, CampaignTextInput>>;
  consentVersion: string;
  /** `https://…`, or a path on the API (`/privacy`). */
  privacyPolicyUrl: string;
  status: 'open' | 'closed';
  /** In the future; null or left out: no closing time. */
  closesAt?: IsoDateTime | null;
  districts?: CampaignDistrictInput[];
}

/** One campaign as the console lists it, with the asker's role on it. */
export interface CampaignSummary {
  id: string;
  status: 'open' | 'closed';
  /** In the asker's console language when the campaign has it, else its default. */
  title: string;
  locales: Locale[];
  defaultLocale: Locale;
  closesAt: IsoDateTime | null;
  /** The asker's role on this campaign. */
  role: StaffRole;
  counts: Record<SubmissionStatus, number>;
}

/** `GET /v1/staff/campaigns`: the campaigns the asker has a role on. */
export interface CampaignList {
  items: CampaignSummary[];
}

/** An account's roles per campaign (entries only: other campaigns go by its own role). */
export interface StaffCampaignRoles {
  staffId: string;
  roles: Record<string, CampaignRole>;
}

/** `GET /v1/staff/campaign-roles` (global admin): every account with entries. */
export interface CampaignRoleList {
  items: StaffCampaignRoles[];
}

/** `PUT /v1/staff/accounts/:id/campaign-roles`: replaces all of the account's entries. */
export interface CampaignRolesUpdate {
  roles: Record<string, CampaignRole>;
}
