/**
 * Campaign settings under `/v1/campaigns/:campaign/staff/settings`: staff read them
 * (viewer and up), admins change them with the revision they read (a stale one answers
 * `409 stale` with the settings as they now stand). Every change is audited with the
 * fields that changed, before and after, and applies at once on this instance (open
 * widgets hear it on their event streams); other instances read it within
 * `CAMPAIGN_REFRESH_MS`. Never cached, never CORS.
 */
import type { FastifyInstance } from 'fastify';
import type { CampaignSettingsUpdate } from '../../../src/api/campaign-settings.js';
import {
  CampaignSettingsSchema,
  CampaignSettingsUpdateSchema,
  applySettingsUpdate,
  changeCampaign,
  isSettingsUpdate,
  revisionOf,
  schemaProblems,
  settingsDiff,
  settingsToWire,
} from '../campaign-settings.js';
import { ApiError, notFound, validation } from '../errors.js';
import { roleAtLeast } from '../plugins/staff-auth.js';
import { errorAnswers } from '../schemas.js';
import { resolveCampaign } from './campaign-scope.js';

const STAFF = { tags: ['newsroom'], security: [{ staffToken: [] }] };

export default async function campaignSettingsRoutes(staff: FastifyInstance): Promise<void> {
  staff.addHook('onRequest', staff.requireRole('viewer'));
  staff.addHook('onRequest', resolveCampaign);

  staff.get(
    '/settings',
    {
      schema: {
        ...STAFF,
        summary:
          "The campaign's settings: status, closing time, consent, districts, limits (staff)",
        response: { 200: CampaignSettingsSchema, ...errorAnswers(401, 403, 404) },
      },
    },
    async (request) => {
      const campaign = (await staff.store.getCampaign(request.campaign.id)) ?? request.campaign;
      return settingsToWire(campaign, await staff.store.districtsInUse(campaign.id), Date.now());
    },
  );

  staff.put<{ Body: CampaignSettingsUpdate }>(
    '/settings',
    {
      onRequest: roleAtLeast('admin'),
      schema: {
        ...STAFF,
        summary: "Change the campaign's settings (admin; compare-and-set on `revision`; audited)",
        description:
          'Every setting is sent, with the `revision` it was read at. `409 stale` (with ' +
          '`details.current`) when someone changed them since. `400` for a body that is not ' +
          'exactly the schema (nothing is coerced); `422` for settings that do not fit the ' +
          'campaign: an open campaign with a closing time that has passed (`in_the_past`), ' +
          'consent text changed without a new version (`consent_version_required`), a ' +
          'version used before (`consent_version_used`), a district that submissions name ' +
          'removed (`district_in_use`), a minimum above its maximum (`out_of_range`). Open ' +
          'widgets hear the change on their event streams (`campaign` event).',
        body: CampaignSettingsUpdateSchema,
        response: {
          200: CampaignSettingsSchema,
          ...errorAnswers(400, 401, 403, 404, 409, 422),
        },
      },
      // Checked exactly in the handler: Ajv would coerce `"5"` to 5 or drop unknown fields.
      validatorCompiler: () => () => true,
    },
    async (request) => {
      const body: unknown = request.body;
      if (!isSettingsUpdate(body)) {
        throw validation(schemaProblems(body), 'Some settings are not valid');
      }
      const id = request.campaign.id;
      const saved = await changeCampaign(staff.store, id, async () => {
        // The campaign as stored now: another instance may have changed it within the
        // seconds this one takes to read it again.
        const campaign = await staff.store.getCampaign(id);
        if (!campaign) throw notFound('Campaign');
        const inUse = await staff.store.districtsInUse(id);
        const now = Date.now();
        if (body.revision !== revisionOf(campaign)) {
          throw new ApiError(409, 'stale', 'Someone changed the settings since you read them', {
            details: { current: settingsToWire(campaign, inUse, now) },
          });
        }
        const result = applySettingsUpdate(campaign, body, inUse, now);
        if (!result.ok) {
          throw new ApiError(422, 'validation', 'Some settings are not valid', {
            fields: result.problems,
          });
        }
        const diff = settingsDiff(campaign, result.campaign);
        // Nothing changed: nothing written, the revision stays.
        if (!diff.changed.length) return settingsToWire(campaign, inUse, now);
        await staff.store.putCampaign(result.campaign);
        await staff.store.appendAudit({
          campaignId: id,
          at: now,
          actor: request.staff!.actor,
          action: 'campaign_settings',
          submissionId: null,
          reason: null,
          note: null,
          before: diff.before,
          after: diff.after,
        });
        return settingsToWire(result.campaign, inUse, now);
      });
      // Applies here at once (and tells this instance's open streams).
      await staff.campaigns.reload();
      return saved;
    },
  );
}
