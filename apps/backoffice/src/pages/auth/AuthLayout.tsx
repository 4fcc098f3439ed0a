import { Suspense, type ReactNode } from 'react';
import { Box, Center, Group, Loader, Menu, Paper, Text, UnstyledButton } from '@mantine/core';
import { IconLanguage } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Logo } from '../../components/Logo.tsx';
import { LANGUAGES } from '../../i18n/index.ts';

export function AuthLayout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <Box mih="100vh" bg="gray.0" style={{ display: 'flex', flexDirection: 'column' }}>
      <Group justify="space-between" px="xl" py="md">
        <Logo />
        <Menu position="bottom-end">
          <Menu.Target>
            <UnstyledButton aria-label={t('account.language')}>
              <Group gap={6}>
                <IconLanguage size={16} />
                <Text size="sm">{LANGUAGES.find((l) => l.value === i18n.language)?.label ?? 'English'}</Text>
              </Group>
            </UnstyledButton>
          </Menu.Target>
          <Menu.Dropdown>
            {LANGUAGES.map((l) => (
              <Menu.Item key={l.value} onClick={() => i18n.changeLanguage(l.value)}>
                {l.label}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      <Center style={{ flex: 1 }} px="md" pb={80}>
        <Paper w={420} maw="100%" p={32} shadow="sm" radius="lg">
          <Suspense fallback={<Center h={200}><Loader size="sm" /></Center>}>{children}</Suspense>
        </Paper>
      </Center>
      <Text ta="center" size="xs" c="dimmed" pb="md">
        {t('auth.footer')}
      </Text>
    </Box>
  );
}
