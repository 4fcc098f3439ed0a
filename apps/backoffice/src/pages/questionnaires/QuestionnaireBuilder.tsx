import { lazy, Suspense, useMemo, useState } from 'react';
import { ActionIcon, Anchor, Badge, Box, Breadcrumbs, Button, Center, Checkbox, Code, Grid, Group, JsonInput, Loader, Paper, SegmentedControl, Select, Stack, Tabs, TagsInput, Text, Textarea, TextInput, Title, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconArrowDown, IconArrowUp, IconDeviceFloppy, IconPlus, IconTrash } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Flow } from '../../api/flows.ts';
import { BlockSkeleton, ErrorAlert, PageHeader, notifySuccess } from '../../components/ui.tsx';
import { ACTIONS, OPERATORS, QUESTION_TYPES, allNames, applyRule, buildExpression, kindOf, listRules, newQuestion, normalise, removeRule, uniqueName, type Action, type Condition, type QuestionKind, type SurveyElement, type SurveyJson } from '../../lib/survey.ts';

const SurveyPreview = lazy(() => import('./SurveyPreview.tsx'));

export function QuestionnaireBuilder() {
  const { id = '' } = useParams();
  const [flowId, stepId] = id.split('~');
  const q = useQuery({ queryKey: ['flows', 'one', flowId], queryFn: () => api.get<Flow>(`/v1/flows/${flowId}`) });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <Paper p="lg"><BlockSkeleton lines={6} /></Paper>;
  const step = q.data.draft.steps.find((s) => s.id === stepId && s.type === 'questionnaire');
  if (!step) return <ErrorAlert error={new Error('This flow has no questionnaire step with that id.')} />;
  return <Builder flow={q.data} stepId={stepId} initial={normalise(step.settings.schema)} />;
}

function Builder({ flow, stepId, initial }: { flow: Flow; stepId: string; initial: SurveyJson }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [json, setJson] = useState<SurveyJson>(initial);
  const [dirty, setDirty] = useState(false);
  const [tab, setTab] = useState<string | null>('designer');
  const update = (j: SurveyJson) => {
    setJson(j);
    setDirty(true);
  };
  const save = useMutation({
    mutationFn: async () => {
      // Read the latest draft first so a save here never overwrites other edits to the flow.
      const fresh = await api.get<Flow>(`/v1/flows/${flow.id}`);
      const steps = fresh.draft.steps.map((s) => (s.id === stepId ? { ...s, settings: { ...s.settings, schema: json } } : s));
      return api.patch<Flow>(`/v1/flows/${flow.id}`, { definition: { ...fresh.draft, steps } });
    },
    onSuccess: async (f) => {
      setDirty(false);
      qc.setQueryData(['flows', 'one', f.id], f);
      await qc.invalidateQueries({ queryKey: ['flows'] });
      notifySuccess(t('questionnaires.saved'));
    },
  });
  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to="/questionnaires">
          {t('questionnaires.title')}
        </Anchor>
        <Anchor component={Link} to={`/workflows/${flow.id}`}>
          {flow.name}
        </Anchor>
        <Text size="sm">{stepId}</Text>
      </Breadcrumbs>
      <PageHeader
        title={<TextInput variant="unstyled" value={json.title ?? ''} placeholder={t('questionnaires.untitled')} onChange={(e) => update({ ...json, title: e.currentTarget.value })} styles={{ input: { fontSize: 24, fontWeight: 650, minWidth: 360 } }} aria-label={t('common.name')} />}
        description={t('questionnaires.builderText')}
        actions={
          <>
            {dirty && <Badge color="orange" variant="light">{t('questionnaires.unsaved')}</Badge>}
            <Button leftSection={<IconDeviceFloppy size={16} />} onClick={() => save.mutate()} loading={save.isPending} disabled={!dirty}>
              {t('questionnaires.saveDraft')}
            </Button>
          </>
        }
      />
      {save.error && <ErrorAlert error={save.error} />}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="designer">{t('questionnaires.designer')}</Tabs.Tab>
          <Tabs.Tab value="preview">{t('common.preview')}</Tabs.Tab>
          <Tabs.Tab value="logic">{t('questionnaires.logic')}</Tabs.Tab>
          <Tabs.Tab value="json">JSON</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="designer">
          <Designer json={json} onChange={update} />
        </Tabs.Panel>
        <Tabs.Panel value="preview">
          <Paper p="lg">
            <Suspense fallback={<Center h={200}><Loader size="sm" /></Center>}>
              <SurveyPreview json={json} />
            </Suspense>
          </Paper>
        </Tabs.Panel>
        <Tabs.Panel value="logic">
          <Logic json={json} onChange={update} />
        </Tabs.Panel>
        <Tabs.Panel value="json">
          <JsonTab json={json} onChange={update} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function choiceText(c: string | { value: string; text?: string }) {
  return typeof c === 'string' ? c : (c.text ?? c.value);
}

function Designer({ json, onChange }: { json: SurveyJson; onChange: (j: SurveyJson) => void }) {
  const { t } = useTranslation();
  const [pageIdx, setPageIdx] = useState(0);
  const [sel, setSel] = useState<number | null>(null);
  const page = json.pages[pageIdx];
  const setPage = (p: typeof page) => onChange({ ...json, pages: json.pages.map((x, i) => (i === pageIdx ? p : x)) });
  const addPage = () => {
    const name = uniqueName('page', allNames(json));
    onChange({ ...json, pages: [...json.pages, { name, elements: [] }] });
    setPageIdx(json.pages.length);
    setSel(null);
  };
  const addQuestion = (k: QuestionKind) => {
    if (!page) {
      const name = uniqueName('page', allNames(json));
      const q = newQuestion(k, allNames(json));
      onChange({ ...json, pages: [{ name, elements: [q] }] });
      setPageIdx(0);
      setSel(0);
      return;
    }
    const q = newQuestion(k, allNames(json));
    setPage({ ...page, elements: [...page.elements, q] });
    setSel(page.elements.length);
  };
  const el = page && sel !== null ? page.elements[sel] : null;
  const setEl = (e: SurveyElement) => setPage({ ...page, elements: page.elements.map((x, i) => (i === sel ? e : x)) });
  const move = (i: number, d: number) => {
    const j = i + d;
    if (!page || j < 0 || j >= page.elements.length) return;
    const els = [...page.elements];
    [els[i], els[j]] = [els[j], els[i]];
    setPage({ ...page, elements: els });
    setSel(j);
  };

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 3 }}>
        <Paper p="md">
          <Title order={6} tt="uppercase" c="dimmed" fz={12} mb="sm">
            {t('questionnaires.addQuestion')}
          </Title>
          <Stack gap={6}>
            {QUESTION_TYPES.map((k) => (
              <Button key={k} variant="default" justify="space-between" rightSection={<IconPlus size={14} />} onClick={() => addQuestion(k)} data-testid={`add-${k}`}>
                {t(`questionTypes.${k}`)}
              </Button>
            ))}
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Paper p="md">
          <Group justify="space-between" mb="sm">
            <SegmentedControl size="xs" value={String(pageIdx)} onChange={(v) => { setPageIdx(Number(v)); setSel(null); }} data={json.pages.length ? json.pages.map((p, i) => ({ value: String(i), label: p.title || p.name })) : [{ value: '0', label: t('questionnaires.noPages'), disabled: true }]} />
            <Button size="xs" variant="subtle" leftSection={<IconPlus size={14} />} onClick={addPage}>
              {t('questionnaires.addPage')}
            </Button>
          </Group>
          {page && (
            <TextInput size="xs" mb="sm" label={t('questionnaires.pageTitle')} value={page.title ?? ''} onChange={(e) => setPage({ ...page, title: e.currentTarget.value })} />
          )}
          <Stack gap={6}>
            {!page?.elements.length && (
              <Text size="sm" c="dimmed" ta="center" py="xl">
                {t('questionnaires.noQuestions')}
              </Text>
            )}
            {page?.elements.map((e, i) => (
              <Group key={`${e.name}-${i}`} gap={6} wrap="nowrap" p={8} style={{ border: `1px solid ${i === sel ? 'var(--mantine-color-blue-5)' : 'var(--mantine-color-gray-3)'}`, borderRadius: 8, background: i === sel ? 'var(--mantine-color-blue-0)' : undefined }}>
                <Box style={{ flex: 1, minWidth: 0, cursor: 'pointer' }} onClick={() => setSel(i)} onKeyDown={(ev) => ev.key === 'Enter' && setSel(i)} tabIndex={0} role="button" aria-pressed={i === sel}>
                  <Text size="sm" fw={500} truncate>
                    {e.title || e.name}
                    {e.isRequired ? ' *' : ''}
                  </Text>
                  <Group gap={4}>
                    <Badge size="xs" variant="light" tt="none">
                      {t(`questionTypes.${kindOf(e)}`, { defaultValue: e.type })}
                    </Badge>
                    <Text size="xs" c="dimmed" className="mono">
                      {e.name}
                    </Text>
                    {(e.visibleIf || e.enableIf || e.requiredIf) && <Badge size="xs" color="grape" variant="light">{t('questionnaires.hasLogic')}</Badge>}
                  </Group>
                </Box>
                <ActionIcon size="sm" variant="subtle" color="gray" onClick={() => move(i, -1)} disabled={i === 0} aria-label={t('workflows.moveUp')}>
                  <IconArrowUp size={14} />
                </ActionIcon>
                <ActionIcon size="sm" variant="subtle" color="gray" onClick={() => move(i, 1)} disabled={i === page.elements.length - 1} aria-label={t('workflows.moveDown')}>
                  <IconArrowDown size={14} />
                </ActionIcon>
                <ActionIcon size="sm" variant="subtle" color="red" onClick={() => { setPage({ ...page, elements: page.elements.filter((_, j) => j !== i) }); setSel(null); }} aria-label={t('common.remove')}>
                  <IconTrash size={14} />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Paper p="md">
          {!el ? (
            <Text size="sm" c="dimmed" ta="center" py="xl">
              {t('questionnaires.selectQuestion')}
            </Text>
          ) : (
            <Stack>
              <Title order={6}>{t(`questionTypes.${kindOf(el)}`, { defaultValue: el.type })}</Title>
              <Textarea label={t('questionnaires.questionText')} value={el.title ?? ''} onChange={(e) => setEl({ ...el, title: e.currentTarget.value })} autosize minRows={2} data-testid="question-title" />
              <TextInput label={t('questionnaires.questionName')} description={t('questionnaires.questionNameHelp')} value={el.name} onChange={(e) => setEl({ ...el, name: e.currentTarget.value.replace(/[^A-Za-z0-9_-]/g, '') })} />
              <Checkbox label={t('questionnaires.required')} checked={!!el.isRequired} onChange={(e) => setEl({ ...el, isRequired: e.currentTarget.checked })} />
              {['radiogroup', 'checkbox', 'dropdown'].includes(el.type) && <TagsInput label={t('questionnaires.choices')} value={(el.choices ?? []).map(choiceText)} onChange={(v) => setEl({ ...el, choices: v })} />}
              {el.type === 'matrix' && (
                <>
                  <TagsInput label={t('questionnaires.rows')} value={(el.rows ?? []).map(choiceText)} onChange={(v) => setEl({ ...el, rows: v })} />
                  <TagsInput label={t('questionnaires.columns')} value={(el.columns ?? []).map(choiceText)} onChange={(v) => setEl({ ...el, columns: v })} />
                </>
              )}
            </Stack>
          )}
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

function Logic({ json, onChange }: { json: SurveyJson; onChange: (j: SurveyJson) => void }) {
  const { t } = useTranslation();
  const questions = json.pages.flatMap((p) => p.elements.map((e) => ({ value: e.name, label: e.title || e.name })));
  const targets = [...json.pages.map((p) => ({ value: p.name, label: `${t('questionnaires.page')}: ${p.title || p.name}` })), ...questions];
  const [conds, setConds] = useState<Condition[]>([{ question: '', operator: 'equal', value: '' }]);
  const [join, setJoin] = useState<'and' | 'or'>('and');
  const [manual, setManual] = useState(false);
  const [expression, setExpression] = useState('');
  const [action, setAction] = useState<Action>('show');
  const [target, setTarget] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const [from, setFrom] = useState<string | null>(null);
  const [run, setRun] = useState('');
  const [error, setError] = useState<unknown>(null);
  const built = manual ? expression : buildExpression(conds, join);
  const rules = useMemo(() => listRules(json), [json]);
  const needsTarget = !['complete', 'runexpression'].includes(action);
  const add = () => {
    try {
      setError(null);
      if (!built.trim()) throw new Error(t('questionnaires.needCondition'));
      onChange(applyRule(json, { id: '', expression: built, action, target: target ?? undefined, value, from: from ?? undefined, run }));
      setConds([{ question: '', operator: 'equal', value: '' }]);
      setExpression('');
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Paper p="lg">
          <Title order={5} mb="md">
            {t('questionnaires.newRule')}
          </Title>
          <Stack>
            {error != null && <ErrorAlert error={error} />}
            <Group justify="space-between">
              <Text size="sm" fw={500}>
                {t('questionnaires.if')}
              </Text>
              <SegmentedControl size="xs" value={manual ? 'manual' : 'builder'} onChange={(v) => { setManual(v === 'manual'); if (v === 'manual') setExpression(buildExpression(conds, join)); }} data={[{ value: 'builder', label: t('questionnaires.conditions') }, { value: 'manual', label: t('questionnaires.manualExpression') }]} />
            </Group>
            {manual ? (
              <Textarea value={expression} onChange={(e) => setExpression(e.currentTarget.value)} placeholder="{age} >= 18 and {country} = 'ES'" autosize minRows={2} className="mono" aria-label={t('questionnaires.manualExpression')} />
            ) : (
              <>
                {conds.map((c, i) => (
                  <Group key={i} gap={6} wrap="nowrap" align="flex-end">
                    <Select size="xs" data={questions} value={c.question || null} onChange={(v) => setConds(conds.map((x, j) => (j === i ? { ...x, question: v ?? '' } : x)))} placeholder={t('questionnaires.question')} aria-label={t('questionnaires.question')} style={{ flex: 2 }} />
                    <Select size="xs" data={OPERATORS.map((o) => ({ value: o, label: t(`operators.${o}`) }))} value={c.operator} onChange={(v) => v && setConds(conds.map((x, j) => (j === i ? { ...x, operator: v as Condition['operator'] } : x)))} allowDeselect={false} aria-label={t('questionnaires.operator')} style={{ flex: 1.4 }} />
                    {!['empty', 'notempty'].includes(c.operator) && <TextInput size="xs" value={c.value} onChange={(e) => { const v = e.currentTarget.value; setConds(conds.map((x, j) => (j === i ? { ...x, value: v } : x))); }} placeholder={t('questionnaires.value')} aria-label={t('questionnaires.value')} style={{ flex: 1.4 }} />}
                    <ActionIcon variant="subtle" color="gray" onClick={() => setConds(conds.filter((_, j) => j !== i))} disabled={conds.length === 1} aria-label={t('common.remove')}>
                      <IconTrash size={14} />
                    </ActionIcon>
                  </Group>
                ))}
                <Group>
                  <Button size="xs" variant="subtle" leftSection={<IconPlus size={14} />} onClick={() => setConds([...conds, { question: '', operator: 'equal', value: '' }])}>
                    {t('questionnaires.addCondition')}
                  </Button>
                  <SegmentedControl size="xs" value={join} onChange={(v) => setJoin(v as 'and' | 'or')} data={[{ value: 'and', label: t('questionnaires.and') }, { value: 'or', label: t('questionnaires.or') }]} />
                </Group>
              </>
            )}
            <Text size="sm" fw={500}>
              {t('questionnaires.then')}
            </Text>
            <Select data={ACTIONS.map((a) => ({ value: a, label: t(`ruleActions.${a}`) }))} value={action} onChange={(v) => v && setAction(v as Action)} allowDeselect={false} aria-label={t('questionnaires.action')} />
            {needsTarget && <Select data={action === 'show' || action === 'hide' || action === 'enable' || action === 'disable' ? targets : questions} value={target} onChange={setTarget} placeholder={t('questionnaires.target')} aria-label={t('questionnaires.target')} />}
            {action === 'setvalue' && <TextInput label={t('questionnaires.value')} value={value} onChange={(e) => setValue(e.currentTarget.value)} />}
            {action === 'copyvalue' && <Select label={t('questionnaires.copyFrom')} data={questions} value={from} onChange={setFrom} />}
            {action === 'runexpression' && <TextInput label={t('questionnaires.runExpression')} value={run} onChange={(e) => setRun(e.currentTarget.value)} placeholder="{score} + 1" className="mono" />}
            <Code block>{built || '—'}</Code>
            <Button onClick={add} leftSection={<IconPlus size={16} />} w="fit-content">
              {t('questionnaires.addRule')}
            </Button>
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Paper p="lg">
          <Title order={5} mb="md">
            {t('questionnaires.rules', { count: rules.length })}
          </Title>
          {!rules.length && (
            <Text size="sm" c="dimmed">
              {t('questionnaires.noRules')}
            </Text>
          )}
          <Stack gap="xs">
            {rules.map((r) => (
              <Group key={r.key} justify="space-between" wrap="nowrap" p="xs" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
                <Box style={{ minWidth: 0 }}>
                  <Group gap={6}>
                    <Badge size="sm" variant="light" color="grape" tt="none">
                      {r.kind === 'trigger' ? t(`ruleActions.${r.trigger!.type}`, { defaultValue: r.trigger!.type }) : r.kind}
                    </Badge>
                    {r.target && <Text size="sm" fw={500}>{r.target}</Text>}
                  </Group>
                  <Text size="xs" className="mono" c="dimmed" truncate>
                    {r.expression}
                  </Text>
                </Box>
                <Tooltip label={t('common.remove')}>
                  <ActionIcon variant="subtle" color="red" onClick={() => onChange(removeRule(json, r))} aria-label={t('common.remove')}>
                    <IconTrash size={14} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            ))}
          </Stack>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

function JsonTab({ json, onChange }: { json: SurveyJson; onChange: (j: SurveyJson) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(JSON.stringify(json, null, 2));
  const [err, setErr] = useState<string | null>(null);
  return (
    <Paper p="lg">
      <Stack>
        <JsonInput value={text} onChange={setText} autosize minRows={16} maxRows={40} formatOnBlur aria-label="JSON" error={err} />
        <Group>
          <Button
            variant="light"
            onClick={() => {
              try {
                onChange(normalise(JSON.parse(text)));
                setErr(null);
              } catch (e) {
                setErr((e as Error).message);
              }
            }}
          >
            {t('questionnaires.applyJson')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

