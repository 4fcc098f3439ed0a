import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { buildScenes, fakeCameraLaunchOptions, LAPTOP, PHONE, useScene, type Scenes } from './fake-camera.ts';
import { backOffice, freePort, startHarness, tesseraApi, type Harness } from './harness.ts';

/**
 * The whole applicant flow in Debian's chromium with a fake camera that plays specimen documents and
 * face photos, against a real Tessera: every step submitted through the applicant API, then the
 * applicant's status and the webhook checked from the integrator's side.
 */

const CAMERA = path.join(os.tmpdir(), `tessera-e2e-camera-${process.pid}.y4m`);

test.use({ launchOptions: fakeCameraLaunchOptions(CAMERA) });

const QUESTIONNAIRE = {
  elements: [
    { type: 'radiogroup', name: 'sourceOfFunds', title: 'Where does the money you will use come from?', isRequired: true, choices: [{ value: 'salary', text: 'Salary' }, { value: 'savings', text: 'Savings' }, { value: 'other', text: 'Other' }] },
    { type: 'text', name: 'sourceOfFundsOther', title: 'Please describe', visibleIf: "{sourceOfFunds} = 'other'", isRequired: true },
    { type: 'boolean', name: 'pep', title: 'Are you a politically exposed person?', isRequired: true },
  ],
};

const ALL_STEPS = [
  { id: 'intro', type: 'intro' },
  // Codes first: the server's queue delivers mail behind the engine jobs that the photos start.
  { id: 'email', type: 'email' },
  { id: 'phone', type: 'phone' },
  { id: 'document', type: 'document', settings: { documentTypes: [{ type: 'passport', back: 'none' }, { type: 'id_card', back: 'required' }, { type: 'driving_licence', back: 'required' }] } },
  { id: 'selfie', type: 'selfie', settings: { allowContinueWithoutFace: true } },
  // A photo cannot turn its head: the fake camera plays a real smile of the same person.
  { id: 'liveness', type: 'liveness', settings: { mode: 'active', actions: ['smile'], actionCount: 1 } },
  { id: 'selfie-doc', type: 'selfie_with_document' },
  { id: 'face-match', type: 'face_match', settings: { sources: ['document', 'selfie'] } },
  { id: 'questionnaire', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } },
  { id: 'thank-you', type: 'thank_you' },
];

let h: Harness;
const scenes: Record<'phone' | 'laptop', Scenes> = {} as never;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-scenes-'));
  [h, scenes.phone, scenes.laptop] = await Promise.all([startHarness(), buildScenes(path.join(dir, 'phone'), PHONE, 7), buildScenes(path.join(dir, 'laptop'), LAPTOP, 8)]);
  useScene(CAMERA, scenes.phone.documentFront);
});

test.afterAll(async () => {
  await h?.stop();
  fs.rmSync(CAMERA, { force: true });
});

async function runWholeFlow(page: Page, tag: string, scene: Scenes) {
  const api = tesseraApi(h);
  await api.call('POST', '/v1/webhooks/endpoints', { url: h.webhooks.url });
  const flow = await api.createFlow(`E2E all steps ${tag}`, ALL_STEPS);
  const applicant = await api.createApplicant(flow.id, `e2e-${tag}-${Date.now()}`);
  const session = await api.createSession(applicant.id);
  expect(session.url).toContain('/flow/#token=');
  let n = 0;
  const shot = async (name: string) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: `test-results/screenshots/flow-${tag}-${String(++n).padStart(2, '0')}-${name}.png` });
  };
  const external: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['blob:', 'data:'].includes(u.protocol)) external.push(r.url());
  });

  useScene(CAMERA, scene.documentFront);
  // (Each viewport's applicant shows a different specimen: one document on two applicants is a duplicate.)
  await page.goto(session.url);
  await expect(page.getByRole('heading', { name: 'Verify your identity' })).toBeVisible();
  await shot('intro');
  await page.getByRole('button', { name: 'Start verification' }).click();

  // Email and phone: real codes, delivered by the server to the test's SMTP server and SMS console.
  const email = `applicant-${tag}@example.com`;
  await expect(page.getByRole('heading', { name: 'Verify your email' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('textbox', { name: 'Email address' }).fill(email);
  await shot('email');
  await page.getByRole('button', { name: 'Send code' }).click();
  const emailCode = await h.nextCode(email);
  await page.getByRole('textbox', { name: 'Verification code' }).fill(emailCode === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toContainText('not correct');
  await shot('email-wrong-code');
  await page.getByRole('textbox', { name: 'Verification code' }).fill(emailCode);
  await page.getByRole('button', { name: 'Verify' }).click();

  await expect(page.getByRole('heading', { name: 'Verify your phone number' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('textbox', { name: 'Phone number' }).fill('+44 7911 123456');
  await page.getByRole('button', { name: 'Send code' }).click();
  const smsCode = await h.nextCode('+447911123456');
  await page.getByRole('textbox', { name: 'Verification code' }).fill(smsCode);
  await shot('phone-code');
  await page.getByRole('button', { name: 'Verify' }).click();

  // Document: country and type, then autocapture of both sides.
  await expect(page.getByRole('heading', { name: 'Choose your document' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Issuing country' }).selectOption(scene.issuingState);
  await page.getByRole('radio', { name: 'Identity card' }).check();
  await shot('document-choose');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Front of your identity card' })).toBeVisible();
  await page.waitForTimeout(700);
  await shot('document-front-camera');
  // Autocapture: nobody presses the shutter.
  await expect(page.getByRole('img', { name: 'Front of your identity card' })).toBeVisible({ timeout: 20_000 });
  await shot('document-front-review');
  useScene(CAMERA, scene.documentBack);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Back of your identity card' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Back of your identity card' })).toBeVisible({ timeout: 20_000 });
  await shot('document-back-review');
  useScene(CAMERA, scene.face);
  await page.getByRole('button', { name: 'Use this photo' }).click();

  // Selfie: autocaptured when one face is steady in the oval, checked for a face on the device.
  await expect(page.getByRole('heading', { name: 'Take a selfie' })).toBeVisible({ timeout: 30_000 });
  await shot('selfie-camera');
  await expect(page.getByRole('img', { name: 'Take a selfie' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Use this photo' })).toBeEnabled({ timeout: 30_000 });
  await shot('selfie-review');
  useScene(CAMERA, scene.liveness);
  await page.getByRole('button', { name: 'Use this photo' }).click();

  // Liveness: the server's challenge, guided on screen, frames uploaded.
  await expect(page.getByRole('heading', { name: 'Liveness check' })).toBeVisible({ timeout: 30_000 });
  await shot('liveness-intro');
  await page.getByRole('button', { name: 'Start' }).click();
  const prompt = page.locator('.liveness__prompt');
  // First the neutral pose the server compares the movement with, then the action.
  await expect(prompt).toContainText('Look straight at the camera', { timeout: 30_000 });
  await expect(prompt).toContainText('Smile', { timeout: 30_000 });
  await shot('liveness-action');
  // The browser's face model sees the smile in the video (the server judges the frames on its own).
  await expect(prompt).toContainText('Done', { timeout: 15_000 });
  useScene(CAMERA, scene.selfieWithDocument);

  await expect(page.getByRole('heading', { name: 'Selfie with your document' })).toBeVisible({ timeout: 60_000 });
  await page.waitForTimeout(1500);
  await shot('selfie-with-document-camera');
  await page.getByRole('button', { name: 'Take photo' }).click();
  await expect(page.getByRole('button', { name: 'Use this photo' })).toBeEnabled({ timeout: 30_000 });
  await shot('selfie-with-document-review');
  await page.getByRole('button', { name: 'Use this photo' }).click();

  // Questionnaire: SurveyJS with its logic (the "describe" field appears only for "Other").
  await expect(page.getByRole('heading', { name: 'A few questions' })).toBeVisible({ timeout: 30_000 });
  await page.getByText('Other', { exact: true }).click();
  await expect(page.getByText('Please describe')).toBeVisible();
  await page.getByText('Salary', { exact: true }).click();
  await expect(page.getByText('Please describe')).toBeHidden();
  await page.getByText('No', { exact: true }).click();
  await shot('questionnaire');
  await page.getByRole('button', { name: 'Complete' }).click();

  await expect(page.getByTestId('thank-you')).toBeVisible({ timeout: 30_000 });
  await shot('thank-you');
  expect(external, 'the flow loads nothing from other hosts (models, fonts, CDNs)').toEqual([]);

  // The integrator's view: every step was received and the applicant left the initial state.
  const after = await api.applicant(applicant.id);
  expect(after.status).not.toBe('INIT');
  // The liveness attempt arrived in one submission, within the 12 frames the server takes.
  const liveness = after.steps!.find((x) => x.id === 'liveness')!;
  expect(liveness.attemptsUsed).toBe(1);
  const frames = liveness.current!.files.filter((f) => f.kind === 'liveness_frame').length;
  expect(frames).toBeGreaterThanOrEqual(3);
  expect(frames).toBeLessThanOrEqual(12);
  expect(['PENDING', 'COMPLETED', 'ON_HOLD', 'APPROVED', 'DECLINED']).toContain(after.status);
  // The integrator's back end hears about it: a signed webhook naming this applicant.
  await expect.poll(() => h.webhooks.received.filter((r) => JSON.stringify(r.body).includes(applicant.id)).length, { timeout: 30_000 }).toBeGreaterThan(0);
  const hook = h.webhooks.received.find((r) => JSON.stringify(r.body).includes(applicant.id))!;
  expect(hook.headers['webhook-signature']).toMatch(/^v1,/);
  return applicant.id;
}

test.describe('phone 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  test('an applicant completes every step on a phone', async ({ page }) => {
    test.setTimeout(300_000);
    await runWholeFlow(page, 'phone', scenes.phone);
  });
});

test.describe('desktop 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });
  test('an applicant completes every step on a computer', async ({ page }) => {
    test.setTimeout(300_000);
    await runWholeFlow(page, 'desktop', scenes.laptop);
  });
});

test.describe('errors a person can act on', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('an expired or unknown link says so, in the requested language', async ({ page }) => {
    await page.goto(`${h.url}/flow/?lang=fr#token=not-a-real-token`);
    await expect(page.getByRole('alert')).toContainText('lien');
    await page.screenshot({ path: 'test-results/screenshots/flow-error-invalid-link-fr.png' });
    await page.goto(`${h.url}/flow/`);
    await expect(page.getByRole('alert')).toContainText('Open this page from the link');
  });

  test('a face that cannot be found is explained, and the flow allows continuing', async ({ page }) => {
    const api = tesseraApi(h);
    const flow = await api.createFlow('E2E selfie', [{ id: 'selfie', type: 'selfie', settings: { allowContinueWithoutFace: true } }, { id: 'thank-you', type: 'thank_you' }]);
    const a = await api.createApplicant(flow.id, `e2e-noface-${Date.now()}`);
    const s = await api.createSession(a.id);
    useScene(CAMERA, scenes.phone.documentBack);
    await page.goto(s.url);
    await expect(page.getByRole('heading', { name: 'Take a selfie' })).toBeVisible();
    await page.getByRole('button', { name: 'Take photo' }).click();
    await expect(page.getByRole('alert')).toHaveText('Face could not be detected. Please upload a clear image of your face.', { timeout: 30_000 });
    await page.screenshot({ path: 'test-results/screenshots/flow-error-no-face.png' });
    await page.getByRole('button', { name: 'Continue anyway' }).click();
    await expect(page.getByTestId('thank-you')).toBeVisible({ timeout: 30_000 });
  });
});

test.describe('camera denied', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('switches to upload, and a failed upload keeps the photo for a retry', async ({ page }) => {
    // What the browser answers when the person taps "Block" on the camera prompt.
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const api = tesseraApi(h);
    const flow = await api.createFlow('E2E upload', [{ id: 'selfie', type: 'selfie' }, { id: 'thank-you', type: 'thank_you' }]);
    const a = await api.createApplicant(flow.id, `e2e-upload-${Date.now()}`);
    const s = await api.createSession(a.id);
    await page.goto(s.url);
    await expect(page.getByRole('alert')).toContainText('Camera access was denied', { timeout: 20_000 });
    await page.screenshot({ path: 'test-results/screenshots/flow-error-camera-denied.png' });
    const photo = fs.readFileSync(path.join(import.meta.dirname, 'fixtures/face-neutral.jpg'));
    await page.getByTestId('upload-input').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: photo });
    await expect(page.getByRole('button', { name: 'Use this photo' })).toBeEnabled({ timeout: 30_000 });
    // The first upload is cut off by the network; the photo stays and "Try again" sends it.
    await page.route('**/v1/flow/steps/*/selfie', (route) => route.abort('connectionreset'), { times: 1 });
    await page.getByRole('button', { name: 'Use this photo' }).click();
    await expect(page.getByRole('alert')).toContainText('The upload failed');
    await expect(page.getByRole('img', { name: 'Take a selfie' })).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/flow-error-upload-failed.png' });
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByTestId('thank-you')).toBeVisible({ timeout: 30_000 });
  });
});

/** examples/sdk/server.mjs: an integrator's page embedding the SDK, on another origin than Tessera's. */
async function startExample(flowId: string) {
  const port = await freePort();
  const example = spawn(process.execPath, ['examples/sdk/server.mjs'], {
    env: { ...process.env, TESSERA_URL: h.url, TESSERA_API_KEY: h.apiKey, TESSERA_FLOW_ID: flowId, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      example.stdout!.on('data', (d: Buffer) => d.toString().includes('SDK example on') && resolve());
      example.once('exit', (c) => reject(new Error(`example server exited with ${c}`)));
    });
  } catch (e) {
    example.kill();
    throw e;
  }
  return { port, example };
}

test.describe('web SDK', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the example page embeds the flow, gets every callback, and restart() resumes', async ({ page }) => {
    test.setTimeout(180_000);
    const api = tesseraApi(h);
    const flow = await api.createFlow('E2E SDK', [{ id: 'intro', type: 'intro' }, { id: 'selfie', type: 'selfie' }, { id: 'thank-you', type: 'thank_you' }]);
    const { port, example } = await startExample(flow.id);
    try {
      useScene(CAMERA, scenes.laptop.face);
      // Another origin than Tessera's (localhost vs 127.0.0.1): a real cross-origin embed.
      await page.goto(`http://localhost:${port}/`);
      const frame = page.frameLocator('iframe[title="Identity verification"]');
      const events = page.locator('#events li');
      await expect(frame.getByRole('heading', { name: 'Verify your identity' })).toBeVisible({ timeout: 30_000 });
      await expect(events.filter({ hasText: 'onLoad' })).toHaveCount(1);
      await page.screenshot({ path: 'test-results/screenshots/flow-sdk-01-embedded.png' });

      await frame.getByRole('button', { name: 'Start verification' }).click();
      await expect(events.filter({ hasText: 'onStart' })).toHaveCount(1);
      await expect(events.filter({ hasText: 'onPassStep · intro' })).toHaveCount(1);
      const payload = JSON.parse((await events.filter({ hasText: 'onPassStep · intro' }).locator('span').textContent())!);
      expect(payload).toMatchObject({ transactionId: expect.stringMatching(/^ses_/), flowId: flow.id, externalUserId: expect.stringMatching(/^demo-/), mode: 'test', stepType: 'intro' });
      expect(payload).toHaveProperty('appKey');

      // restart(): the same session, resumed at the first unfinished step (not the intro again).
      await page.getByRole('button', { name: 'restart()' }).click();
      await expect(events.filter({ hasText: 'onRestart' })).toHaveCount(1, { timeout: 30_000 });
      await expect(frame.getByRole('heading', { name: 'Take a selfie' })).toBeVisible({ timeout: 30_000 });
      await expect(frame.getByRole('button', { name: 'Use this photo' })).toBeEnabled({ timeout: 30_000 });
      await page.screenshot({ path: 'test-results/screenshots/flow-sdk-02-selfie.png' });
      await frame.getByRole('button', { name: 'Use this photo' }).click();
      await expect(events.filter({ hasText: 'onComplete' })).toHaveCount(1, { timeout: 30_000 });
      await expect(events.filter({ hasText: 'onPassStep · selfie' })).toHaveCount(1);
      await expect(events.filter({ hasText: 'onError' })).toHaveCount(0);
      await page.screenshot({ path: 'test-results/screenshots/flow-sdk-03-complete.png' });
    } finally {
      example.kill();
    }
  });

  test("an application's allowed origins: an unlisted page gets embedding_not_allowed, a listed one the flow", async ({ page }) => {
    test.setTimeout(120_000);
    const api = tesseraApi(h);
    const bo = await backOffice(h);
    // The API key that the example page's back end uses belongs to the organisation's first application.
    const app = (await bo.call<{ data: { id: string }[] }>('GET', '/v1/applications')).data[0];
    const setOrigins = (allowedOrigins: string[]) => bo.call<{ allowedOrigins: string[] }>('PATCH', `/v1/applications/${app.id}`, { allowedOrigins });
    const flow = await api.createFlow('E2E SDK origins', [{ id: 'intro', type: 'intro' }, { id: 'selfie', type: 'selfie' }, { id: 'thank-you', type: 'thank_you' }]);
    const { port, example } = await startExample(flow.id);
    try {
      const events = page.locator('#events li');
      const frame = page.frameLocator('iframe[title="Identity verification"]');

      // Listed: only some other website. The example page (http://localhost:port) is refused.
      await setOrigins(['https://shop.example.com']);
      await page.goto(`http://localhost:${port}/`);
      await expect(frame.getByRole('alert')).toHaveText('This verification cannot be opened inside this website.', { timeout: 30_000 });
      await expect(frame.getByText('Error code: embedding_not_allowed')).toBeVisible();
      await expect(frame.getByRole('button', { name: 'Start verification' })).toHaveCount(0);
      await expect(events.filter({ hasText: 'onError' })).toHaveCount(1);
      const payload = JSON.parse((await events.filter({ hasText: 'onError' }).locator('span').textContent())!);
      expect(payload.error.code).toBe('embedding_not_allowed');
      // The refused page learns nothing about the applicant or the session.
      expect(payload).toMatchObject({ transactionId: '', externalUserId: null, flowId: '', appKey: null });
      await expect(events.filter({ hasText: 'onLoad' })).toHaveCount(0);
      await page.screenshot({ path: 'test-results/screenshots/flow-sdk-origins-01-refused.png' });

      // The same page once listed (written as an integrator might: upper case, trailing slash).
      expect((await setOrigins(['https://shop.example.com', `HTTP://LOCALHOST:${port}/`])).allowedOrigins).toEqual(['https://shop.example.com', `http://localhost:${port}`]);
      await page.reload();
      await expect(frame.getByRole('heading', { name: 'Verify your identity' })).toBeVisible({ timeout: 30_000 });
      await expect(events.filter({ hasText: 'onLoad' })).toHaveCount(1);
      await expect(events.filter({ hasText: 'onError' })).toHaveCount(0);
      await page.screenshot({ path: 'test-results/screenshots/flow-sdk-origins-02-allowed.png' });
    } finally {
      example.kill();
      // Back to "any origin" for the other tests on this server.
      await setOrigins([]).catch(() => undefined);
    }
  });
});
