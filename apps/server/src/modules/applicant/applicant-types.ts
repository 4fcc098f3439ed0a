import { z } from 'zod';

export const STATUSES = ['INIT', 'INCOMPLETE', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'APPROVED', 'DECLINED'] as const;
export const STEP_STATUSES = ['not_submitted', 'pending', 'approved', 'rejected'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

const Iso2or3 = z.string().regex(/^[A-Z]{2,3}$/);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** What the customer already knows about the applicant; checked against what the documents say. */
export const ZFixedInfo = z.strictObject({
  firstName: z.string().trim().max(120).optional(),
  middleName: z.string().trim().max(120).optional(),
  lastName: z.string().trim().max(120).optional(),
  dob: IsoDate.optional(),
  country: Iso2or3.optional(),
  nationality: Iso2or3.optional(),
  gender: z.enum(['M', 'F', 'X']).optional(),
  placeOfBirth: z.string().max(200).optional(),
  addresses: z
    .array(z.strictObject({ street: z.string().max(200).optional(), town: z.string().max(120).optional(), postCode: z.string().max(20).optional(), country: Iso2or3.optional() }))
    .max(5)
    .optional(),
  companyName: z.string().trim().max(200).optional(),
});
export type FixedInfo = z.infer<typeof ZFixedInfo>;

export const ZTags = z.array(z.string().trim().min(1).max(50)).max(30);
export const ZMetadata = z.record(z.string().max(64), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()])).refine((m) => Object.keys(m).length <= 50, 'at most 50 keys');

export const ZCreateApplicant = z.strictObject({
  externalUserId: z.string().trim().min(1).max(128),
  flowId: z.string().regex(/^flw_[0-9a-z]{26}$/, 'must be a flw_ id').optional(),
  level: z.string().max(80).optional(),
  applicationId: z.string().regex(/^app_[0-9a-z]{26}$/).optional().describe('back office only: the application the applicant belongs to (API keys use their own)'),
  type: z.enum(['individual', 'company']).default('individual'),
  email: z.email().max(254).optional(),
  phone: z.string().max(32).optional(),
  lang: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional(),
  fixedInfo: ZFixedInfo.optional(),
  tags: ZTags.optional(),
  metadata: ZMetadata.optional(),
});
export type TCreateApplicant = z.infer<typeof ZCreateApplicant>;

export const ZPatchApplicant = z.strictObject({
  email: z.email().max(254).nullable().optional(),
  phone: z.string().max(32).nullable().optional(),
  lang: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional(),
  fixedInfo: ZFixedInfo.optional(),
  tags: ZTags.optional(),
  metadata: ZMetadata.optional(),
  level: z.string().max(80).optional(),
});

export const ZListQuery = z.object({
  status: z.enum(STATUSES).optional(),
  flowId: z.string().max(40).optional(),
  stepType: z.string().max(40).optional(),
  stepStatus: z.enum(STEP_STATUSES).optional(),
  tag: z.string().max(50).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  country: z.string().regex(/^[A-Z]{2,3}$/).optional(),
  reviewerId: z.string().max(40).optional(),
  q: z.string().trim().min(1).max(200).optional().describe('name, externalUserId or document number'),
  deleted: z.enum(['true', 'false']).optional().describe('true: only applicants scheduled for erasure'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TListQuery = z.infer<typeof ZListQuery>;
