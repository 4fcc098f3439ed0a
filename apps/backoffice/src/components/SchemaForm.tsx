import { ActionIcon, Button, Fieldset, Group, JsonInput, MultiSelect, NumberInput, Paper, Select, Stack, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { JsonSchema } from '../api/flows.ts';
import { fieldKind, humanize, initialValue, isAlpha2List, nonNull } from '../lib/schema.ts';
import { countryOptions } from '../lib/format.ts';

type Props = { schema: JsonSchema; value: Record<string, unknown>; onChange: (v: Record<string, unknown>) => void; skip?: string[] };

/**
 * Renders every setting a step type has from the JSON Schema the server publishes, so a setting added
 * to the flow model appears here without a front-end change.
 */
export function SchemaForm({ schema, value, onChange, skip = [] }: Props) {
  const props = Object.entries(schema.properties ?? {}).filter(([k]) => !skip.includes(k));
  return (
    <Stack gap="md">
      {props.map(([key, s]) => (
        <Field key={key} name={key} schema={s} value={value?.[key]} onChange={(v) => onChange({ ...value, [key]: v })} />
      ))}
    </Stack>
  );
}

function useLabels() {
  const { t } = useTranslation();
  return {
    label: (k: string) => t(`settingLabels.${k}`, { defaultValue: humanize(k) }),
    option: (v: string | number) => t(`enumLabels.${v}`, { defaultValue: humanize(String(v)) }),
    t,
  };
}

function Field({ name, schema, value, onChange }: { name: string; schema: JsonSchema; value: unknown; onChange: (v: unknown) => void }) {
  const { label, t } = useLabels();
  const { inner, nullable } = nonNull(schema);
  if (nullable) {
    const on = value !== null && value !== undefined;
    return (
      <Paper p="sm" withBorder bg={on ? undefined : 'gray.0'}>
        <Switch
          label={label(name)}
          description={on ? undefined : t('workflows.notSet')}
          checked={on}
          onChange={(e) => onChange(e.currentTarget.checked ? initialValue(inner) : null)}
          mb={on ? 'sm' : 0}
        />
        {on && <Control name={name} schema={inner} value={value} onChange={onChange} hideLabel />}
      </Paper>
    );
  }
  return <Control name={name} schema={inner} value={value} onChange={onChange} />;
}

function Control({ name, schema, value, onChange, hideLabel }: { name: string; schema: JsonSchema; value: unknown; onChange: (v: unknown) => void; hideLabel?: boolean }) {
  const { label, option, t } = useLabels();
  const l = hideLabel ? undefined : label(name);
  const kind = fieldKind(schema);
  switch (kind) {
    case 'boolean':
      return <Switch label={label(name)} checked={!!value} onChange={(e) => onChange(e.currentTarget.checked)} />;
    case 'integer':
    case 'number':
      return (
        <NumberInput
          label={l}
          aria-label={label(name)}
          value={typeof value === 'number' ? value : ''}
          min={schema.minimum}
          max={schema.maximum}
          allowDecimal={kind === 'number'}
          description={schema.minimum !== undefined && schema.maximum !== undefined ? `${schema.minimum} – ${schema.maximum}` : undefined}
          onChange={(v) => onChange(typeof v === 'number' ? v : v === '' ? (schema.minimum ?? 0) : Number(v))}
        />
      );
    case 'enum':
      return (
        <Select label={l} aria-label={label(name)} data={(schema.enum ?? []).map((v) => ({ value: String(v), label: option(v) }))} value={value == null ? null : String(value)} onChange={(v) => v !== null && onChange(v)} allowDeselect={false} />
      );
    case 'string':
      return <TextInput label={l} aria-label={label(name)} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'multiEnum':
      return (
        <MultiSelect
          label={l}
          aria-label={label(name)}
          data={(schema.items?.enum ?? []).map((v) => ({ value: String(v), label: option(v) }))}
          value={Array.isArray(value) ? (value as string[]) : []}
          onChange={onChange}
        />
      );
    case 'stringList':
      if (isAlpha2List(schema))
        return <MultiSelect label={l} aria-label={label(name)} data={countryOptions()} searchable value={Array.isArray(value) ? (value as string[]) : []} onChange={onChange} placeholder={t('workflows.pickCountries')} />;
      return (
        <TagsInput
          label={l}
          aria-label={label(name)}
          value={Array.isArray(value) ? (value as string[]) : []}
          onChange={(v) => onChange(schema.items?.pattern?.includes('A-Z') ? v.map((x) => x.trim().toUpperCase()) : v)}
          description={schema.items?.pattern?.includes('A-Z]{1,3}') ? t('workflows.icaoHint') : undefined}
        />
      );
    case 'objectList': {
      const list = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
      const item = schema.items!;
      return (
        <Fieldset legend={l} variant="filled" p="sm">
          <Stack gap="xs">
            {list.map((row, i) => (
              <Group key={i} align="flex-end" wrap="nowrap" gap="xs">
                {Object.entries(item.properties ?? {}).map(([k, s]) => (
                  <div key={k} style={{ flex: 1 }}>
                    <Control name={k} schema={nonNull(s).inner} value={row[k]} onChange={(v) => onChange(list.map((r, j) => (j === i ? { ...r, [k]: v } : r)))} />
                  </div>
                ))}
                <ActionIcon variant="subtle" color="gray" mb={6} aria-label={t('common.remove')} onClick={() => onChange(list.filter((_, j) => j !== i))} disabled={list.length <= (schema.minItems ?? 0)}>
                  <IconX size={16} />
                </ActionIcon>
              </Group>
            ))}
            <Button size="xs" variant="subtle" leftSection={<IconPlus size={14} />} w="fit-content" onClick={() => onChange([...list, initialValue(item)])}>
              {t('common.add')}
            </Button>
          </Stack>
        </Fieldset>
      );
    }
    case 'object':
      return (
        <Fieldset legend={l} p="sm">
          <SchemaForm schema={schema} value={(value as Record<string, unknown>) ?? {}} onChange={onChange} />
        </Fieldset>
      );
    default:
      return (
        <div>
          <JsonInput label={l} aria-label={label(name)} autosize minRows={3} maxRows={12} formatOnBlur validationError={t('workflows.invalidJson')} defaultValue={JSON.stringify(value ?? {}, null, 2)} onBlur={(e) => {
            try {
              onChange(JSON.parse(e.currentTarget.value));
            } catch {
              // keep the last valid value; the input shows the error
            }
          }} />
          <Text size="xs" c="dimmed" mt={2}>
            JSON
          </Text>
        </div>
      );
  }
}
