/** Permissions are checkboxes on a role; routes name the one they need. */
export const PERMISSIONS = {
  'applicants.read': 'See applicants, their steps and results',
  'applicants.write': 'Create applicants, sessions and links; edit tags and metadata',
  'applicants.review': 'Assign reviewers, approve, decline, resolve warnings, amend data',
  'applicants.delete': 'Delete and restore applicants',
  'pii.view': 'See personal data (names, documents, photos) unmasked',
  'flows.manage': 'Create, edit and publish flows, levels and questionnaires',
  'aml.scan': 'Run AML scans and set match statuses',
  'reports.export': 'Export reports and CSV files',
  'settings.manage': 'Edit company settings, applications, API keys and webhooks',
  // Separate from settings.manage so that API keys, which never administer the company, can manage endpoints.
  'webhooks.manage': 'Manage webhook endpoints, read the delivery log, redeliver and test-send',
  'team.manage': 'Invite users, change roles, deactivate users, edit roles',
  'live.access': 'Work in live mode (without it, only the test sandbox)',
  'audit.read': 'Read the audit log',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(p: string): p is Permission {
  return p in PERMISSIONS;
}

export const BUILTIN_ROLES: { key: string; name: string; description: string; permissions: Permission[] }[] = [
  { key: 'owner', name: 'Owner', description: 'Full access, including the team and billing owner rights', permissions: ALL_PERMISSIONS },
  {
    key: 'admin',
    name: 'Admin',
    description: 'Full access to settings, team and verifications',
    permissions: ALL_PERMISSIONS,
  },
  {
    key: 'compliance_officer',
    name: 'Compliance officer',
    description: 'Designs flows, reviews applicants, runs AML scans and exports reports',
    permissions: [
      'applicants.read',
      'applicants.write',
      'applicants.review',
      'applicants.delete',
      'pii.view',
      'flows.manage',
      'aml.scan',
      'reports.export',
      'live.access',
      'audit.read',
    ],
  },
  {
    key: 'reviewer',
    name: 'Reviewer',
    description: 'Reviews applicants assigned to them and runs AML scans',
    permissions: ['applicants.read', 'applicants.review', 'pii.view', 'aml.scan', 'live.access'],
  },
  { key: 'viewer', name: 'Viewer', description: 'Read-only access to applicants without personal data', permissions: ['applicants.read'] },
];

/** What a private API key may do: the integration surface, never team or company administration. */
export const API_KEY_PERMISSIONS: Permission[] = [
  'applicants.read',
  'applicants.write',
  'applicants.review',
  'applicants.delete',
  'pii.view',
  'flows.manage',
  'aml.scan',
  'reports.export',
  'audit.read',
  'webhooks.manage',
];
