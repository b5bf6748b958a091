/**
 * TypeBox schemas of the newsroom console's routes (`routes/newsroom.ts`), checked at
 * compile time against the wire types in `src/api/newsroom.ts`.
 */
export const NEWSROOM_COMPONENTS = {};
