import type { ComponentType } from 'react';
import { IconHandStop, IconId, IconUserCircle, IconIdBadge2, IconEyeCheck, IconFaceId, IconShieldSearch, IconListCheck, IconMail, IconPhone, IconConfetti } from '@tabler/icons-react';
import type { StepType } from '../api/flows.ts';

export const STEP_ICONS: Record<StepType, ComponentType<{ size?: number; stroke?: number }>> = {
  intro: IconHandStop,
  document: IconId,
  selfie: IconUserCircle,
  selfie_with_document: IconIdBadge2,
  liveness: IconEyeCheck,
  face_match: IconFaceId,
  aml: IconShieldSearch,
  questionnaire: IconListCheck,
  email: IconMail,
  phone: IconPhone,
  thank_you: IconConfetti,
};

export const STEP_COLORS: Record<StepType, string> = {
  intro: 'gray',
  document: 'blue',
  selfie: 'cyan',
  selfie_with_document: 'indigo',
  liveness: 'violet',
  face_match: 'grape',
  aml: 'red',
  questionnaire: 'orange',
  email: 'teal',
  phone: 'green',
  thank_you: 'gray',
};
