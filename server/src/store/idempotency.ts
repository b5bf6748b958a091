/**
 * Tombstones of idempotency keys whose submission was deleted for good. A tombstone
 * holds nothing derived from what the reader sent — no body hash, no submission id —
 * only the campaign, a digest of the key (the key itself is the client's, and may be
 * reused elsewhere) and the time of the delete.
 */
import { createHash } from 'node:crypto';
import type { SubmissionAccepted } from '../../../src/api/wire.js';
import type { NewSubmission } from './store.js';

/** The digest a tombstone keeps instead of the key: SHA-256, hex. */
export const keyDigest = (key: string): string =>
  createHash('sha256').update(key, 'utf8').digest('hex');

/** The answer a new submission gets, and every replay of its key after it. */
export const acceptedAnswer = (submission: NewSubmission): SubmissionAccepted => ({
  id: submission.id,
  status: 'pending',
  receivedAt: new Date(submission.receivedAt).toISOString(),
});
