import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, fireEvent } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import type { ReactNode } from 'react';
import '../i18n/index.ts';
import { ApiError } from '../api/client.ts';
import { ErrorAlert, StatusBadge } from './ui.tsx';
import { SchemaForm } from './SchemaForm.tsx';
import { FaceListMatchPhotos } from '../pages/applicants/FaceBodies.tsx';

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

describe('face-list match photos', () => {
  afterEach(() => vi.unstubAllGlobals());
  it("fetches the list face's photo with the session and mode; a role without personal data sees it hidden", async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ error: { code: 'forbidden', message: 'x' } }), { status: 403 }));
    vi.stubGlobal('fetch', fetchMock);
    const url = '/v1/face-lists/fls_0123456789abcdefghijklmnop/faces/fce_0123456789abcdefghijklmnop/image';
    wrap(<FaceListMatchPhotos applicantFile={null} listImageUrl={url} similarity={92.6} />);
    expect(await screen.findByText('Hidden: your role cannot see personal data')).toBeTruthy();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [src, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(src).toBe(url);
    expect(init.credentials).toBe('same-origin');
    expect((init.headers as Record<string, string>)['x-tessera-mode']).toBeTruthy();
    // No applicant image to show: the placeholder, not a request.
    expect(screen.getByText('Image not available')).toBeTruthy();
    expect(screen.getByText(/Photo on the face list · 93 % similar/)).toBeTruthy();
  });
});
