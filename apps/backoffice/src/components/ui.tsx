import { type ReactNode } from 'react';
import { Alert, Badge, Box, Button, CopyButton, Code, EmptyState as MEmptyState, Group, Modal, Skeleton, Stack, Table, Text, Title, Tooltip, ActionIcon } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCheck, IconCopy, IconInbox, IconKey, IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../api/client.ts';

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="nowrap">
      <Box>
        <Title order={2} fz={24} fw={650}>
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm" mt={4}>
            {description}
          </Text>
        )}
      </Box>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}

/** Shows the API's own message (error.message) and its stable code, never a generic "something went wrong". */
export function ErrorAlert({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const { t } = useTranslation();
  const code = error instanceof ApiError ? error.code : null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={title ?? t('common.error')} role="alert">
      <Text size="sm">{errorMessage(error)}</Text>
      {code && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('common.errorCode')}: <Code>{code}</Code>
        </Text>
      )}
      {onRetry && (
        <Button size="xs" variant="white" color="red" mt="sm" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </Alert>
  );
}

export function EmptyState({ title, description, icon, action }: { title: ReactNode; description?: ReactNode; icon?: ReactNode; action?: ReactNode }) {
  return (
    <MEmptyState py="xl" icon={icon ?? <IconInbox size={28} stroke={1.5} />} withIndicatorBackground title={title} description={description}>
      {action && <MEmptyState.Actions>{action}</MEmptyState.Actions>}
    </MEmptyState>
  );
}

export function TableSkeleton({ rows = 6, cols = 5 }: { rows?: number; cols?: number }) {
  return (
    <Table aria-busy="true">
      <Table.Tbody>
        {Array.from({ length: rows }, (_, r) => (
          <Table.Tr key={r}>
            {Array.from({ length: cols }, (_, c) => (
              <Table.Td key={c}>
                <Skeleton height={14} radius="sm" width={c === 0 ? '70%' : '50%'} />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function BlockSkeleton({ lines = 4 }: { lines?: number }) {
  return (
    <Stack gap="sm" aria-busy="true">
      {Array.from({ length: lines }, (_, i) => (
        <Skeleton key={i} height={18} width={`${90 - i * 12}%`} radius="sm" />
      ))}
    </Stack>
  );
}

const STATUS_COLORS: Record<string, string> = {
  approved: 'teal',
  passed: 'teal',
  completed: 'cyan',
  active: 'teal',
  accepted: 'teal',
  published: 'teal',
  live: 'teal',
  superseded: 'gray',
  importing: 'blue',
  blacklist: 'red',
  custom: 'blue',
  success: 'teal',
  delivered: 'teal',
  succeeded: 'teal',
  used: 'gray',
  rejected: 'red',
  declined: 'red',
  failed: 'red',
  error: 'red',
  revoked: 'red',
  deactivated: 'gray',
  disabled: 'gray',
  deleted: 'gray',
  expired: 'gray',
  archived: 'gray',
  pending: 'yellow',
  incomplete: 'yellow',
  opened: 'blue',
  review: 'orange',
  engine_unavailable: 'gray',
  in_review: 'orange',
  on_hold: 'grape',
  needs_review: 'orange',
  queued: 'blue',
  processing: 'blue',
  running: 'blue',
  in_progress: 'blue',
  init: 'gray',
  created: 'gray',
  draft: 'gray',
  not_submitted: 'gray',
  not_imported: 'gray',
  not_run: 'gray',
  skipped: 'gray',
  unknown: 'gray',
  true_positive: 'red',
  false_positive: 'teal',
  potential_match: 'orange',
  open: 'orange',
  unresolved: 'orange',
  resolved: 'teal',
};

export function statusColor(status: string | null | undefined) {
  return STATUS_COLORS[(status ?? '').toLowerCase()] ?? 'gray';
}

/** Colour and words together: a status is never conveyed by colour alone. */
export function StatusBadge({ status, size = 'sm' }: { status: string | null | undefined; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  const s = (status ?? 'unknown').toLowerCase();
  return (
    <Badge color={statusColor(s)} variant="light" size={size} radius="sm" tt="none" fw={600} style={{ flexShrink: 0, maxWidth: "none", overflow: "visible" }} styles={{ label: { overflow: "visible" } }}>
      {t(`status.${s}`, { defaultValue: s.replace(/_/g, ' ') })}
    </Badge>
  );
}

export function CopyField({ value, label, mono = true }: { value: string; label?: string; mono?: boolean }) {
  const { t } = useTranslation();
  return (
    <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
      {label && (
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      )}
      <Text size="sm" ff={mono ? 'monospace' : undefined} truncate="end" style={{ minWidth: 0 }} title={value}>
        {value}
      </Text>
      <CopyButton value={value} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('common.copied') : t('common.copy')} withArrow>
            <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={t('common.copy')} size="sm">
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

export function notifyError(e: unknown, title?: string) {
  notifications.show({ color: 'red', title: title ?? (e instanceof ApiError ? e.code : 'Error'), message: errorMessage(e), autoClose: 8000 });
}

export function notifySuccess(message: string) {
  notifications.show({ color: 'teal', message, icon: <IconCheck size={16} />, autoClose: 3000 });
}

export function Forbidden() {
  const { t } = useTranslation();
  return <EmptyState icon={<IconLock size={28} />} title={t('common.forbidden')} description={t('common.forbiddenText')} />;
}

export function KeyValue({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" w={140} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Box size="sm" style={{ minWidth: 0, fontSize: 'var(--mantine-font-size-sm)' }}>
        {children ?? <Text c="dimmed" size="sm">—</Text>}
      </Box>
    </Group>
  );
}

/** Asks before something that cannot be undone; the confirm button says what will happen. */
export function ConfirmModal({ opened, title, children, confirmLabel, color = 'red', loading, onConfirm, onClose }: { opened: boolean; title: string; children: ReactNode; confirmLabel: string; color?: string; loading?: boolean; onConfirm: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack>
        <Box fz="sm">{children}</Box>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button color={color} onClick={onConfirm} loading={loading}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A secret the server shows once (API key, signing secret): copy it now. */
export function SecretOnce({ title, text, secret }: { title: string; text: string; secret: string }) {
  return (
    <Stack gap="sm">
      <Alert color="orange" icon={<IconKey size={18} />} title={title}>
        {text}
      </Alert>
      <Box p="sm" bg="gray.0" style={{ borderRadius: 8 }} data-testid="secret-once">
        <CopyField value={secret} />
      </Box>
    </Stack>
  );
}
