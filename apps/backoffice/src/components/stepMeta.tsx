import type { ComponentType } from 'react';
import { IconCircleCheck, IconCircleX, IconClockHour4, IconMinus, IconHandStop, IconId, IconUserCircle, IconIdBadge2, IconEyeCheck, IconFaceId, IconShieldSearch, IconListCheck, IconMail, IconPhone, IconConfetti } from '@tabler/icons-react';
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

export function stepStatusIcon(status: string, size = 16) {
  switch (status) {
    case 'approved':
      return <IconCircleCheck size={size} color="var(--mantine-color-teal-7)" />;
    case 'rejected':
      return <IconCircleX size={size} color="var(--mantine-color-red-7)" />;
    case 'pending':
      return <IconClockHour4 size={size} color="var(--mantine-color-yellow-7)" />;
    default:
      return <IconMinus size={size} color="var(--mantine-color-gray-5)" />;
  }
}
