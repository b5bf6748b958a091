/** The newsroom console's API, under `/v1/campaigns/:campaign/staff`. */
import type { FastifyInstance } from 'fastify';

export default async function newsroomRoutes(_staff: FastifyInstance): Promise<void> {}
