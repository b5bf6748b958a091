/**
 * Several campaigns on one API, under `/v1/staff`: listing the campaigns a person has a
 * role on, creating one (global admin), and staff roles per campaign (global admin).
 *
 * Who may do what: an account whose own role is admin — or the service token — creates
 * campaigns and manages accounts and their roles per campaign; these routes name no
 * campaign, so they go by the account's own role. On a campaign's routes the role is the
 * account's entry for that campaign, else its own (`plugins/staff-auth.ts`). Entries
 * never change an account's own role, so the last admin who can sign in always keeps
 * these routes, and with them the way back onto every campaign.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  CAMPAIGN_ROLES,
  type CampaignCreate,
  type CampaignRole,
  type CampaignRoleList,
  type CampaignSummary,
  type StaffCampaignRoles,
} from '../../../src/api/campaigns.js';
import type { StaffRole } from '../../../src/api/newsroom.js';
import {
  DEFAULT_SUBMISSION_LIMITS,
  LOCALES,
  type Locale,
  type SubmissionLimits,
} from '../../../src/api/wire.js';
import {
  CampaignCreateSchema,
  campaignRef,
  CampaignRolesUpdateSchema,
} from '../campaign-schemas.js';
import { ApiError, notFound, validation, type FieldProblem } from '../errors.js';
import { roleAtLeast } from '../plugins/staff-auth.js';
import { AccountParams, staffErrors } from '../staff-schemas.js';
import { effectiveRole } from '../store/campaign-roles.js';
import type { StaffRecord } from '../store/newsroom.js';
import type { CampaignRecord, Localized } from '../store/store.js';
import { cleanText } from '../text.js';

const SIGNED_IN = {
  tags: ['staff'],
  security: [{ staffSession: [] }, { staffToken: [] }] as Record<string, string[]>[],
};

/** What a new campaign accepts until its settings say otherwise. */
export const NEW_CAMPAIGN_LIMITS: SubmissionLimits = DEFAULT_SUBMISSION_LIMITS;

/** Most campaigns one API carries: each is kept in every instance's memory. */
export const MAX_CAMPAIGNS = 200;

const CREATE = TypeCompiler.Compile(CampaignCreateSchema);
const ROLES_UPDATE = TypeCompiler.Compile(CampaignRolesUpdateSchema);

/** The person's role on each campaign they may see (`none` left out); an admin's token: all. */
export async function visibleRoles(
  app: FastifyInstance,
  staff: StaffRecord | null,
): Promise<Record<string, StaffRole>> {
  const ids = await app.store.listCampaignIds();
  const entries = staff
    ? await app.store.campaignRolesOf(staff.id)
    : new Map<string, CampaignRole>();
  const roles: Record<string, StaffRole> = {};
  for (const id of ids) {
    const role = effectiveRole(staff?.role ?? 'admin', entries.get(id) ?? null);
    if (role !== 'none') roles[id] = role;
  }
  return roles;
}

/** Exactly the schema, or `400` naming each field (Ajv would coerce and strip). */
function exactly<T extends TSchema>(
  check: ReturnType<typeof TypeCompiler.Compile<T>>,
  body: unknown,
  message: string,
): asserts body is Static<T> {
  if (check.Check(body)) return;
  const fields = [...check.Errors(body)].map((error) => ({
    field: error.path.replace(/^\//, '').replace(/\//g, '.') || 'body',
    code: 'invalid' as const,
    message: error.message,
  }));
  throw validation(fields.slice(0, 20), message);
}

function cleaned(
  problems: FieldProblem[],
  field: string,
  raw: string,
  multiline: boolean,
  required: boolean,
): string {
  const result = cleanText(raw, { multiline });
  if (!result.ok) {
    problems.push({ field, code: result.code });
    return '';
  }
  if (required && !result.value) problems.push({ field, code: 'required' });
  return result.value;
}

/** A path on the API, an https URL, or http on loopback (a local set-up). */
function privacyUrlProblem(url: string): boolean {
  if (url.startsWith('/')) return url.startsWith('//') || /[\s\\]/.test(url);
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:') return false;
    return !(
      parsed.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname)
    );
  } catch {
    return true;
  }
}

/** The record a checked body stands for, or `400` with every problem found. */
export function campaignFromBody(body: CampaignCreate, now: number): CampaignRecord {
  const problems: FieldProblem[] = [];
  const locales = LOCALES.filter((locale) => body.locales.includes(locale));
  if (!body.locales.includes(body.defaultLocale)) {
    problems.push({
      field: 'defaultLocale',
      code: 'invalid',
      message: 'The default locale is one of `locales`',
    });
  }
  for (const locale of LOCALES) {
    if (!locales.includes(locale) && body.text[locale]) {
      problems.push({
        field: `text.${locale}`,
        code: 'invalid',
        message: 'Text for a locale the campaign does not have',
      });
    }
  }
  const text = {} as Localized<{ title: string; summary: string; consentText: string }>;
  for (const locale of locales) {
    const given = body.text[locale];
    if (!given) {
      problems.push({ field: `text.${locale}`, code: 'required' });
      continue;
    }
    text[locale] = {
      title: cleaned(problems, `text.${locale}.title`, given.title, false, true),
      summary: cleaned(problems, `text.${locale}.summary`, given.summary, true, false),
      consentText: cleaned(problems, `text.${locale}.consentText`, given.consentText, true, true),
    };
  }
  if (privacyUrlProblem(body.privacyPolicyUrl)) {
    problems.push({
      field: 'privacyPolicyUrl',
      code: 'invalid',
      message: 'An https URL, or a path on this API',
    });
  }
  let closesAt: number | null = null;
  if (body.closesAt !== undefined && body.closesAt !== null) {
    closesAt = Date.parse(body.closesAt);
    if (!Number.isFinite(closesAt)) {
      problems.push({ field: 'closesAt', code: 'invalid' });
    } else if (closesAt <= now) {
      problems.push({ field: 'closesAt', code: 'invalid', message: 'This time has passed' });
    }
  }
  const seen = new Set<string>();
  const districts = (body.districts ?? []).map((district, i) => {
    if (seen.has(district.id)) {
      problems.push({ field: `districts.${i}.id`, code: 'invalid', message: 'Listed twice' });
    }
    seen.add(district.id);
    const names = {} as Localized<string>;
    for (const locale of locales) {
      const name = district.names[locale];
      if (name === undefined) {
        problems.push({ field: `districts.${i}.names.${locale}`, code: 'required' });
      } else {
        names[locale] = cleaned(problems, `districts.${i}.names.${locale}`, name, false, true);
      }
    }
    return { id: district.id, names };
  });
  if (problems.length) throw validation(problems.slice(0, 20), 'Some fields are not valid');

  // Every locale has its text (a reader asking for a locale the campaign lacks gets the
  // default one anyway); the record type wants them all.
  const fallback = body.defaultLocale;
  for (const locale of LOCALES) text[locale] ??= text[fallback];
  for (const district of districts) {
    for (const locale of LOCALES) district.names[locale] ??= district.names[fallback];
  }
  return {
    id: body.id,
    defaultLocale: body.defaultLocale,
    locales: [...locales],
    status: body.status,
    closesAt,
    privacyPolicyUrl: body.privacyPolicyUrl,
    consentVersion: body.consentVersion,
    text,
    limits: { ...NEW_CAMPAIGN_LIMITS, photoTypes: [...NEW_CAMPAIGN_LIMITS.photoTypes] },
    districts,
    allowedOrigins: [],
  };
}

/** What the audit trail keeps of a new campaign (no secret: it has none yet). */
const campaignForAudit = (campaign: CampaignRecord) => ({
  id: campaign.id,
  status: campaign.status,
  locales: campaign.locales,
  defaultLocale: campaign.defaultLocale,
  closesAt: campaign.closesAt === null ? null : new Date(campaign.closesAt).toISOString(),
  consentVersion: campaign.consentVersion,
  privacyPolicyUrl: campaign.privacyPolicyUrl,
  titles: Object.fromEntries(campaign.locales.map((l) => [l, campaign.text[l].title])),
  districts: campaign.districts.map((district) => district.id),
});

async function summary(
  request: FastifyRequest,
  campaign: CampaignRecord,
  role: StaffRole,
): Promise<CampaignSummary> {
  const locale: Locale = campaign.locales.includes(request.staff?.locale ?? 'en')
    ? (request.staff?.locale ?? 'en')
    : campaign.defaultLocale;
  return {
    id: campaign.id,
    status: campaign.status,
    title: campaign.text[locale]?.title ?? campaign.id,
    locales: campaign.locales,
    defaultLocale: campaign.defaultLocale,
    closesAt: campaign.closesAt === null ? null : new Date(campaign.closesAt).toISOString(),
    role,
    counts: await request.server.store.countSubmissions(campaign.id),
  };
}

export default async function campaignRoutes(staff: FastifyInstance): Promise<void> {
  staff.addHook('onRequest', staff.requireRole('viewer'));
  const admin = { onRequest: roleAtLeast('admin') };

  staff.get(
    '/campaigns',
    {
      schema: {
        ...SIGNED_IN,
        summary: 'The campaigns you have a role on, with your role and counts per status',
        response: { 200: campaignRef('CampaignList'), ...staffErrors(401, 403) },
      },
    },
    async (request) => {
      const app = request.server;
      const account = request.staffSession?.staff ?? null;
      const roles = await visibleRoles(app, account);
      const items: CampaignSummary[] = [];
      for (const [id, role] of Object.entries(roles)) {
        const campaign = app.campaigns.get(id) ?? (await app.store.getCampaign(id));
        if (campaign) items.push(await summary(request, campaign, role));
      }
      return { items };
    },
  );

  staff.post(
    '/campaigns',
    {
      ...admin,
      schema: {
        ...SIGNED_IN,
        summary: 'Create a campaign (an account whose own role is admin; audited)',
        description:
          'Checked exactly (no field is coerced, none unknown is dropped). Title and consent ' +
          'text in every locale of `locales`; an id taken answers `409` `campaign_exists`. ' +
          'Every API instance carries it within `CAMPAIGN_REFRESH_MS`.',
        body: campaignRef('CampaignCreate'),
        response: {
          201: campaignRef('CampaignSummary', 'Created'),
          ...staffErrors(400, 401, 403, 409),
        },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const app = request.server;
      exactly(CREATE, request.body, 'Some fields are not valid');
      const now = Date.now();
      const campaign = campaignFromBody(request.body, now);
      if ((await app.store.listCampaignIds()).length >= MAX_CAMPAIGNS) {
        throw new ApiError(
          409,
          'invalid_transition',
          `This API carries ${MAX_CAMPAIGNS} campaigns`,
        );
      }
      const result = await app.store.createCampaign(campaign, now, {
        campaignId: campaign.id,
        at: now,
        actor: request.staff!.actor,
        action: 'campaign_create',
        submissionId: null,
        reason: null,
        note: null,
        before: null,
        after: campaignForAudit(campaign),
      });
      if (result.kind === 'exists') {
        throw new ApiError(409, 'campaign_exists', 'A campaign with this id exists already');
      }
      await app.campaigns.reload();
      return reply.code(201).send(await summary(request, campaign, 'admin'));
    },
  );

  staff.get(
    '/campaign-roles',
    {
      ...admin,
      schema: {
        ...SIGNED_IN,
        summary: 'Every account’s roles per campaign, where set (global admin)',
        response: { 200: campaignRef('CampaignRoleList'), ...staffErrors(401, 403) },
      },
    },
    async (request): Promise<CampaignRoleList> => {
      const byStaff = new Map<string, StaffCampaignRoles>();
      for (const entry of await request.server.store.listCampaignRoles()) {
        let item = byStaff.get(entry.staffId);
        if (!item) byStaff.set(entry.staffId, (item = { staffId: entry.staffId, roles: {} }));
        item.roles[entry.campaignId] = entry.role;
      }
      return { items: [...byStaff.values()] };
    },
  );

  staff.put<{ Params: Static<typeof AccountParams> }>(
    '/accounts/:id/campaign-roles',
    {
      ...admin,
      schema: {
        ...SIGNED_IN,
        summary: 'Set an account’s roles per campaign: replaces all its entries (global admin)',
        description:
          'A campaign left out goes by the account’s own role; `none` takes the campaign ' +
          'away. The account’s own role is unchanged. Checked exactly. Audited as ' +
          '`staff_campaign_role` with before and after.',
        params: AccountParams,
        body: campaignRef('CampaignRolesUpdate'),
        response: {
          200: campaignRef('StaffCampaignRoles', 'The account’s entries now'),
          ...staffErrors(400, 401, 403, 404),
        },
      },
      // Checked exactly in the handler; the schemas document it.
      validatorCompiler: () => () => true,
    },
    async (request): Promise<StaffCampaignRoles> => {
      const app = request.server;
      const { id } = request.params;
      if (typeof id !== 'string' || id.length > 100) throw notFound('Staff account');
      exactly(ROLES_UPDATE, request.body, 'Some roles are not valid');
      const wanted = request.body.roles;
      const known = new Set(await app.store.listCampaignIds());
      const problems: FieldProblem[] = [];
      const roles = new Map<string, CampaignRole>();
      for (const [campaignId, role] of Object.entries(wanted)) {
        if (!known.has(campaignId)) {
          problems.push({
            field: `roles.${campaignId}`,
            code: 'invalid',
            message: 'No such campaign',
          });
        } else if ((CAMPAIGN_ROLES as readonly string[]).includes(role)) {
          roles.set(campaignId, role);
        }
      }
      if (problems.length) throw validation(problems.slice(0, 20), 'Some roles are not valid');
      const account = await app.store.getStaff(id);
      if (!account) throw notFound('Staff account');
      const before = Object.fromEntries(await app.store.campaignRolesOf(id));
      const after = Object.fromEntries([...roles].sort(([a], [b]) => (a < b ? -1 : 1)));
      await app.store.setCampaignRoles(id, roles, {
        campaignId: null,
        at: Date.now(),
        actor: request.staff!.actor,
        action: 'staff_campaign_role',
        submissionId: null,
        reason: null,
        note: null,
        before: { staffId: id, name: account.name, role: account.role, roles: before },
        after: { staffId: id, name: account.name, role: account.role, roles: after },
      });
      return { staffId: id, roles: after };
    },
  );
}
