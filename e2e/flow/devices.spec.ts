import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { readDocumentBarcodes } from '../../packages/documents/src/index.ts';
import { buildDocumentScenes, fakeCameraLaunchOptions, LAPTOP_HD, PHONE, PHONE_HD, useScene, type DocumentScenes } from './fake-camera.ts';
import { startHarness, tesseraApi, type Harness } from './harness.ts';

/**
 * Two ways into the flow besides a session URL, against a real Tessera: "continue on your phone" (a
 * computer hands its session to a phone with a QR code, the phone finishes) and a one-time link (which
 * creates its own applicant). Both read the document with OCR prefill, so the applicant confirms or
 * corrects what was read before the end; the result is checked from the integrator's side.
 */

const CAMERA = path.join(os.tmpdir(), `tessera-e2e-camera-devices-${process.pid}.y4m`);
test.use({ launchOptions: fakeCameraLaunchOptions(CAMERA) });

const PHONE_VIEWPORT = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP_VIEWPORT = { viewport: { width: 1280, height: 800 } };
const ID_CARD = [{ type: 'id_card', back: 'required' }];

type Scenes = DocumentScenes & { face: string };
let h: Harness;
let scenes: { handoff: Scenes; linkPhone: Scenes; linkDesktop: Scenes };

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-devices-'));
  // One specimen per applicant: the same document under two applicants is flagged as a duplicate.
  const [harness, handoff, linkPhone, linkDesktop] = await Promise.all([
    startHarness(),
    buildDocumentScenes(path.join(dir, 'handoff'), PHONE, 11),
    buildDocumentScenes(path.join(dir, 'link-phone'), PHONE_HD, 12, { upright: true }),
    buildDocumentScenes(path.join(dir, 'link-desktop'), LAPTOP_HD, 13, { upright: true }),
  ]);
  h = harness;
  scenes = { handoff, linkPhone, linkDesktop };
  useScene(CAMERA, handoff.documentFront);
});

test.afterAll(async () => {
  await h?.stop();
  fs.rmSync(CAMERA, { force: true });
});

function shooter(page: Page, prefix: string) {
  let n = 0;
  return async (name: string) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: `test-results/screenshots/${prefix}-${String(++n).padStart(2, '0')}-${name}.png` });
  };
}

/** Country and type, then both sides autocaptured (nobody presses the shutter). */
async function captureIdCard(page: Page, s: Scenes, shot: (n: string) => Promise<void>) {
  await expect(page.getByRole('heading', { name: 'Choose your document' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('combobox', { name: 'Issuing country' }).selectOption(s.issuingState);
  await page.getByRole('radio', { name: 'Identity card' }).check();
  useScene(CAMERA, s.documentFront);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Front of your identity card' })).toBeVisible();
  await page.waitForTimeout(700);
  await shot('document-front-camera');
  await expect(page.getByRole('img', { name: 'Front of your identity card' })).toBeVisible({ timeout: 20_000 });
  useScene(CAMERA, s.documentBack);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(page.getByRole('img', { name: 'Back of your identity card' })).toBeVisible({ timeout: 20_000 });
  await shot('document-back-review');
  useScene(CAMERA, s.face);
  await page.getByRole('button', { name: 'Use this photo' }).click();
}

/**
 * The data read from the document, shown for confirmation: right after the upload when the engine was
 * that quick, otherwise before the thank-you screen (after "Reading your document" if still at it).
 */
async function confirmReading(page: Page, s: Scenes, shot: (n: string) => Promise<void>, correct?: { givenNames: string }) {
  const reading = page.getByRole('heading', { name: 'Reading your document' });
  if (await reading.waitFor({ timeout: 2_000 }).then(() => true, () => false)) await shot('document-reading');
  await expect(page.getByRole('heading', { name: 'Confirm your details' })).toBeVisible({ timeout: 120_000 });
  // What the engine read from this specimen, not a canned value.
  await expect(page.getByRole('textbox', { name: 'Surname' })).toHaveValue(s.person.surname);
  await expect(page.getByRole('textbox', { name: 'Document number' })).toHaveValue(s.person.documentNumber);
  await expect(page.getByLabel('Date of birth')).toHaveValue(s.person.birthDate);
  if (correct) await page.getByRole('textbox', { name: 'Given names' }).fill(correct.givenNames);
  await shot('document-confirm');
  await page.getByRole('button', { name: 'Confirm' }).click();
}

test.describe('continue on your phone', () => {
  test('a computer hands its session to a phone with a QR code; the phone finishes and the computer follows', async ({ browser }) => {
    test.setTimeout(360_000);
    const api = tesseraApi(h);
    const flow = await api.createFlow('E2E handoff', [
      { id: 'intro', type: 'intro' },
      { id: 'document', type: 'document', settings: { documentTypes: ID_CARD, prefill: { enabled: true } } },
      { id: 'selfie', type: 'selfie' },
      { id: 'email', type: 'email' },
      { id: 'thank-you', type: 'thank_you' },
    ]);
    const email = `handoff-${Date.now()}@example.com`;
    const applicant = await api.createApplicant(flow.id, `e2e-handoff-${Date.now()}`, { email });
    const session = await api.createSession(applicant.id);

    const desk = await browser.newContext(DESKTOP_VIEWPORT);
    const hand = await browser.newContext(PHONE_VIEWPORT);
    try {
      const computer = await desk.newPage();
      const deskShot = shooter(computer, 'flow-handoff-desktop');
      await computer.goto(session.url);
      await computer.getByRole('button', { name: 'Start verification' }).click();
      await expect(computer.getByRole('heading', { name: 'Choose your document' })).toBeVisible();
      await computer.getByRole('button', { name: 'Continue on your phone' }).click();
      const dialog = computer.getByRole('dialog', { name: 'Continue on your phone' });
      const qr = dialog.getByRole('img', { name: 'Continue on your phone' });
      await expect(qr).toBeVisible();
      await deskShot('qr-code');
      const link = (await dialog.locator('code').textContent())!;
      expect(link).toMatch(new RegExp(`^${h.url}/flow/#handoff=[A-Z0-9]{6,12}$`));
      // The QR code, as drawn on the screen, carries that same link.
      const codes = await readDocumentBarcodes(await qr.screenshot());
      expect(codes.map((c) => [c.format, c.text])).toEqual([['QRCode', link]]);

      // The phone: a second browser, its own token from the code, resumed where the computer was.
      const phone = await hand.newPage();
      const phoneShot = shooter(phone, 'flow-handoff-phone');
      await phone.goto(link);
      await expect(phone).toHaveURL(`${h.url}/flow/`);
      await phoneShot('resumed');
      await captureIdCard(phone, scenes.handoff, phoneShot);

      // Once the phone has moved on, the computer steps aside instead of opening its own camera.
      await expect(computer.getByRole('button', { name: 'Continue on this device instead' })).toBeVisible({ timeout: 15_000 });
      await deskShot('waiting-for-phone');

      await expect(phone.getByRole('heading', { name: /Take a selfie|Confirm your details/ })).toBeVisible({ timeout: 60_000 });
      let confirmed = false;
      if (await phone.getByRole('heading', { name: 'Confirm your details' }).isVisible()) {
        await confirmReading(phone, scenes.handoff, phoneShot);
        confirmed = true;
      }
      await expect(phone.getByRole('heading', { name: 'Take a selfie' })).toBeVisible({ timeout: 30_000 });
      await expect(phone.getByRole('button', { name: 'Use this photo' })).toBeEnabled({ timeout: 30_000 });
      await phone.getByRole('button', { name: 'Use this photo' }).click();

      // The address the integrator gave is offered, masked; the code goes there without retyping it.
      await expect(phone.getByRole('heading', { name: 'Verify your email' })).toBeVisible({ timeout: 30_000 });
      await expect(phone.getByText('h•••@example.com', { exact: true })).toBeVisible();
      await expect(phone.getByRole('button', { name: 'Use another email address' })).toBeVisible();
      await phoneShot('email-known-address');
      await phone.getByRole('button', { name: 'Send code' }).click();
      await expect(phone.getByText('Enter the code we sent to h•••@example.com.')).toBeVisible();
      await phone.getByRole('textbox', { name: 'Verification code' }).fill(await h.nextCode(email));
      await phone.getByRole('button', { name: 'Verify' }).click();

      if (!confirmed) await confirmReading(phone, scenes.handoff, phoneShot);
      await expect(phone.getByTestId('thank-you')).toBeVisible({ timeout: 30_000 });
      await phoneShot('thank-you');

      // The computer follows to the end without submitting anything itself.
      await expect(computer.getByTestId('thank-you')).toBeVisible({ timeout: 30_000 });
      await deskShot('thank-you');

      const a = await api.call<ApplicantView>('GET', `/v1/applicants/${applicant.id}`);
      expect(['PENDING', 'COMPLETED', 'ON_HOLD', 'APPROVED']).toContain(a.status);
      expect(Object.fromEntries(a.steps.map((s) => [s.id, s.status]))).toMatchObject({ intro: expect.any(String), document: expect.stringMatching(/approved|pending/), selfie: expect.stringMatching(/approved|pending/), email: 'approved', 'thank-you': 'approved' });
      // One thank-you submission: the computer did not submit the end again.
      expect(a.steps.find((s) => s.id === 'thank-you')!.attemptsUsed).toBe(1);
      expect(a.documents[0].applicantConfirmed).toMatchObject({ surname: scenes.handoff.person.surname, givenNames: scenes.handoff.person.givenNames });
      expect(a.warnings.map((w) => w.kind)).not.toContain('applicant_corrected_data');
      expect(a.sessions.length).toBe(2);
    } finally {
      await desk.close();
      await hand.close();
    }
  });
});

type ApplicantView = {
  id: string;
  status: string;
  externalUserId: string;
  steps: { id: string; status: string; attemptsUsed: number }[];
  documents: { applicantConfirmed: Record<string, string | null> | null; fields: Record<string, string | null> }[];
  warnings: { kind: string }[];
  sessions: unknown[];
};

for (const [tag, use, scene] of [['phone', PHONE_VIEWPORT, 'linkPhone'], ['desktop', DESKTOP_VIEWPORT, 'linkDesktop']] as const) {
  test.describe(`one-time link (${tag})`, () => {
    test.use(use);

    test('opens the flow once, for an applicant of its own, with the document frame upright', async ({ page }) => {
      test.setTimeout(300_000);
      const s = scenes[scene];
      const shot = shooter(page, `flow-link-${tag}`);
      const api = tesseraApi(h);
      const flow = await api.createFlow(`E2E link ${tag}`, [
        { id: 'intro', type: 'intro' },
        { id: 'document', type: 'document', settings: { documentTypes: ID_CARD, orientation: 'portrait', prefill: { enabled: true } } },
        { id: 'phone', type: 'phone' },
        { id: 'thank-you', type: 'thank_you' },
      ]);
      const created = await api.call<{ batchId: string; data: { id: string; url: string }[] }>('POST', '/v1/links', { flowId: flow.id, count: 1, ttlSeconds: 3600 });
      const link = created.data[0];
      expect(link.url).toMatch(new RegExp(`^${h.url}/l/[^/]+$`));

      await page.goto(link.url);
      // Redirected into the flow; the token is taken out of the address bar.
      await expect(page.getByRole('heading', { name: 'Verify your identity' })).toBeVisible();
      await expect(page).toHaveURL(`${h.url}/flow/`);
      await shot('intro');
      await page.getByRole('button', { name: 'Start verification' }).click();

      await expect(page.getByRole('heading', { name: 'Choose your document' })).toBeVisible({ timeout: 30_000 });
      await page.getByRole('combobox', { name: 'Issuing country' }).selectOption(s.issuingState);
      await page.getByRole('radio', { name: 'Identity card' }).check();
      useScene(CAMERA, s.documentFront);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await expect(page.getByText('Turn the document upright and place it inside the frame').first()).toBeVisible();
      // The flow asks for portrait: the frame is an upright card (ID-1, 54 × 85.6 mm).
      const frame = (await page.locator('rect.camera__frame').boundingBox())!;
      expect(frame.height / frame.width).toBeCloseTo(85.6 / 54, 1);
      await shot('document-front-camera');
      await expect(page.getByRole('img', { name: 'Front of your identity card' })).toBeVisible({ timeout: 20_000 });
      await shot('document-front-review');
      useScene(CAMERA, s.documentBack);
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
      await expect(page.getByRole('img', { name: 'Back of your identity card' })).toBeVisible({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Use this photo' }).click();

      const corrected = `${s.person.givenNames} JUNIOR`;
      await expect(page.getByRole('heading', { name: /Verify your phone number|Confirm your details/ })).toBeVisible({ timeout: 30_000 });
      let confirmed = false;
      if (await page.getByRole('heading', { name: 'Confirm your details' }).isVisible()) {
        await confirmReading(page, s, shot, { givenNames: corrected });
        confirmed = true;
      }
      // A link's applicant has no number on file: the person types one.
      await expect(page.getByRole('heading', { name: 'Verify your phone number' })).toBeVisible({ timeout: 30_000 });
      await page.getByRole('textbox', { name: 'Phone number' }).fill('+44 7911 123456');
      await shot('phone');
      await page.getByRole('button', { name: 'Send code' }).click();
      await page.getByRole('textbox', { name: 'Verification code' }).fill(await h.nextCode('+447911123456'));
      await page.getByRole('button', { name: 'Verify' }).click();

      if (!confirmed) await confirmReading(page, s, shot, { givenNames: corrected });
      await expect(page.getByTestId('thank-you')).toBeVisible({ timeout: 30_000 });
      await shot('thank-you');

      // The integrator's side: the link made its own applicant, who finished; the correction is
      // kept beside what the document says, flagged for the reviewer.
      await expect.poll(async () => (await api.call<{ data: { status: string }[] }>('GET', `/v1/links?batchId=${created.batchId}`)).data[0].status, { timeout: 30_000 }).toBe('completed');
      const [listed] = (await api.call<{ data: { applicantId: string | null }[] }>('GET', `/v1/links?batchId=${created.batchId}`)).data;
      const a = await api.call<ApplicantView>('GET', `/v1/applicants/${listed.applicantId}`);
      expect(a.externalUserId).toBe(`link:${link.id}`);
      expect(['COMPLETED', 'ON_HOLD', 'APPROVED']).toContain(a.status);
      expect(a.documents[0].applicantConfirmed?.givenNames).toBe(corrected);
      expect(a.documents[0].fields.givenNames).toBe(s.person.givenNames);
      expect(a.warnings.map((w) => w.kind)).toContain('applicant_corrected_data');

      // A one-time link opens once.
      const again = await page.goto(link.url);
      expect(again?.status()).toBe(410);
      await expect(page.getByText('This verification link was already used.')).toBeVisible();
    });
  });
}
