/**
 * What happens to a new submission before a person sees it: the campaign's hold rules
 * flag it (they never decide), the newsroom's external check may hold, flag or reject
 * it, and under post-moderation what has no flag at all is published at once. A check
 * that times out, fails or answers with a bad signature publishes nothing: the item is
 * held with a flag saying why.
 */
import { createHash, createHmac } from 'node:crypto';
import { HOLD_FLAGS, type ItemFlag } from '../../../src/api/newsroom.js';
import type { CampaignRecord, SafetyRecord, Store } from '../store/store.js';
import type { CleanSubmission } from '../validate.js';
import { runExternalCheck } from './external-check.js';
import { compileRules, checkMessage, textFingerprint, type CompiledRules } from './rules.js';
import { safetyOf } from './settings.js';

export interface Screening {
  flags: ItemFlag[];
  textHash: string;
  clientHash: string;
  /** hold: a person decides (the default); reject: the external check said so; publish: post-moderation with no flag. */
  outcome: 'hold' | 'reject' | 'publish';
  /** The external check's reason for a rejection. */
  reason: string | null;
}

/**
 * Compiled once per campaign record: the registry replaces the record when the campaign
 * changes, so new settings compile anew (`safetyOf` makes a new object on every call).
 */
const compiled = new WeakMap<CampaignRecord, CompiledRules>();

function rulesOf(campaign: CampaignRecord, safety: SafetyRecord): CompiledRules {
  let rules = compiled.get(campaign);
  if (!rules) {
    rules = compileRules({
      words: [...safety.words.en, ...safety.words['zh-Hans']],
      holdLinks: safety.holdLinks,
      holdPhones: safety.holdPhones,
      holdEmails: safety.holdEmails,
    });
    compiled.set(campaign, rules);
  }
  return rules;
}

/**
 * Who sent it, without the address: HMAC-SHA256, keyed with the API's client key, of the
 * campaign and the client's address key. Unkeyed, every IPv4 address could be tried
 * against a copy of the database in minutes.
 */
export const clientDigest = (key: string, campaignId: string, client: string) =>
  createHmac('sha256', key).update(`${campaignId}|${client}`).digest('hex');

/** SHA-256 (hex) of a receipt secret: all the API keeps of it. */
export const receiptDigest = (secret: string) => createHash('sha256').update(secret).digest('hex');

const order = (flag: ItemFlag) => HOLD_FLAGS.indexOf(flag.code);

export async function screenSubmission(
  store: Store,
  campaign: CampaignRecord,
  input: {
    id: string;
    body: CleanSubmission;
    /** `clientDigest` of the sender. */
    clientHash: string;
    hasPhoto: boolean;
    receivedAt: number;
  },
): Promise<Screening> {
  const safety = safetyOf(campaign);
  const rules = rulesOf(campaign, safety);
  // The name is published with the words (and credits the photo): it is checked too.
  const flags = checkMessage(rules, input.body.message);
  const name = input.body.anonymous ? null : input.body.displayName;
  for (const flag of name ? checkMessage(rules, name) : []) {
    if (!flags.some((known) => known.code === flag.code)) flags.push(flag);
  }
  const textHash = textFingerprint(input.body.message);
  const { clientHash } = input;
  if (safety.holdRepeats && (await store.hasRepeat(campaign.id, textHash, clientHash))) {
    flags.push({ code: 'repeat', detail: null });
  }
  let outcome: Screening['outcome'] = 'hold';
  let reason: string | null = null;
  if (safety.externalCheck) {
    const answer = await runExternalCheck(safety.externalCheck, {
      id: input.id,
      campaign: campaign.id,
      message: input.body.message,
      displayName: input.body.anonymous ? null : input.body.displayName,
      locale: input.body.locale,
      district: input.body.district,
      hasPhoto: input.hasPhoto,
      receivedAt: new Date(input.receivedAt).toISOString(),
    });
    switch (answer.action) {
      case 'pass':
        break;
      case 'hold':
        flags.push({ code: 'external_hold', detail: answer.reason });
        break;
      case 'flag':
        flags.push({ code: 'external_flag', detail: answer.reason });
        break;
      case 'reject':
        outcome = 'reject';
        reason = answer.reason;
        break;
      case 'error':
        flags.push({ code: 'external_error', detail: answer.reason });
        break;
    }
  }
  flags.sort((a, b) => order(a) - order(b));
  if (outcome === 'hold' && safety.moderation === 'post' && flags.length === 0) {
    outcome = 'publish';
  }
  return { flags, textHash, clientHash, outcome, reason };
}
