// The project's test-runner configuration with the submission form's endpoints added
// (test/support/submission-endpoints.mjs), until they are wired into
// web-test-runner.config.mjs: `npx wtr --config test/support/submission.wtr.config.mjs`.
import config from '../../web-test-runner.config.mjs';
import { submissionEndpoints } from './submission-endpoints.mjs';

export default {
  ...config,
  middleware: [...(config.middleware ?? []), submissionEndpoints],
};
