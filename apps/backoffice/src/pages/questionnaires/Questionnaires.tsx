import { useMemo, useState } from 'react';
import { Alert, Button, Paper, Table, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useFlows } from '../../api/hooks.ts';
import { EmptyState, ErrorAlert, PageHeader, StatusBadge, TableSkeleton } from '../../components/ui.tsx';
import { fmtDateTime } from '../../lib/format.ts';
import { normalise, questionCount } from '../../lib/survey.ts';

/**
 * Questionnaires live inside flows (a questionnaire step's `schema` setting, SurveyJS JSON), so this list
 * is every questionnaire step of every flow in the current mode.
 */
export function Questionnaires() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { flows, isLoading, error } = useFlows(false);
  const [search, setSearch] = useState('');
  const rows = useMemo(
    () =>
      flows
        .flatMap((f) => f.draft.steps.filter((s) => s.type === 'questionnaire').map((s) => ({ flow: f, step: s, title: (normalise(s.settings.schema).title as string | undefined) ?? s.title ?? s.id })))
        .filter((r) => !search || `${r.title} ${r.flow.name} ${r.step.id}`.toLowerCase().includes(search.toLowerCase())),
    [flows, search],
  );
  return (
    <>
      <PageHeader title={t('questionnaires.title')} description={t('questionnaires.description')} />
      <TextInput leftSection={<IconSearch size={14} />} placeholder={t('common.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={320} mb="md" aria-label={t('common.search')} />
      {error && <ErrorAlert error={error} />}
      <Paper>
        {isLoading ? (
          <TableSkeleton cols={4} />
        ) : !rows.length ? (
          <EmptyState
            title={t('questionnaires.empty')}
            description={t('questionnaires.emptyText')}
            action={
              <Button component={Link} to="/workflows" variant="light">
                {t('nav.workflows')}
              </Button>
            }
          />
        ) : (
          <Table className="sticky-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('common.name')}</Table.Th>
                <Table.Th>{t('common.flow')}</Table.Th>
                <Table.Th>{t('questionnaires.questions')}</Table.Th>
                <Table.Th>{t('common.updated')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={`${r.flow.id}~${r.step.id}`} className="clickable-row" tabIndex={0} onClick={() => navigate(`/questionnaires/${r.flow.id}~${r.step.id}`)} onKeyDown={(e) => e.key === 'Enter' && navigate(`/questionnaires/${r.flow.id}~${r.step.id}`)}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {r.title}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.flow.name}</Text>
                    {r.flow.version ? <StatusBadge status="published" /> : <StatusBadge status="draft" />}
                  </Table.Td>
                  <Table.Td>{questionCount(r.step.settings.schema)}</Table.Td>
                  <Table.Td>{fmtDateTime(r.flow.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <Alert color="gray" mt="md" variant="light">
        {t('questionnaires.howTo')}
      </Alert>
    </>
  );
}
