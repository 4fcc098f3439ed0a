import { describe, expect, it } from 'vitest';
import { render, screen, fireEvent } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import type { ReactNode } from 'react';
import '../i18n/index.ts';
import { ApiError } from '../api/client.ts';
import { ErrorAlert, StatusBadge } from './ui.tsx';
import { SchemaForm } from './SchemaForm.tsx';

const wrap = (n: ReactNode) => render(<MantineProvider>{n}</MantineProvider>);

describe('components', () => {
  it('shows the API error message and code', () => {
    wrap(<ErrorAlert error={new ApiError(422, 'flow_not_published', 'Publish the flow before creating applicants on it.')} />);
    expect(screen.getByRole('alert').textContent).toContain('Publish the flow before creating applicants on it.');
    expect(screen.getByRole('alert').textContent).toContain('flow_not_published');
  });

  it('labels statuses in words, whatever their case', () => {
    wrap(<StatusBadge status="IN_PROGRESS" />);
    expect(screen.getByText('In progress')).toBeTruthy();
  });

  it('renders every setting from a JSON schema and reports edits', () => {
    let value: Record<string, unknown> = { attempts: 5, channel: 'sms', enabled: false };
    const schema = {
      type: 'object',
      properties: {
        attempts: { type: 'integer', minimum: 1, maximum: 10 },
        channel: { type: 'string', enum: ['sms', 'call'] },
        enabled: { type: 'boolean' },
      },
    };
    wrap(<SchemaForm schema={schema} value={value} onChange={(v) => (value = v)} />);
    expect(screen.getByRole('textbox', { name: 'Attempts' })).toBeTruthy();
    fireEvent.click(screen.getByRole('switch', { name: 'Enabled' }));
    expect(value.enabled).toBe(true);
    expect(value.attempts).toBe(5);
  });
});
