/**
 * TypeBox schemas of the partner-site routes (`routes/partners.ts`): OpenAPI
 * components, the exact checks of the bodies, and proof at the bottom that each is
 * exactly its interface in `src/api/partners.ts`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type {
  PartnerDeleted,
  PartnerFigures,
  PartnerList,
  PartnerSite,
  PartnerSiteInput,
  PartnerSiteUpdate,
} from '../../src/api/partners.js';
import { DateTime, Nullable, type Assert, type Equals } from './schemas.js';

/** Most partner sites per campaign, and origins per partner. */
export const MAX_PARTNERS = 200;
export const MAX_ORIGINS = 20;
export const NAME_MAX = 120;
export const CONTACT_MAX = 300;
/** An origin is short: scheme, host, port. */
export const ORIGIN_MAX = 300;

const Count = Type.Integer({ minimum: 0 });

export const PartnerFiguresSchema = Type.Object(
  { submissions: Count, published: Count, openWalls: Count },
  { additionalProperties: false },
);

export const PartnerSiteSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    origins: Type.Array(Type.String()),
    contact: Nullable(Type.String()),
    enabled: Type.Boolean(),
    version: Type.Integer({ minimum: 1 }),
    createdAt: DateTime,
    updatedAt: DateTime,
    figures: PartnerFiguresSchema,
  },
  { additionalProperties: false },
);

// Lengths and shapes are checked by hand after this (each problem named by its
// field): the schema only fixes the types, so no value is coerced or dropped.
const Name = Type.String({ description: `1–${NAME_MAX} characters` });
const Origins = Type.Array(Type.String(), {
  description: `1–${MAX_ORIGINS} origins, \`https://host[:port]\` (http only for localhost)`,
});
const Contact = Nullable(Type.String({ description: `Up to ${CONTACT_MAX} characters` }));

export const PartnerSiteInputSchema = Type.Object(
  {
    name: Name,
    origins: Origins,
    contact: Type.Optional(Contact),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PartnerSiteUpdateSchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    name: Name,
    origins: Origins,
    contact: Contact,
    enabled: Type.Boolean(),
  },
  { additionalProperties: false },
);

const Unassigned = Type.Object(
  { origin: Type.String(), submissions: Count, published: Count, openWalls: Count },
  { additionalProperties: false },
);

export const PartnerListSchema = Type.Object(
  {
    items: Type.Array(PartnerSiteSchema),
    configuredOrigins: Type.Array(Type.String()),
    unassigned: Type.Array(Unassigned),
    limits: Type.Object(
      { partners: Type.Integer(), originsPerPartner: Type.Integer() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const PartnerDeletedSchema = Type.Object(
  { id: Type.String(), deleted: Type.Literal(true) },
  { additionalProperties: false },
);

export const PartnerParams = Type.Object({
  campaign: Type.String({ maxLength: 100 }),
  id: Type.String({ maxLength: 100 }),
});

export const PartnerDeleteQuery = Type.Object({
  version: Type.String({ pattern: '^[1-9][0-9]{0,9}$', description: 'The version the admin saw' }),
});

export const PARTNER_COMPONENTS = {
  PartnerFigures: PartnerFiguresSchema,
  PartnerSite: PartnerSiteSchema,
  PartnerSiteInput: PartnerSiteInputSchema,
  PartnerSiteUpdate: PartnerSiteUpdateSchema,
  PartnerList: PartnerListSchema,
  PartnerDeleted: PartnerDeletedSchema,
} as const;

/** A reference to a partner component. */
export const pref = (name: keyof typeof PARTNER_COMPONENTS, description?: string): TSchema =>
  Type.Unsafe({ $ref: `${name}#`, ...(description ? { description } : {}) });

export type PartnerContractChecks = [
  Assert<Equals<Static<typeof PartnerFiguresSchema>, PartnerFigures>>,
  Assert<Equals<Static<typeof PartnerSiteSchema>, PartnerSite>>,
  Assert<Equals<Static<typeof PartnerSiteInputSchema>, PartnerSiteInput>>,
  Assert<Equals<Static<typeof PartnerSiteUpdateSchema>, PartnerSiteUpdate>>,
  Assert<Equals<Static<typeof PartnerListSchema>, PartnerList>>,
  Assert<Equals<Static<typeof PartnerDeletedSchema>, PartnerDeleted>>,
];
