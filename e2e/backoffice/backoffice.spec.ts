import { expect, test } from '@playwright/test';
import { e2eEnv } from '../env.ts';
import { apiAs, login, snap } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

test('log in, see the shell, switch language and mode', async ({ page }) => {
  const env = e2eEnv();
  await page.goto(`${env.url}/app/`);
  await expect(page.getByRole('heading', { name: 'Sign in to Tessera' })).toBeVisible();
  await snap(page, '01-login');
  await page.getByRole('textbox', { name: 'Email' }).fill(env.email);
  await page.getByRole('textbox', { name: 'Password' }).fill('wrong-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The API's own message is shown, not a generic one.
  await expect(page.getByRole('alert')).toBeVisible();
  await snap(page, '02-login-error');
  await login(page);
  await expect(page.getByRole('navigation', { name: 'Main navigation' })).toBeVisible();
  await snap(page, '03-landing');

  await page.getByTestId('account-menu').click();
  await page.getByRole('menuitem', { name: 'Español' }).click();
  await expect(page.getByRole('link', { name: 'Solicitantes' })).toBeVisible();
  await snap(page, '04-spanish');
  await page.getByTestId('account-menu').click();
  await page.getByRole('menuitem', { name: 'English' }).click();
  await expect(page.getByRole('link', { name: 'Applicants' })).toBeVisible();

  // Keyboard: the skip-free shell is reachable by Tab, and focus is visible on nav links.
  await page.keyboard.press('Tab');
  await page.goto(`${env.url}/app/settings/account`);
  await expect(page.getByRole('heading', { name: 'Account settings' })).toBeVisible();
  await snap(page, '05-account');
  await page.goto(`${env.url}/app/settings/company`);
  await expect(page.getByRole('textbox', { name: 'Company name' })).toBeVisible();
  await snap(page, '06-company');
});

test('create and publish a flow', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Workflows' }).click();
  await page.getByTestId('new-flow').click();
  const name = `E2E flow ${Date.now()}`;
  await page.getByRole('dialog').getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('step-list')).toBeVisible();
  // Add an email step from the palette and move it up with the keyboard-accessible arrows.
  await page.getByTestId('palette-email').click();
  await expect(page.getByTestId('step-email')).toBeVisible();
  await page.getByTestId('step-email').getByRole('button', { name: 'Move up' }).click();
  await page.getByRole('textbox', { name: 'Code length' }).fill('8');
  await expect(page.getByTestId('save-state')).toContainText('Draft saved', { timeout: 15_000 });
  await snap(page, '10-flow-editor');
  await page.getByRole('tab', { name: 'Style' }).click();
  await page.getByRole('textbox', { name: 'Primary' }).fill('#0f766e');
  await expect(page.getByTestId('flow-preview')).toBeVisible();
  await snap(page, '11-flow-style');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await snap(page, '12-flow-settings');
  await page.getByTestId('publish-flow').click();
  await expect(page.getByText(/Version 1 published/)).toBeVisible();
  await snap(page, '13-flow-published');
  await page.getByRole('link', { name: 'Workflows' }).first().click();
  await expect(page.getByTestId(`flow-row-${name}`)).toContainText('Published');
  await snap(page, '14-flows');
});

test('create an applicant via the API and review it to a decision', async ({ page, request }) => {
  const env = e2eEnv();
  const api = apiAs(request);
  const flow = await api.post<{ id: string }>('/v1/flows', {
    name: `Questionnaire only ${Date.now()}`,
    publish: true,
    definition: {
      steps: [{ id: 'funds', type: 'questionnaire', settings: { schema: { pages: [{ name: 'p1', elements: [{ type: 'radiogroup', name: 'sourceOfFunds', title: 'Source of funds', isRequired: true, choices: ['salary', 'savings'] }] }] } } }],
      settings: { approvalPolicy: 'manual' },
    },
  });
  const externalUserId = `e2e-${Date.now()}`;
  const applicant = await api.post<{ id: string }>('/v1/applicants', { externalUserId, flowId: flow.id, email: 'applicant@example.com' });
  const session = await api.post<{ accessToken: string }>(`/v1/applicants/${applicant.id}/sessions`, {});
  const submit = await request.post(`${env.url}/v1/flow/steps/funds/questionnaire`, { headers: { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' }, data: JSON.stringify({ answers: { sourceOfFunds: 'salary' } }) });
  expect(submit.ok(), await submit.text()).toBeTruthy();

  await login(page);
  await page.getByRole('link', { name: 'Applicants' }).click();
  await expect(page.getByTestId(`applicant-row-${externalUserId}`)).toBeVisible();
  await snap(page, '20-applicants');
  await page.getByRole('link', { name: 'Review queue' }).click();
  await expect(page.getByTestId('queue-table')).toContainText(externalUserId);
  await snap(page, '21-review-queue');
  await page.getByTestId('queue-table').getByText(externalUserId).click();
  await expect(page.getByTestId('tracker')).toBeVisible();
  await expect(page.getByTestId('section-funds')).toContainText('Source of funds');
  await snap(page, '22-profile');
  await page.getByRole('tab', { name: 'Comments' }).click();
  await page.getByRole('textbox', { name: 'Write a comment…' }).fill('Source of funds is plausible for the profile.');
  await page.getByRole('button', { name: 'Add comment' }).click();
  await expect(page.getByText('Source of funds is plausible for the profile.')).toBeVisible();
  await page.getByTestId('decline').click();
  await expect(page.getByRole('dialog')).toContainText('Decline type');
  await snap(page, '23-decline-dialog');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('approve').click();
  await page.getByRole('textbox', { name: 'Internal note' }).fill('Checked by e2e');
  await page.getByTestId('confirm-review').click();
  await expect(page.getByText('Applicant approved')).toBeVisible();
  await expect(page.getByTestId('applicant-name').locator('..')).toContainText('Approved');
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await snap(page, '24-approved');
});

test('run an AML scan', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'AML scan' }).click();
  await page.getByTestId('aml-name').fill('Vladimir Putin');
  await page.getByTestId('aml-search').click();
  // No list is imported yet on this server: the scan runs and says it found nothing.
  await expect(page.getByTestId('aml-results').or(page.getByText('No matches on the screened lists.'))).toBeVisible();
  await snap(page, '30-aml');
});

test('change a role', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Team' }).click();
  await snap(page, '40-team');
  await page.getByRole('tab', { name: 'Roles' }).click();
  await page.getByRole('button', { name: 'New role' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Auditor');
  await dialog.getByRole('checkbox', { name: 'applicants.read' }).check();
  await dialog.getByRole('checkbox', { name: 'audit.read' }).check();
  await snap(page, '41-role-dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('role-Auditor')).toContainText('2 permissions');
  await page.getByTestId('role-Auditor').getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('dialog').getByRole('checkbox', { name: 'reports.export' }).check();
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('role-Auditor')).toContainText('3 permissions');
  await snap(page, '42-roles');
  // Invite someone with the new role, then see the invitation.
  await page.getByRole('button', { name: 'Invite user' }).click();
  await page.getByRole('dialog').getByRole('textbox', { name: 'Email' }).fill(`auditor-${Date.now()}@example.com`);
  await page.getByRole('dialog').getByLabel('Role', { exact: true }).click();
  await page.getByRole('option', { name: 'Auditor' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('tab', { name: 'Invitations', selected: true })).toBeVisible();
  await snap(page, '43-invites');
});

test('generate links', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'KYC links' }).click();
  await page.getByTestId('links-flow').click();
  await page.getByRole('option').first().click();
  await page.getByRole('textbox', { name: 'Number of links' }).fill('5');
  await page.getByRole('button', { name: 'Generate 5 links' }).click();
  await expect(page.getByTestId('links-generated')).toContainText('5 links generated');
  await expect(page.getByTestId('links-table').locator('tbody tr')).toHaveCount(5);
  await snap(page, '50-links');
});

test('the other pages render with real data or an honest empty state', async ({ page }) => {
  await login(page);
  for (const [path, name] of [
    ['/dashboard', '60-dashboard'],
    ['/kyc-logs', '61-kyc-logs'],
    ['/kyc-reports', '62-kyc-reports'],
    ['/questionnaires', '63-questionnaires'],
    ['/applications', '64-applications'],
    ['/audit', '65-audit'],
  ] as const) {
    await page.goto(`${e2eEnv().url}/app${path}`);
    await expect(page.getByRole('heading', { level: 2 })).toBeVisible();
    await snap(page, name);
  }
  await page.goto(`${e2eEnv().url}/app/questionnaires`);
  const first = page.locator('tbody tr').first();
  if (await first.count()) {
    await first.click();
    await expect(page.getByRole('tab', { name: 'Logic' })).toBeVisible();
    await snap(page, '66-questionnaire-designer');
    await page.getByRole('tab', { name: 'Logic' }).click();
    await snap(page, '67-questionnaire-logic');
    await page.getByRole('tab', { name: 'Preview' }).click();
    await snap(page, '68-questionnaire-preview');
  }
});

test("an application's allowed embedding origins are edited, normalised and validated", async ({ page }) => {
  await login(page);
  await page.goto(`${e2eEnv().url}/app/applications`);
  await page.locator('tbody tr').first().click();
  const origins = page.getByRole('combobox', { name: 'Allowed embedding origins' });
  await expect(origins).toBeVisible();
  await origins.fill('HTTPS://Shop.Example.com/');
  await origins.press('Enter');
  await page.getByRole('button', { name: 'Save' }).first().click();
  // The server stores (and the field then shows) the normalised origin.
  await expect(page.getByText('https://shop.example.com', { exact: true })).toBeVisible();
  await expect(page.getByText('HTTPS://Shop.Example.com/', { exact: true })).toHaveCount(0);
  await snap(page, '69-application-allowed-origins');

  // A URL with a path is not an origin: refused with the field named.
  await origins.fill('https://evil.example/page');
  await origins.press('Enter');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await expect(page.getByRole('alert').filter({ hasText: 'allowedOrigins' })).toBeVisible();

  // Back to "any website" for the other tests.
  await origins.press('Backspace');
  await origins.press('Backspace');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await expect(page.getByText('https://shop.example.com', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('alert').filter({ hasText: 'allowedOrigins' })).toHaveCount(0);
});
