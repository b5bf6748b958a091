/**
 * campaign-widgets: classes and helpers, free of side effects. Importing this
 * module defines no tags; import `campaign-widgets/define` for that, or load the
 * single script.
 */
export { CampaignStoryTeaser } from './story-teaser/story-teaser.js';
export { CampaignPhoto } from './photo/photo.js';
export { CampaignSubmissionForm } from './submission-form/submission-form.js';
export { CampaignQuoteWall } from './quote-wall/quote-wall.js';
export { CampaignElement } from './base/campaign-element.js';
export { defineElement, definedVersion } from './core/register.js';
export { configure, pageConfig, type PageConfig } from './core/config.js';
export { getLocale, setLocale, matchLocale } from './i18n/locale.js';
export { CampaignApiClient, type ClientOptions, type RequestOptions } from './api/client.js';
export {
  CampaignApiError,
  NetworkError,
  TimeoutError,
  AbortedError,
  HttpError,
  ParseError,
  type ApiErrorKind,
  type FieldError,
} from './api/errors.js';
export type * from './api/wire.js';
export type * from './core/events.js';
export { VERSION } from './core/version.js';
