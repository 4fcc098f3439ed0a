import { Suspense } from 'react';
import { AppShell, Avatar, Box, Burger, Group, Menu, NavLink, ScrollArea, SegmentedControl, Text, Tooltip, UnstyledButton, Center, Loader } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconLanguage, IconLogout, IconSettings, IconBuilding, IconFlask, IconCheck } from '@tabler/icons-react';
import { NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { NAV } from './nav.ts';
import { LANGUAGES } from '../i18n/index.ts';
import { Logo } from '../components/Logo.tsx';
import { notifyError } from '../components/ui.tsx';
import classes from './AppLayout.module.css';

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { t, i18n } = useTranslation();
  const { me, mode, setMode, can, signedOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  if (!me) return null;

  const logout = async () => {
    try {
      await api.post('/v1/auth/logout');
    } catch (e) {
      notifyError(e);
    }
    signedOut();
    qc.clear();
    navigate('/login');
  };

  const changeLanguage = async (lng: string) => {
    await i18n.changeLanguage(lng);
    try {
      await api.patch('/v1/account', { language: lng });
    } catch {
      // The UI language still changes for this browser; the account keeps its saved language.
    }
  };

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={0} className={classes.shell}>
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} />
            <Logo />
            <Text size="sm" c="dimmed" visibleFrom="md" className={classes.org}>
              {me.organisation.name}
            </Text>
          </Group>
          <Group gap="md" wrap="nowrap">
            <Tooltip label={can('live.access') ? t('header.modeHelp') : t('header.noLive')} withArrow>
              <SegmentedControl
                size="xs"
                value={mode}
                onChange={(v) => setMode(v as 'live' | 'test')}
                aria-label={t('header.mode')}
                data={[
                  { value: 'test', label: t('header.test') },
                  { value: 'live', label: t('header.live'), disabled: !can('live.access') },
                ]}
                color={mode === 'live' ? 'teal' : 'orange'}
                data-testid="mode-toggle"
              />
            </Tooltip>
            <Menu position="bottom-end" width={240} withArrow>
              <Menu.Target>
                <UnstyledButton className={classes.account} aria-label={t('header.accountMenu')} data-testid="account-menu">
                  <Group gap={8} wrap="nowrap">
                    <Avatar name={me.user.name} color="initials" size={30} />
                    <Box visibleFrom="sm" style={{ lineHeight: 1.1 }}>
                      <Text size="sm" fw={600} truncate maw={160}>
                        {me.user.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {me.role.name}
                      </Text>
                    </Box>
                    <IconChevronDown size={14} />
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me.user.email}</Menu.Label>
                <Menu.Item leftSection={<IconSettings size={16} />} onClick={() => navigate('/settings/account')}>
                  {t('nav.account')}
                </Menu.Item>
                <Menu.Item leftSection={<IconBuilding size={16} />} onClick={() => navigate('/settings/company')}>
                  {t('nav.company')}
                </Menu.Item>
                <Menu.Divider />
                <Menu.Label>
                  <Group gap={6}>
                    <IconLanguage size={14} /> {t('account.language')}
                  </Group>
                </Menu.Label>
                {LANGUAGES.map((l) => (
                  <Menu.Item key={l.value} onClick={() => changeLanguage(l.value)} rightSection={i18n.language === l.value ? <IconCheck size={14} /> : null}>
                    {l.label}
                  </Menu.Item>
                ))}
                <Menu.Divider />
                <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={logout} data-testid="logout">
                  {t('header.logout')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar className={classes.navbar} aria-label={t('nav.main')}>
        <ScrollArea type="scroll" px="sm" py="md">
          {NAV.map((section) => {
            const items = section.items.filter((i) => !i.permission || can(i.permission));
            if (!items.length) return null;
            return (
              <Box key={section.label} mb="md">
                <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mb={4} className={classes.sectionLabel}>
                  {t(section.label)}
                </Text>
                {items.map((item) => (
                  <NavLink
                    key={item.to}
                    component={RouterNavLink}
                    to={item.to}
                    label={t(item.label)}
                    leftSection={<item.icon size={18} stroke={1.6} />}
                    active={location.pathname === item.to || location.pathname.startsWith(item.to + '/')}
                    onClick={close}
                    className={classes.navLink}
                  />
                ))}
              </Box>
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>

      <AppShell.Main className={classes.main}>
        {mode === 'test' && (
          <Box className={classes.testBanner} role="status">
            <IconFlask size={14} /> {t('header.testBanner')}
          </Box>
        )}
        <Box px={{ base: 'md', md: 'xl' }} py="lg" maw={1600} mx="auto">
          <Suspense
            fallback={
              <Center h={300}>
                <Loader size="sm" />
              </Center>
            }
          >
            <Outlet />
          </Suspense>
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
