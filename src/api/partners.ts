/**
 * Partner sites, as the newsroom console manages them under
 * `/v1/campaigns/:campaign/staff/partners`: list (any staff role), create, update and
 * delete (admins). Types only; the widgets never import it.
 */
import type { IsoDateTime } from './wire.js';

/** What a partner's readers did, summed over its origins. */
export interface PartnerFigures {
  /** Submissions sent from the partner's pages (any status). */
  submissions: number;
  /** Of those, published now (approved and not hidden). */
  published: number;
  /** Readers with the quote wall open on the partner's pages now, on every API instance. */
  openWalls: number;
}

export interface PartnerSite {
  id: string;
  name: string;
  /** Normalised `scheme://host[:port]` (no path, no trailing slash). */
  origins: string[];
  /** Whom to ask at the partner (a person, an email address, a phone number), or null. */
  contact: string | null;
  /** A disabled partner's pages may not send (their origins are refused). */
  enabled: boolean;
  /** Send it back with a change; a stale one gets `409 stale` with `details.current`. */
  version: number;
  createdAt: IsoDateTime;
  updatedAt: IsoDateTime;
  figures: PartnerFigures;
}

/** `POST …/staff/partners`. */
export interface PartnerSiteInput {
  name: string;
  origins: string[];
  contact?: string | null;
  /** Default true. */
  enabled?: boolean;
}

/** `PUT …/staff/partners/:id`: every field, and the version the admin saw. */
export interface PartnerSiteUpdate {
  version: number;
  name: string;
  origins: string[];
  contact: string | null;
  enabled: boolean;
}

/** `GET …/staff/partners`. */
export interface PartnerList {
  items: PartnerSite[];
  /**
   * Origins allowed by the server's configuration (`CAMPAIGN_ALLOWED_ORIGINS`) or by the
   * campaign's own record: read-only here.
   */
  configuredOrigins: string[];
  /** Origins that sent submissions but belong to no partner (a page to add, perhaps). */
  unassigned: { origin: string; submissions: number; published: number; openWalls: number }[];
  limits: { partners: number; originsPerPartner: number };
}

/** `DELETE …/staff/partners/:id?version=`. */
export interface PartnerDeleted {
  id: string;
  deleted: true;
}
