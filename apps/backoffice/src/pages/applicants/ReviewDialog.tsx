import { useState } from 'react';
import { Alert, Button, Group, Modal, MultiSelect, SegmentedControl, Stack, TagsInput, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { ApplicantFull } from '../../api/applicants.ts';
import { ErrorAlert, notifySuccess } from '../../components/ui.tsx';

/** Common reasons a compliance team declines; free text labels can be added too. */
export const REJECT_LABELS = ['FORGERY', 'DOCUMENT_TEMPLATE', 'LOW_QUALITY', 'SPAM', 'NOT_DOCUMENT', 'SELFIE_MISMATCH', 'ID_INVALID', 'FOREIGNER', 'DUPLICATE', 'BAD_AVATAR', 'WRONG_USER_REGION', 'INCOMPLETE_DOCUMENT', 'BLACKLIST', 'UNSATISFACTORY_PHOTOS', 'DOCUMENT_PAGE_MISSING', 'DOCUMENT_DAMAGED', 'REGULATIONS_VIOLATIONS', 'INCONSISTENT_PROFILE', 'PROBLEMATIC_APPLICANT_DATA', 'ADDITIONAL_DOCUMENT_REQUIRED', 'AGE_REQUIREMENT_MISMATCH', 'EXPERIENCE_REQUIREMENT_MISMATCH', 'CRIMINAL', 'WRONG_ADDRESS', 'GRAPHIC_EDITOR', 'DOCUMENT_DEPRIVED', 'COMPROMISED_PERSONS', 'PEP', 'ADVERSE_MEDIA', 'FRAUDULENT_PATTERNS', 'SANCTIONS', 'NOT_ALL_CHECKS_COMPLETED', 'FRONT_SIDE_MISSING', 'BACK_SIDE_MISSING', 'SCREENSHOTS', 'BLACK_AND_WHITE', 'INCOMPATIBLE_LANGUAGE', 'EXPIRATION_DATE', 'UNFILLED_ID', 'BAD_SELFIE', 'BAD_VIDEO_SELFIE', 'BAD_FACE_MATCHING', 'BAD_PROOF_OF_IDENTITY', 'BAD_PROOF_OF_ADDRESS', 'BAD_PROOF_OF_PAYMENT', 'SELFIE_WITH_PAPER', 'FRAUDULENT_LIVENESS', 'OTHER'];

export function ReviewDialog({ applicant, decision, onClose }: { applicant: ApplicantFull; decision: 'approve' | 'decline'; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [labels, setLabels] = useState<string[]>([]);
  const [rejectType, setRejectType] = useState<'FINAL' | 'RETRY'>('FINAL');
  const [retrySteps, setRetrySteps] = useState<string[]>([]);
  const [clientComment, setClientComment] = useState('');
  const m = useMutation({
    mutationFn: () =>
      api.post(`/v1/applicants/${applicant.id}/review`, {
        decision,
        reason: reason || undefined,
        ...(decision === 'decline'
          ? { rejectLabels: labels, rejectType, retrySteps: rejectType === 'RETRY' ? retrySteps : undefined, clientComment: clientComment || undefined }
          : {}),
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['applicant', applicant.id] });
      await qc.invalidateQueries({ queryKey: ['applicants'] });
      await qc.invalidateQueries({ queryKey: ['review-queue'] });
      notifySuccess(decision === 'approve' ? t('profile.approvedMsg') : t('profile.declinedMsg'));
      onClose();
    },
  });
  const open = applicant.warnings.filter((w) => !w.resolvedAt);
  const steps = applicant.steps.filter((s) => s.type !== 'intro' && s.type !== 'thank_you' && s.type !== 'face_match' && s.type !== 'aml');
  return (
    <Modal opened onClose={onClose} title={decision === 'approve' ? t('profile.approveTitle') : t('profile.declineTitle')} size="lg">
      <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
        <Stack>
          {m.error && <ErrorAlert error={m.error} />}
          {decision === 'approve' && open.length > 0 && (
            <Alert color="orange" title={t('profile.openWarnings', { count: open.length })}>
              {t('profile.openWarningsText')}
            </Alert>
          )}
          {decision === 'decline' && (
            <>
              <div>
                <Text size="sm" fw={500} mb={4}>
                  {t('profile.rejectType')}
                </Text>
                <SegmentedControl
                  fullWidth
                  value={rejectType}
                  onChange={(v) => setRejectType(v as 'FINAL' | 'RETRY')}
                  data={[{ value: 'FINAL', label: t('profile.final') }, { value: 'RETRY', label: t('profile.retry') }]}
                  data-testid="reject-type"
                />
                <Text size="xs" c="dimmed" mt={4}>
                  {rejectType === 'FINAL' ? t('profile.finalHelp') : t('profile.retryHelp')}
                </Text>
              </div>
              {rejectType === 'RETRY' && (
                <MultiSelect label={t('profile.retrySteps')} data={steps.map((s) => ({ value: s.id, label: s.title ?? t(`stepTypes.${s.type}`) }))} value={retrySteps} onChange={setRetrySteps} required />
              )}
              <TagsInput label={t('profile.rejectLabels')} data={REJECT_LABELS} value={labels} onChange={setLabels} placeholder={t('profile.rejectLabelsPlaceholder')} clearable />
              <Textarea label={t('profile.clientComment')} description={t('profile.clientCommentHelp')} value={clientComment} onChange={(e) => setClientComment(e.currentTarget.value)} autosize minRows={2} />
            </>
          )}
          <Textarea label={t('profile.internalReason')} description={t('profile.internalReasonHelp')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color={decision === 'approve' ? 'teal' : 'red'} loading={m.isPending} disabled={decision === 'decline' && rejectType === 'RETRY' && !retrySteps.length} data-testid="confirm-review">
              {decision === 'approve' ? t('profile.approve') : t('profile.decline')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
