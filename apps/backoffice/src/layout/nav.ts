import type { ComponentType } from 'react';
import {
  IconLayoutDashboard,
  IconUsers,
  IconInbox,
  IconActivity,
  IconReportAnalytics,
  IconLink,
  IconShieldSearch,
  IconDatabase,
  IconFaceIdError,
  IconGitBranch,
  IconListCheck,
  IconApps,
  IconUsersGroup,
  IconBuilding,
  IconHistory,
} from '@tabler/icons-react';
import type { Permission } from '../auth/session.tsx';

export type NavItem = { to: string; label: string; icon: ComponentType<{ size?: number; stroke?: number }>; permission: Permission | null };
export type NavSection = { label: string; items: NavItem[] };

/** One table drives the sidebar and the route guards, so a page hidden from a role is also refused to it. */
export const NAV: NavSection[] = [
  { label: 'nav.overview', items: [{ to: '/dashboard', label: 'nav.dashboard', icon: IconLayoutDashboard, permission: 'applicants.read' }] },
  {
    label: 'nav.verification',
    items: [
      { to: '/applicants', label: 'nav.applicants', icon: IconUsers, permission: 'applicants.read' },
      { to: '/review-queue', label: 'nav.reviewQueue', icon: IconInbox, permission: 'applicants.review' },
      { to: '/kyc-logs', label: 'nav.kycLogs', icon: IconActivity, permission: 'applicants.read' },
      { to: '/kyc-reports', label: 'nav.kycReports', icon: IconReportAnalytics, permission: 'applicants.read' },
      { to: '/links', label: 'nav.links', icon: IconLink, permission: 'applicants.write' },
    ],
  },
  {
    label: 'nav.compliance',
    items: [
      { to: '/aml', label: 'nav.aml', icon: IconShieldSearch, permission: 'aml.scan' },
      { to: '/aml-lists', label: 'nav.amlLists', icon: IconDatabase, permission: 'aml.scan' },
      { to: '/face-lists', label: 'nav.faceLists', icon: IconFaceIdError, permission: 'applicants.read' },
    ],
  },
  {
    label: 'nav.configuration',
    items: [
      { to: '/workflows', label: 'nav.workflows', icon: IconGitBranch, permission: 'flows.manage' },
      { to: '/questionnaires', label: 'nav.questionnaires', icon: IconListCheck, permission: 'flows.manage' },
      { to: '/applications', label: 'nav.applications', icon: IconApps, permission: 'settings.manage' },
    ],
  },
  {
    label: 'nav.organisation',
    items: [
      { to: '/team', label: 'nav.team', icon: IconUsersGroup, permission: 'team.manage' },
      { to: '/settings/company', label: 'nav.company', icon: IconBuilding, permission: null },
      { to: '/audit', label: 'nav.audit', icon: IconHistory, permission: 'audit.read' },
    ],
  },
];

export function firstAllowedPath(can: (p: Permission) => boolean): string {
  for (const s of NAV) for (const i of s.items) if (!i.permission || can(i.permission)) return i.to;
  return '/settings/account';
}
