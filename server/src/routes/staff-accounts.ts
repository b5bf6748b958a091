/** Staff sign-in, sessions, one-time links and accounts, under `/v1/staff`. */
import type { FastifyInstance } from 'fastify';

export default async function staffAccountRoutes(_staff: FastifyInstance): Promise<void> {}
