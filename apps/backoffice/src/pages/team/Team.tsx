import { useEffect, useMemo, useState } from 'react';
import { ActionIcon, Badge, Button, Checkbox, Group, Menu, Modal, Paper, Select, SimpleGrid, Stack, Table, Tabs, Text, TextInput, Textarea, Title, Avatar } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconDots, IconPlus, IconTrash, IconUserPlus, IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Invite, Role, User } from '../../api/types.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, ErrorAlert, PageHeader, StatusBadge, TableSkeleton, notifyError, notifySuccess } from '../../components/ui.tsx';
import { fmtDateTime } from '../../lib/format.ts';

export function Team() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<string | null>('users');
  const [inviteOpen, setInviteOpen] = useState(false);
  const roles = useQuery({ queryKey: ['team', 'roles'], queryFn: () => api.get<{ data: Role[] }>('/v1/team/roles') });
  return (
    <>
      <PageHeader
        title={t('team.title')}
        description={t('team.description')}
        actions={
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => setInviteOpen(true)}>
            {t('team.invite')}
          </Button>
        }
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="users">{t('team.users')}</Tabs.Tab>
          <Tabs.Tab value="roles">{t('team.roles')}</Tabs.Tab>
          <Tabs.Tab value="invites">{t('team.invites')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users">
          <Users roles={roles.data?.data ?? []} />
        </Tabs.Panel>
        <Tabs.Panel value="roles">
          <Roles roles={roles.data?.data} loading={roles.isLoading} error={roles.error} />
        </Tabs.Panel>
        <Tabs.Panel value="invites">
          <Invites roles={roles.data?.data ?? []} onInvite={() => setInviteOpen(true)} />
        </Tabs.Panel>
      </Tabs>
      <InviteDialog opened={inviteOpen} onClose={() => setInviteOpen(false)} roles={roles.data?.data ?? []} onDone={() => setTab('invites')} />
    </>
  );
}

function Users({ roles }: { roles: Role[] }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['team', 'users'], queryFn: () => api.get<{ data: User[] }>('/v1/team/users') });
  const m = useMutation({
    mutationFn: ({ id, body }: { id: string; body: { roleId?: string; status?: string } }) => api.patch<User>(`/v1/team/users/${id}`, body),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['team'] });
      notifySuccess(t('common.saved'));
    },
    onError: (e) => notifyError(e),
  });
  const roleOptions = roles.map((r) => ({ value: r.id, label: r.name }));
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  return (
    <Paper>
      {q.isLoading ? (
        <TableSkeleton cols={5} />
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table className="sticky-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('team.user')}</Table.Th>
                <Table.Th>{t('team.role')}</Table.Th>
                <Table.Th>{t('common.status')}</Table.Th>
                <Table.Th>{t('team.twoFactor')}</Table.Th>
                <Table.Th>{t('team.lastLogin')}</Table.Th>
                <Table.Th w={50} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data!.data.map((u) => {
                const self = u.id === me?.user.id;
                return (
                  <Table.Tr key={u.id} data-testid={`user-row-${u.email}`}>
                    <Table.Td>
                      <Group gap="sm" wrap="nowrap">
                        <Avatar name={u.name} color="initials" size={32} />
                        <div>
                          <Text size="sm" fw={500}>
                            {u.name} {self && <Badge size="xs" variant="outline" ml={4}>{t('team.you')}</Badge>}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {u.email}
                          </Text>
                        </div>
                      </Group>
                    </Table.Td>
                    <Table.Td w={220}>
                      <Select
                        size="xs"
                        data={roleOptions}
                        value={u.roleId}
                        disabled={self}
                        allowDeselect={false}
                        aria-label={t('team.roleOf', { name: u.name })}
                        onChange={(v) => v && v !== u.roleId && m.mutate({ id: u.id, body: { roleId: v } })}
                      />
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={u.status} />
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={u.totpEnabled ? 'teal' : 'gray'}>
                        {u.totpEnabled ? t('account.enabled') : t('account.disabled')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{fmtDateTime(u.lastLoginAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      {!self && (
                        <Menu position="bottom-end">
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={t('common.actions')}>
                              <IconDots size={16} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            {u.status === 'active' ? (
                              <Menu.Item color="red" onClick={() => m.mutate({ id: u.id, body: { status: 'deactivated' } })}>
                                {t('team.deactivate')}
                              </Menu.Item>
                            ) : (
                              <Menu.Item onClick={() => m.mutate({ id: u.id, body: { status: 'active' } })}>{t('team.reactivate')}</Menu.Item>
                            )}
                          </Menu.Dropdown>
                        </Menu>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}

function Roles({ roles, loading, error }: { roles?: Role[]; loading: boolean; error: unknown }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const perms = useQuery({ queryKey: ['permissions'], queryFn: () => api.get<{ data: { key: string; description: string }[] }>('/v1/permissions'), staleTime: Infinity });
  if (error) return <ErrorAlert error={error} />;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('team.rolesText')}
        </Text>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          {t('team.newRole')}
        </Button>
      </Group>
      {loading || !roles ? (
        <Paper>
          <TableSkeleton cols={3} />
        </Paper>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
          {roles.map((r) => (
            <Paper key={r.id} p="md" data-testid={`role-${r.name}`}>
              <Group justify="space-between" mb={4} wrap="nowrap">
                <Group gap={6}>
                  <Title order={5}>{r.name}</Title>
                  {r.builtin && (
                    <Badge size="xs" variant="light" color="gray" leftSection={<IconLock size={10} />}>
                      {t('team.builtin')}
                    </Badge>
                  )}
                </Group>
                <Button size="xs" variant="subtle" onClick={() => setEditing(r)}>
                  {r.builtin ? t('common.view') : t('common.edit')}
                </Button>
              </Group>
              <Text size="sm" c="dimmed" lineClamp={2} mb="sm" mih={40}>
                {r.description}
              </Text>
              <Group gap={4}>
                <Badge variant="outline" color="blue" size="sm">
                  {t('team.permissionCount', { count: r.permissions.length })}
                </Badge>
                {r.userCount !== undefined && (
                  <Badge variant="outline" color="gray" size="sm">
                    {t('team.userCount', { count: r.userCount })}
                  </Badge>
                )}
              </Group>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      {editing && <RoleDialog role={editing === 'new' ? null : editing} permissions={perms.data?.data ?? []} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

function RoleDialog({ role, permissions, onClose }: { role: Role | null; permissions: { key: string; description: string }[]; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const readOnly = !!role?.builtin;
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [selected, setSelected] = useState<string[]>(role?.permissions ?? []);
  const save = useMutation({
    mutationFn: () => (role ? api.patch(`/v1/team/roles/${role.id}`, { name, description, permissions: selected }) : api.post('/v1/team/roles', { name, description, permissions: selected })),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['team'] });
      notifySuccess(t('common.saved'));
      onClose();
    },
  });
  const del = useMutation({
    mutationFn: () => api.del(`/v1/team/roles/${role!.id}`),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['team'] });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={role ? role.name : t('team.newRole')} size="lg">
      <form onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
        <Stack>
          {(save.error || del.error) && <ErrorAlert error={save.error ?? del.error} />}
          <TextInput label={t('common.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required disabled={readOnly} />
          <Textarea label={t('common.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} disabled={readOnly} autosize minRows={2} />
          <Checkbox.Group label={t('team.permissions')} value={selected} onChange={setSelected}>
            <Stack gap="xs" mt="xs">
              {permissions.map((p) => (
                <Checkbox key={p.key} value={p.key} disabled={readOnly} label={<Text size="sm" ff="monospace">{p.key}</Text>} description={p.description} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Group justify="space-between">
            <div>
              {role && !readOnly && (
                <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => del.mutate()} loading={del.isPending}>
                  {t('common.delete')}
                </Button>
              )}
            </div>
            <Group>
              <Button variant="default" onClick={onClose}>
                {readOnly ? t('common.close') : t('common.cancel')}
              </Button>
              {!readOnly && (
                <Button type="submit" loading={save.isPending}>
                  {t('common.save')}
                </Button>
              )}
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Invites({ roles, onInvite }: { roles: Role[]; onInvite: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['team', 'invites'], queryFn: () => api.get<{ data: Invite[] }>('/v1/team/invites') });
  const revoke = useMutation({
    mutationFn: (id: string) => api.del(`/v1/team/invites/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['team', 'invites'] }),
    onError: (e) => notifyError(e),
  });
  const roleName = useMemo(() => new Map(roles.map((r) => [r.id, r.name])), [roles]);
  if (q.error) return <ErrorAlert error={q.error} />;
  if (q.isLoading) return <Paper><TableSkeleton cols={4} /></Paper>;
  if (!q.data!.data.length)
    return (
      <Paper>
        <EmptyState title={t('team.noInvites')} description={t('team.noInvitesText')} action={<Button onClick={onInvite}>{t('team.invite')}</Button>} />
      </Paper>
    );
  return (
    <Paper>
      <Table className="sticky-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('auth.email')}</Table.Th>
            <Table.Th>{t('team.role')}</Table.Th>
            <Table.Th>{t('common.status')}</Table.Th>
            <Table.Th>{t('common.expires')}</Table.Th>
            <Table.Th w={100} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {q.data!.data.map((i) => (
            <Table.Tr key={i.id}>
              <Table.Td>{i.email}</Table.Td>
              <Table.Td>{roleName.get(i.roleId) ?? i.roleId}</Table.Td>
              <Table.Td>
                <StatusBadge status={i.status} />
              </Table.Td>
              <Table.Td>{fmtDateTime(i.expiresAt)}</Table.Td>
              <Table.Td>
                {i.status === 'pending' && (
                  <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(i.id)}>
                    {t('team.revoke')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function InviteDialog({ opened, onClose, roles, onDone }: { opened: boolean; onClose: () => void; roles: Role[]; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [roleId, setRoleId] = useState<string | null>(null);
  useEffect(() => {
    if (opened && !roleId && roles.length) setRoleId(roles.find((r) => r.builtin === 'reviewer')?.id ?? roles[0].id);
  }, [opened, roles, roleId]);
  const m = useMutation({
    mutationFn: () => api.post('/v1/team/invites', { email, roleId }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['team', 'invites'] });
      notifySuccess(t('team.invited', { email }));
      setEmail('');
      onDone();
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('team.invite')}>
      <form onSubmit={(e) => { e.preventDefault(); m.mutate(); }}>
        <Stack>
          {m.error && <ErrorAlert error={m.error} />}
          <TextInput label={t('auth.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required data-autofocus />
          <Select label={t('team.role')} data={roles.map((r) => ({ value: r.id, label: r.name }))} value={roleId} onChange={setRoleId} allowDeselect={false} />
          <Text size="xs" c="dimmed">
            {t('team.inviteText')}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} disabled={!roleId}>
              {t('team.sendInvite')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
