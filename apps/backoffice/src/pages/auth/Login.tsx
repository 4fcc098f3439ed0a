import { useState } from 'react';
import { Anchor, Button, Group, PasswordInput, PinInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { Link, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client.ts';
import type { SessionResponse } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorAlert } from '../../components/ui.tsx';

export function Login() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totpCode, setTotpCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<SessionResponse>('/v1/auth/login', { email, password, ...(needsCode ? { totpCode } : {}) });
      await signedIn(res.csrfToken);
      const from = (location.state as { from?: string } | null)?.from;
      navigate(from && from !== '/login' ? from : '/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'mfa_required') {
        setNeedsCode(true);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <div>
          <Title order={3}>{needsCode ? t('auth.twoFactorTitle') : t('auth.loginTitle')}</Title>
          <Text c="dimmed" size="sm" mt={4}>
            {needsCode ? t('auth.twoFactorText') : t('auth.loginText')}
          </Text>
        </div>
        {error != null && <ErrorAlert error={error} />}
        {!needsCode ? (
          <>
            <TextInput label={t('auth.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} autoFocus />
            <PasswordInput label={t('auth.password')} autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Group justify="flex-end" mt={-8}>
              <Anchor component={Link} to="/forgot-password" size="sm">
                {t('auth.forgot')}
              </Anchor>
            </Group>
          </>
        ) : (
          <Group justify="center">
            <PinInput length={6} type="number" oneTimeCode value={totpCode} onChange={setTotpCode} autoFocus aria-label={t('auth.code')} />
          </Group>
        )}
        <Button type="submit" loading={busy} fullWidth size="md">
          {needsCode ? t('auth.verify') : t('auth.login')}
        </Button>
        {!needsCode && (
          <Text size="sm" ta="center" c="dimmed">
            {t('auth.noAccount')}{' '}
            <Anchor component={Link} to="/signup">
              {t('auth.signup')}
            </Anchor>
          </Text>
        )}
        {needsCode && (
          <Anchor component="button" type="button" size="sm" onClick={() => { setNeedsCode(false); setTotpCode(''); }}>
            {t('common.back')}
          </Anchor>
        )}
      </Stack>
    </form>
  );
}
