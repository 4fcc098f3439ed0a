import { Box, Group, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Definition } from '../../api/flows.ts';
import { STEP_ICONS } from '../../components/stepMeta.tsx';

/**
 * What an applicant sees on the first screen of the hosted flow with this style: same colours, font,
 * button shape and texts as the intro step, updated as settings change.
 */
export function FlowPreview({ definition, stepIndex = 0 }: { definition: Definition; stepIndex?: number }) {
  const { t } = useTranslation();
  const st = definition.settings.style;
  const steps = definition.steps;
  const step = steps[Math.min(stepIndex, Math.max(steps.length - 1, 0))];
  const intro = step?.type === 'intro' ? (step.settings as { title?: string; body?: string; buttonText?: string }) : null;
  const title = intro?.title ?? (step ? step.title || t(`stepTypes.${step.type}`) : t('workflows.noSteps'));
  const body = intro?.body ?? (step ? t(`stepHelp.${step.type}`) : '');
  const Icon = step ? STEP_ICONS[step.type] : null;
  return (
    <Box
      data-testid="flow-preview"
      style={{
        width: 320,
        height: 600,
        borderRadius: 36,
        border: '10px solid #1f2937',
        background: st.backgroundColor,
        color: st.textColor,
        fontFamily: st.fontFamily,
        overflow: 'hidden',
        boxShadow: '0 20px 40px rgba(15,23,42,.18)',
        display: 'flex',
        flexDirection: 'column',
      }}
      aria-label={t('workflows.previewLabel')}
    >
      <Box px={20} pt={18}>
        {st.logoUrl ? <img src={st.logoUrl} alt="" style={{ maxHeight: 28, maxWidth: 120 }} /> : <Text fw={700} size="sm" style={{ color: st.textColor }}>Your company</Text>}
        <Progress value={steps.length ? ((stepIndex + 1) / steps.length) * 100 : 0} size={4} mt={14} color={st.primaryColor} styles={{ root: { background: 'rgba(127,127,127,.2)' } }} />
      </Box>
      <Stack px={20} pt={36} gap={14} style={{ flex: 1 }}>
        {Icon && (
          <Box style={{ width: 56, height: 56, borderRadius: 16, background: st.primaryColor + '1a', color: st.primaryColor, display: 'grid', placeItems: 'center' }}>
            <Icon size={30} />
          </Box>
        )}
        <Text fz={22} fw={700} lh={1.2} style={{ color: st.textColor, fontFamily: st.fontFamily }}>
          {title}
        </Text>
        <Text fz={14} lh={1.5} style={{ color: st.textColor, opacity: 0.75, fontFamily: st.fontFamily, whiteSpace: 'pre-wrap' }}>
          {body}
        </Text>
        <Group gap={6} mt="auto" mb={4} wrap="wrap">
          {steps.map((s, i) => (
            <Box key={s.id} style={{ width: 8, height: 8, borderRadius: 4, background: i <= stepIndex ? st.primaryColor : 'rgba(127,127,127,.3)' }} />
          ))}
        </Group>
      </Stack>
      <Box px={20} pb={26}>
        <Box
          component="div"
          style={{
            background: st.primaryColor,
            color: st.buttonTextColor,
            borderRadius: st.buttonRadius,
            padding: '13px 16px',
            textAlign: 'center',
            fontWeight: 600,
            fontFamily: st.fontFamily,
          }}
        >
          {intro?.buttonText ?? t('workflows.previewContinue')}
        </Box>
      </Box>
    </Box>
  );
}
