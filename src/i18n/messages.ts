import { msg, str } from '@lit/localize';
import type { CampaignApiError } from '../api/errors.js';

/**
 * Localized text for API failures that every widget may show. Field-level and
 * widget-specific messages live with their widget.
 */
export function describeError(error: CampaignApiError | undefined): string {
  if (!error) return msg('Something went wrong.');
  switch (error.code) {
    case 'network':
      return msg('You seem to be offline, or the campaign server could not be reached.');
    case 'timeout':
      return msg('The campaign server is taking too long to answer.');
    case 'not_found':
      return msg('This item could not be found.');
    case 'rate_limited':
      return msg('Too many attempts. Please wait a moment and try again.');
    case 'campaign_closed':
      return msg('This campaign is closed.');
    case 'unavailable':
      return msg('The campaign server is busy. Please try again shortly.');
    default:
      return msg(str`Something went wrong (${error.code}).`);
  }
}
