/**
 * A reader's receipt, under `/v1/campaigns/:campaign/submissions/:id`: what became of
 * the submission (`/receipt`), and taking it back (`/withdraw`). The receipt is a
 * secret only the reader's browser keeps; the API compares its SHA-256 with the one
 * stored, in constant time. An unknown id, a wrong secret and a withdrawn submission
 * answer the same `404`, so nobody learns which ids exist. No account, no email.
 *
 * A withdrawal is a delete for good, as a privacy delete is: the row, its photo and
 * its idempotency record go (the key stays as a tombstone), a published quote leaves
 * every wall live, and the audit trail keeps an entry with no content.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {
  ReceiptRequest,
  ReceiptState,
  ReceiptStatus,
  WithdrawAnswer,
} from '../../../src/api/wire.js';
import { clientKey } from '../client-address.js';
import { ApiError, notFound } from '../errors.js';
import { limiterFor } from '../rate-limit.js';
import { ItemParams, errorAnswers, ref } from '../schemas.js';
import { receiptDigest } from '../safety/screen.js';
import { READER_ACTOR } from '../store/safety.js';
import type { SubmissionRecord } from '../store/store.js';
import { iso } from '../wire-mapping.js';

/** Questions per client and window: a page with ten receipts, reloaded now and then. */
export const RECEIPT_LIMIT = { max: 120, windowMs: 600_000 };

/** What the reader is told: a quote hidden after reports is under review again. */
export function receiptState(submission: SubmissionRecord): ReceiptState {
  if (submission.status === 'approved') {
    return submission.hiddenAt === null ? 'published' : 'pending';
  }
  return submission.status === 'pending' ? 'pending' : 'not_published';
}

function matches(submission: SubmissionRecord | null, secret: string): boolean {
  if (!submission?.receiptHash) return false;
  const given = Buffer.from(receiptDigest(secret), 'hex');
  const kept = Buffer.from(submission.receiptHash, 'hex');
  return given.length === kept.length && timingSafeEqual(given, kept);
}

export default async function receiptRoutes(app: FastifyInstance): Promise<void> {
  const limiter = limiterFor(app.store, RECEIPT_LIMIT);

  /** The submission the receipt is for, or `404`; each question counts against the client. */
  async function receiptHolder(
    request: FastifyRequest<{ Params: { id: string }; Body: ReceiptRequest }>,
  ): Promise<SubmissionRecord> {
    const wait = await limiter.take(`receipt:${clientKey(request.ip)}`);
    if (wait !== null) {
      throw new ApiError(429, 'rate_limited', 'Too many questions; try again later', {
        headers: { 'retry-after': String(wait) },
      });
    }
    const submission = await app.store.getSubmission(request.campaign.id, request.params.id);
    if (!matches(submission, request.body.secret)) throw notFound('Submission');
    return submission!;
  }

  // Any origin may ask (their preflight answers any, submissions.ts): the receipt's
  // secret is what grants the answer, and it carries no cookie. A reader whose partner
  // site was disabled or deleted since can still see and withdraw what they sent.
  const schema = (summary: string, answer: 'ReceiptStatus' | 'WithdrawAnswer') => ({
    summary,
    tags: ['submissions'],
    params: ItemParams,
    body: ref('ReceiptRequest'),
    response: { 200: ref(answer), ...errorAnswers(400, 404, 429) },
  });

  app.post<{ Params: { id: string }; Body: ReceiptRequest }>(
    '/:id/receipt',
    {
      schema: schema('What became of a submission, told by its receipt', 'ReceiptStatus'),
    },
    async (request) => {
      const submission = await receiptHolder(request);
      const answer: ReceiptStatus = {
        id: submission.id,
        status: receiptState(submission),
        receivedAt: iso(submission.receivedAt),
      };
      return answer;
    },
  );

  app.post<{ Params: { id: string }; Body: ReceiptRequest }>(
    '/:id/withdraw',
    {
      schema: schema(
        'Withdraw a submission with its receipt: deleted for good, off every wall',
        'WithdrawAnswer',
      ),
    },
    async (request) => {
      const submission = await receiptHolder(request);
      const { deleted } = await app.store.deleteSubmission(request.campaign.id, submission.id, {
        actor: READER_ACTOR,
        now: Date.now(),
        action: 'withdraw',
        reason: null,
      });
      if (!deleted) throw notFound('Submission');
      const answer: WithdrawAnswer = { id: submission.id, withdrawn: true };
      return answer;
    },
  );
}
