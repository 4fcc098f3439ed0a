import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { e2eEnv } from '../env.ts';
import { login, snap } from './helpers.ts';
import { client, seedVerifiedApplicant, VERIFIED_FLOW } from './seed.ts';

/**
 * The pages that show the engines' results, on real verifications: a specimen passport with a selfie
 * (document, face match, AML without a hit), an applicant whose name is on the EU fixture list (AML hit),
 * the live KYC log, the dashboard, webhooks with a local receiver, AML lists and face lists.
 */
test.describe.configure({ mode: 'serial' });

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const stamp = Date.now();
const FULL = `full-${stamp}`;
const LISTED = `listed-${stamp}`;

test.beforeAll(() => {
  // The screening package's invented EU records (Apache-2.0 test fixtures), imported the way an operator does.
  const env = e2eEnv();
  execFileSync(process.execPath, [path.join(repo, 'apps/server/bin/tessera.mjs'), 'lists', 'import', '--source', 'eu', '--file', path.join(repo, 'packages/screening/test/fixtures/eu.xml')], {
    env: { ...process.env, NODE_ENV: 'test', DATA_DIR: env.dataDir, LOG_LEVEL: 'warn' },
    stdio: 'pipe',
  });
});

async function seedListedApplicant() {
  const env = e2eEnv();
  const api = client(env.url, env.apiKeys.test);
  const flow = await api<{ id: string }>('POST', '/v1/flows', {
    name: `Funds and screening ${stamp}`,
    publish: true,
    definition: {
      steps: [
        { id: 'funds', type: 'questionnaire', settings: { schema: { pages: [{ name: 'p1', elements: [{ type: 'radiogroup', name: 'sourceOfFunds', title: 'Source of funds', isRequired: true, choices: ['salary', 'savings'] }] }] } } },
        { id: 'screening', type: 'aml', settings: { fieldMapping: { fullName: 'fixedInfo', birthDate: 'fixedInfo', country: 'fixedInfo' } } },
      ],
      settings: { approvalPolicy: 'manual' },
    },
  });
  const a = await api<{ id: string }>('POST', '/v1/applicants', { externalUserId: LISTED, flowId: flow.id, fixedInfo: { firstName: 'Andrii', lastName: 'Prykladenko', dob: '1976-09-21', country: 'UA' } });
  const session = await api<{ accessToken: string }>('POST', `/v1/applicants/${a.id}/sessions`, {});
  await client(env.url, session.accessToken)('POST', '/v1/flow/steps/funds/questionnaire', { answers: { sourceOfFunds: 'savings' } });
  return a.id;
}

async function openApplicant(page: Page, externalUserId: string) {
  await page.goto(`${e2eEnv().url}/app/applicants?q=${externalUserId}`);
  await page.getByTestId(`applicant-row-${externalUserId}`).click();
  await expect(page.getByTestId('tracker')).toBeVisible();
}

test('verifications stream into the KYC logs, then fill the dashboard and the applicants table', async ({ page }) => {
  const env = e2eEnv();
  await login(page);
  await page.getByRole('link', { name: 'KYC logs' }).click();
  await expect(page.getByTestId('logs-transport')).toHaveText('Live');

  const api = client(env.url, env.apiKeys.test);
  const flow = await api<{ id: string }>('POST', '/v1/flows', { name: `Passport and selfie ${stamp}`, publish: true, definition: VERIFIED_FLOW });
  // Female, 36: the specimen's data fits the face it carries (the flow tests' photo).
  await seedVerifiedApplicant(env.url, env.apiKeys.test, { flowId: flow.id, externalUserId: FULL, seed: 11, person: { sex: 'F', birthDate: '1990-04-12' }, correct: { givenNames: 'MARIA' } });
  await seedListedApplicant();

  // Both sessions arrive over the live stream, without a reload.
  const fullRow = page.getByTestId(`log-row-${FULL}`);
  await expect(fullRow).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId(`log-row-${LISTED}`)).toContainText(/aml hit/i, { timeout: 30_000 });
  await snap(page, '70-kyc-logs-live');
  await page.getByTestId(`log-row-${LISTED}`).click();
  await expect(page.getByRole('tab', { name: 'Steps and results' })).toBeVisible();
  await expect(page.getByText('Why it did not pass')).toBeVisible();
  await snap(page, '71-kyc-logs-expanded');
  await page.getByRole('tab', { name: 'Raw JSON' }).click();
  await expect(page.locator('pre').filter({ hasText: '"applicant.step_failed"' })).toBeVisible();

  // The dashboard shows what the server counted for the same range, and it counts these applicants.
  const stats = page.waitForResponse((r) => r.url().includes('/v1/stats/dashboard') && r.url().includes('from='));
  await page.getByRole('link', { name: 'Dashboard' }).click();
  const figures = (await (await stats).json()) as { totals: { applicants: number } };
  expect(figures.totals.applicants).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('kpi-applicants')).toContainText(String(figures.totals.applicants));
  await expect(page.getByText('AML screening').first()).toBeVisible();
  await snap(page, '72-dashboard-real');

  await page.getByRole('link', { name: 'Applicants' }).click();
  const row = page.getByTestId(`applicant-row-${FULL}`);
  await expect(row).toBeVisible();
  // Per-method columns: document, face match and AML are on by default.
  await expect(page.getByRole('columnheader', { name: 'Document', exact: true })).toBeVisible();
  await expect(row).toContainText('Approved');
  await expect(page.getByTestId(`applicant-row-${LISTED}`)).toContainText('Pending');
  await snap(page, '73-applicants-methods');
});

test('the document, selfie and face match sections show what the engines read', async ({ page }) => {
  await login(page);
  await openApplicant(page, FULL);
  const doc = page.getByTestId('section-document');
  await expect(doc.getByTestId('document-fields')).toContainText('Read from the document');
  // What the applicant corrected at the OCR prefill sits beside the reading, and raises a warning.
  await expect(doc.getByTestId('corrected-givenNames')).toBeVisible();
  await expect(page.getByTestId('warning-applicant_corrected_data')).toBeVisible();
  await expect(doc.getByText('MRZ valid TD3')).toBeVisible();
  await expect(doc.getByRole('button', { name: /Zoom Portrait/ })).toBeVisible();
  await expect(page.getByTestId('section-face-match').getByTestId('face-pair-document-selfie')).toContainText('Same person');
  await expect(page.getByTestId('section-selfie')).toContainText('Live person');
  await snap(page, '74-profile-document-face');

  // A reviewer amends a field; the original stays on record.
  await doc.getByRole('button', { name: 'Edit Document number' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('The document says');
  await dialog.getByRole('textbox').fill('X1234567');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(doc.getByText('edited', { exact: true })).toBeVisible();

  // Reviewers come from /v1/reviewers.
  await page.getByRole('combobox', { name: 'Reviewer' }).click();
  await page.getByRole('option', { name: 'Demo Admin' }).click();
  await expect(page.getByText('Saved').first()).toBeVisible();
  await page.getByTestId('warning-applicant_corrected_data').getByRole('button', { name: 'Go to Identity document' }).click();
  await snap(page, '75-profile-document-edited');
});

test('an AML hit: matches with statuses, history, comments and monitoring', async ({ page }) => {
  await login(page);
  await openApplicant(page, LISTED);
  const aml = page.getByTestId('section-screening');
  await expect(aml.getByTestId('aml-hit-banner')).toContainText('1 possible match');
  await expect(page.getByTestId('warning-aml_hit')).toBeVisible();
  await expect(aml.getByTestId('aml-results')).toContainText('PRYKLADENKO');
  await snap(page, '76-profile-aml-hit');

  await aml.getByRole('combobox', { name: /Status of/ }).click();
  await page.getByRole('option', { name: 'False positive' }).click();
  // Clearing the hit resolves the warning it raised.
  await expect(page.getByTestId('warning-aml_hit')).toBeHidden();
  await aml.getByTestId('aml-results').getByText('PRYKLADENKO').first().click();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toContainText('Why it matched');
  await expect(drawer).toContainText('Not reviewed → False positive');
  await drawer.getByRole('textbox', { name: 'Write a comment…' }).fill('Different date of birth on the passport.');
  await drawer.getByRole('button', { name: 'Add comment' }).click();
  await expect(drawer).toContainText('Different date of birth on the passport.');
  await snap(page, '77-aml-match-drawer');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  // The switch follows the server: it turns on once the scan says monitoring is on.
  await aml.getByRole('switch', { name: 'Ongoing monitoring' }).click({ force: true });
  await expect(aml.getByRole('switch', { name: 'Ongoing monitoring' })).toBeChecked();
  await expect(aml.getByText(/Next re-screening/)).toBeVisible();
});

test('a webhook endpoint receives a test message that shows in the delivery log', async ({ page }) => {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/tessera/hook`;
  try {
    await login(page);
    await page.getByRole('link', { name: 'Applications & webhooks' }).click();
    await page.getByRole('tab', { name: 'Webhook endpoints' }).click();
    await page.getByTestId('new-endpoint').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'URL' }).fill(url);
    await dialog.getByRole('textbox', { name: 'Description' }).fill('E2E receiver');
    await dialog.getByRole('button', { name: 'Create' }).click();
    // The signing secret is shown once.
    await expect(dialog.getByTestId('secret-once')).toContainText('whsec_');
    await snap(page, '80-webhook-secret');
    await dialog.getByTestId('secret-saved').click();

    const drawer = page.getByRole('dialog', { name: new URL(url).host + new URL(url).pathname });
    await drawer.getByTestId('test-send').click();
    await expect(drawer.getByTestId('test-result')).toContainText('Test message delivered');
    await expect(drawer.getByTestId('delivery-log').getByTestId('delivery-webhook.test')).toContainText('200');
    expect(received).toHaveLength(1);
    expect(received[0].headers['webhook-signature']).toMatch(/^v1,/);
    expect(JSON.parse(received[0].body).type).toBe('webhook.test');
    await snap(page, '81-webhook-endpoint');
    await page.keyboard.press('Escape');

    await page.getByRole('tab', { name: 'Delivery log' }).click();
    const delivery = page.getByTestId('delivery-log').getByTestId('delivery-webhook.test').first();
    await expect(delivery).toContainText('Delivered');
    await delivery.click();
    await expect(page.getByTestId('attempt-log')).toContainText('200');
    await snap(page, '82-delivery-attempts');
    await page.keyboard.press('Escape');

    // An application's webhook URL is its managed endpoint.
    await page.getByRole('tab', { name: 'Applications' }).click();
    await page.locator('tbody tr').first().click();
    await page.getByRole('textbox', { name: 'Webhook endpoint' }).fill(`${url}/managed`);
    await page.getByRole('button', { name: 'Save' }).first().click();
    await expect(page.getByTestId('endpoints-table')).toContainText('Managed');
    await snap(page, '83-application-webhooks');
  } finally {
    receiver.close();
  }
});

test('AML lists and face lists', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'AML lists' }).click();
  const eu = page.getByTestId('aml-list-eu');
  await expect(eu).toContainText('v1');
  await eu.click();
  await expect(page.getByTestId('aml-versions-eu')).toContainText('eu.xml');
  await snap(page, '84-aml-lists');

  await page.getByRole('link', { name: 'Face lists' }).click();
  await page.getByTestId('new-face-list').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Name' }).fill(`Watch ${stamp}`);
  await dialog.getByText('Custom list', { exact: true }).click();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('face-list-detail')).toContainText(`Watch ${stamp}`);
  await page.getByTestId('face-list-detail').locator('input[type=file]').setInputFiles(path.join(repo, 'e2e/flow/fixtures/face-smile.jpg'));
  await page.getByRole('textbox', { name: 'Label' }).fill('case-7');
  await page.getByTestId('add-face').click();
  await expect(page.getByTestId('faces-table')).toContainText('case-7');
  // The photo is kept: a thumbnail that opens larger.
  await page.getByTestId('faces-table').getByRole('button', { name: 'Zoom Photo of case-7' }).click();
  await expect(page.getByRole('dialog').getByRole('img', { name: 'Photo of case-7' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByTestId(`face-list-Watch ${stamp}`)).toContainText('1');
  await snap(page, '85-face-lists');
  // Removed again, so the face no longer flags later sessions of this server.
  await page.getByRole('button', { name: 'Delete face list' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete face list' }).click();
  await expect(page.getByTestId(`face-list-Watch ${stamp}`)).toBeHidden();
});

test("a face-list hit shows the matched list photo beside the applicant's selfie", async ({ page }) => {
  const env = e2eEnv();
  const api = client(env.url, env.apiKeys.test);
  // A person no other test uses (the face engine's fixtures, deepface dataset, MIT), on a custom list: a hit only flags.
  const face = fs.readFileSync(path.join(repo, 'packages/faces/test/fixtures/p9.jpg'));
  const jpeg = () => new Blob([new Uint8Array(face)], { type: 'image/jpeg' });
  const list = await api<{ id: string }>('POST', '/v1/face-lists', { name: `Known faces ${stamp}`, kind: 'custom' });
  try {
    const form = new FormData();
    form.set('label', 'case-9');
    form.set('image', jpeg(), 'face.jpg');
    await api('POST', `/v1/face-lists/${list.id}/faces`, form);
    const flow = await api<{ id: string }>('POST', '/v1/flows', { name: `Selfie only ${stamp}`, publish: true, definition: { steps: [{ id: 'selfie', type: 'selfie' }], settings: { approvalPolicy: 'manual' } } });
    const externalUserId = `listed-face-${stamp}`;
    const a = await api<{ id: string }>('POST', '/v1/applicants', { externalUserId, flowId: flow.id });
    const session = await api<{ accessToken: string }>('POST', `/v1/applicants/${a.id}/sessions`, {});
    const selfie = new FormData();
    selfie.set('image', jpeg(), 'selfie.jpg');
    await client(env.url, session.accessToken)('POST', '/v1/flow/steps/selfie/selfie', selfie);
    await expect
      .poll(async () => (await api<{ warnings: { kind: string }[] }>('GET', `/v1/applicants/${a.id}`)).warnings.map((w) => w.kind), { timeout: 90_000 })
      .toContain('face_list_match');

    await login(page);
    await openApplicant(page, externalUserId);
    const photos = page.getByTestId('warning-face_list_match').getByTestId('face-list-match-photos');
    await expect(photos.getByRole('img', { name: "Applicant's photo" })).toBeVisible();
    await expect(photos.getByRole('img', { name: 'Photo on the face list' })).toBeVisible();
    await snap(page, '86-face-list-hit');
  } finally {
    // Removed again, so the face no longer flags later sessions of this server.
    await api('DELETE', `/v1/face-lists/${list.id}`);
  }
});

test('new verification offers the application', async ({ page }) => {
  await login(page);
  await page.getByRole('link', { name: 'Applicants' }).click();
  await page.getByTestId('new-verification').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('combobox', { name: 'Application' })).toHaveValue(/./);
  await dialog.getByRole('combobox', { name: /Flow/ }).click();
  await page.getByRole('option').first().click();
  await dialog.getByLabel('External user ID').fill(`dialog-${stamp}`);
  await snap(page, '86-new-verification');
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog).toContainText('Verification link ready');
  await dialog.getByRole('button', { name: 'Open profile' }).click();
  await expect(page.getByRole('tab', { name: 'Info' })).toBeVisible();
  await expect(page.getByText('Application ID')).toBeVisible();
});
