import { z } from 'zod';

/**
 * The flow model: an ordered list of steps from a catalogue, each with its settings, plus flow-level
 * settings. Defaults live in the schemas, so a step added with `{type}` alone is complete.
 * Document issuing states use ICAO 9303 three-letter codes (what the MRZ carries, `D` for Germany);
 * IP country restrictions use ISO 3166-1 alpha-2 (what IP geolocation yields).
 */

export const DOCUMENT_TYPES = ['passport', 'id_card', 'residence_permit', 'driving_licence', 'visa', 'bank_card'] as const;
export const LIVENESS_ACTIONS = ['turn_left', 'turn_right', 'look_up', 'blink', 'smile'] as const;
export const FACE_SOURCES = ['document', 'selfie', 'liveness', 'selfie_with_document', 'external'] as const;

const Alpha2 = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code');
const Icao = z.string().regex(/^[A-Z]{1,3}$/, 'ICAO 9303 state code');
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour like #1a2b3c');

export const ZIntroSettings = z.object({
  title: z.string().max(200).default('Verify your identity'),
  body: z.string().max(5000).default('It takes a few minutes. Have your identity document ready.'),
  buttonText: z.string().max(60).default('Start'),
});

export const ZThankYouSettings = z.object({
  title: z.string().max(200).default('Thank you'),
  body: z.string().max(5000).default('Your information was submitted.'),
});

export const ZDocumentSettings = z.object({
  countries: z.object({ allowed: z.array(Icao).max(300).nullable().default(null), excluded: z.array(Icao).max(300).default([]) }).default({ allowed: null, excluded: [] }),
  documentTypes: z
    .array(z.object({ type: z.enum(DOCUMENT_TYPES), back: z.enum(['required', 'optional', 'none']).default('none') }))
    .min(1)
    .default([
      { type: 'passport', back: 'none' },
      { type: 'id_card', back: 'required' },
      { type: 'residence_permit', back: 'required' },
      { type: 'driving_licence', back: 'required' },
    ]),
  captureMethods: z.array(z.enum(['upload', 'camera', 'autocapture'])).min(1).default(['upload', 'camera', 'autocapture']),
  /** Shape of the camera frame overlay. */
  orientation: z.enum(['landscape', 'portrait']).default('landscape'),
  devices: z.array(z.enum(['mobile', 'desktop'])).min(1).default(['mobile', 'desktop']),
  minAge: z.number().int().min(0).max(120).default(18),
  ageRange: z.object({ min: z.number().int().min(0).max(120), max: z.number().int().min(0).max(150) }).nullable().default(null),
  expiryAdjustmentMonths: z.number().int().min(-120).max(120).default(0),
  qualityChecks: z.object({ focus: z.boolean().default(true), glare: z.boolean().default(true), colour: z.boolean().default(false) }).default({ focus: true, glare: true, colour: false }),
  minIndentPercent: z.number().min(0).max(25).default(0),
  mrzRequired: z.boolean().default(false),
  maxAttempts: z.number().int().min(1).max(20).default(3),
  blockDifferentDocuments: z.boolean().default(true),
  blockSamePersonDifferentData: z.boolean().default(true),
  prefill: z
    .object({ enabled: z.boolean().default(false), mapping: z.record(z.string(), z.string()).default({}) })
    .default({ enabled: false, mapping: {} }),
});

export const ZSelfieSettings = z.object({
  allowContinueWithoutFace: z.boolean().default(false),
  maxAttempts: z.number().int().min(1).max(20).default(3),
});

export const ZSelfieWithDocumentSettings = z.object({ maxAttempts: z.number().int().min(1).max(20).default(3) });

export const ZLivenessSettings = z.object({
  mode: z.enum(['one_shot', 'active']).default('active'),
  actions: z.array(z.enum(LIVENESS_ACTIONS)).min(1).default(['turn_left', 'turn_right', 'blink']),
  actionCount: z.number().int().min(1).max(5).default(3),
  attempts: z.number().int().min(1).max(5).default(3),
});

export const ZFaceMatchSettings = z.object({
  sources: z.array(z.enum(FACE_SOURCES)).min(2).default(['document', 'selfie']),
  threshold: z.number().min(0).max(100).default(85),
});

export const ZAmlSettings = z.object({
  lists: z.array(z.string().max(64)).max(100).nullable().default(null),
  threshold: z.number().min(0).max(100).default(70),
  includeRelatives: z.boolean().default(false),
  includeAliases: z.boolean().default(true),
  monitoring: z.object({ enabled: z.boolean().default(false), periodicity: z.enum(['daily', 'weekly', 'monthly']).default('daily') }).default({ enabled: false, periodicity: 'daily' }),
  fieldMapping: z
    .object({
      fullName: z.enum(['document', 'fixedInfo']).default('document'),
      birthDate: z.enum(['document', 'fixedInfo', 'none']).default('document'),
      country: z.enum(['document', 'fixedInfo', 'none']).default('document'),
    })
    .default({ fullName: 'document', birthDate: 'document', country: 'document' }),
});

export const ZQuestionnaireSettings = z.object({
  schema: z.record(z.string(), z.unknown()).default({ pages: [] }),
});

export const ZEmailSettings = z.object({
  attempts: z.number().int().min(1).max(10).default(5),
  codeLength: z.number().int().min(4).max(8).default(6),
  ttlMinutes: z.number().int().min(1).max(60).default(10),
});

export const ZPhoneSettings = z.object({
  attempts: z.number().int().min(1).max(10).default(5),
  codeLength: z.number().int().min(4).max(8).default(6),
  ttlMinutes: z.number().int().min(1).max(60).default(10),
  channel: z.enum(['sms', 'call']).default('sms'),
  allowedTypes: z.array(z.enum(['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE', 'VOIP'])).default(['MOBILE', 'FIXED_LINE_OR_MOBILE']),
  allowedCountries: z.array(Alpha2).nullable().default(null),
});

export const STEP_SETTINGS = {
  intro: ZIntroSettings,
  document: ZDocumentSettings,
  selfie: ZSelfieSettings,
  selfie_with_document: ZSelfieWithDocumentSettings,
  liveness: ZLivenessSettings,
  face_match: ZFaceMatchSettings,
  aml: ZAmlSettings,
  questionnaire: ZQuestionnaireSettings,
  email: ZEmailSettings,
  phone: ZPhoneSettings,
  thank_you: ZThankYouSettings,
} as const;

export type StepType = keyof typeof STEP_SETTINGS;
export const STEP_TYPES = Object.keys(STEP_SETTINGS) as StepType[];

/** Steps the applicant never submits: the server runs them when their inputs exist. */
export const DERIVED_STEPS: StepType[] = ['face_match', 'aml'];
/** Steps that only show content. */
export const CONTENT_STEPS: StepType[] = ['intro', 'thank_you'];

const stepId = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, - and _');

export const ZStep = z.discriminatedUnion(
  'type',
  STEP_TYPES.map((type) =>
    z.object({
      id: stepId,
      type: z.literal(type),
      title: z.string().max(120).optional(),
      settings: (STEP_SETTINGS[type] as z.ZodObject).default(STEP_SETTINGS[type].parse({}) as never),
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const ZStyle = z.object({
  primaryColor: Color.default('#1f5eff'),
  backgroundColor: Color.default('#ffffff'),
  textColor: Color.default('#111827'),
  buttonTextColor: Color.default('#ffffff'),
  fontFamily: z.string().max(120).default('Inter, system-ui, sans-serif'),
  buttonRadius: z.number().int().min(0).max(32).default(8),
  logoUrl: z.url({ protocol: /^https?$/ }).nullable().default(null),
});

export const ZFlowSettings = z.object({
  countries: z.object({ allowed: z.array(Alpha2).nullable().default(null), excluded: z.array(Alpha2).default([]) }).default({ allowed: null, excluded: [] }),
  approvalPolicy: z.enum(['manual', 'auto_all', 'auto_if_passed']).default('manual'),
  maxCriticalErrors: z.number().int().min(1).max(100).default(5),
  sessionLifetimeMinutes: z.number().int().min(5).max(60 * 24 * 90).default(60 * 24 * 7),
  dataRetentionDays: z.number().int().min(0).max(3650).default(0),
  redirectUrl: z.url({ protocol: /^https?$/ }).nullable().default(null),
  language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).default('en'),
  style: ZStyle.default(ZStyle.parse({})),
});

export const ZFlowDefinition = z.object({
  steps: z.array(ZStep).max(30).default([]),
  settings: ZFlowSettings.default(ZFlowSettings.parse({})),
});

export type FlowStep = { id: string; type: StepType; title?: string; settings: Record<string, unknown> };
export type FlowDefinition = { steps: FlowStep[]; settings: z.infer<typeof ZFlowSettings> };

export function parseDefinition(raw: unknown): FlowDefinition {
  return ZFlowDefinition.parse(raw) as unknown as FlowDefinition;
}

export function stepSettings<T extends StepType>(step: FlowStep, type: T): z.infer<(typeof STEP_SETTINGS)[T]> {
  if (step.type !== type) throw new Error(`step ${step.id} is ${step.type}, not ${type}`);
  return step.settings as never;
}

/** Steps that must be finished for a verification to be complete. */
export function requiredSteps(def: FlowDefinition): FlowStep[] {
  return def.steps.filter((s) => !CONTENT_STEPS.includes(s.type));
}
