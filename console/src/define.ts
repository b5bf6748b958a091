/**
 * Registers every tag of the console. Class files register nothing; a page that loads
 * the script twice keeps the first definitions.
 */
import { NewsroomConsole } from './newsroom-console.js';
import { NewsroomAccountDialog } from './views/account-dialog.js';
import { NewsroomAudit } from './views/audit-view.js';
import { NewsroomBulkBar } from './views/bulk-bar.js';
import { NewsroomCampaigns } from './views/campaigns-view.js';
import { NewsroomExports } from './views/exports-view.js';
import { NewsroomHelpDialog } from './views/help-dialog.js';
import { NewsroomItemDetail } from './views/item-detail.js';
import { NewsroomLinkSetup } from './views/link-setup.js';
import { NewsroomPartners } from './views/partners-view.js';
import { NewsroomPrivacy } from './views/privacy-view.js';
import { NewsroomQueue } from './views/queue-view.js';
import { NewsroomSafety } from './views/safety-view.js';
import { NewsroomSettings } from './views/settings-view.js';
import { NewsroomSignIn } from './views/sign-in.js';
import { NewsroomStaff } from './views/staff-view.js';
import { NewsroomWebhooks } from './views/webhooks-view.js';

export const TAGS = {
  'newsroom-console': NewsroomConsole,
  'newsroom-sign-in': NewsroomSignIn,
  'newsroom-link-setup': NewsroomLinkSetup,
  'newsroom-queue': NewsroomQueue,
  'newsroom-item-detail': NewsroomItemDetail,
  'newsroom-bulk-bar': NewsroomBulkBar,
  'newsroom-audit': NewsroomAudit,
  'newsroom-staff': NewsroomStaff,
  'newsroom-privacy': NewsroomPrivacy,
  'newsroom-safety': NewsroomSafety,
  'newsroom-settings': NewsroomSettings,
  'newsroom-exports': NewsroomExports,
  'newsroom-campaigns': NewsroomCampaigns,
  'newsroom-webhooks': NewsroomWebhooks,
  'newsroom-partners': NewsroomPartners,
  'newsroom-help-dialog': NewsroomHelpDialog,
  'newsroom-account-dialog': NewsroomAccountDialog,
} as const;

for (const [tag, element] of Object.entries(TAGS)) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

declare global {
  interface HTMLElementTagNameMap {
    'newsroom-console': NewsroomConsole;
    'newsroom-sign-in': NewsroomSignIn;
    'newsroom-link-setup': NewsroomLinkSetup;
    'newsroom-queue': NewsroomQueue;
    'newsroom-item-detail': NewsroomItemDetail;
    'newsroom-bulk-bar': NewsroomBulkBar;
    'newsroom-audit': NewsroomAudit;
    'newsroom-staff': NewsroomStaff;
    'newsroom-privacy': NewsroomPrivacy;
    'newsroom-safety': NewsroomSafety;
    'newsroom-settings': NewsroomSettings;
    'newsroom-exports': NewsroomExports;
    'newsroom-campaigns': NewsroomCampaigns;
    'newsroom-webhooks': NewsroomWebhooks;
    'newsroom-partners': NewsroomPartners;
    'newsroom-help-dialog': NewsroomHelpDialog;
    'newsroom-account-dialog': NewsroomAccountDialog;
  }
}
