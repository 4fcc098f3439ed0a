import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { e2eEnv, shot } from '../env.ts';

export async function login(page: Page) {
  const env = e2eEnv();
  await page.goto(`${env.url}/app/login`);
  await page.getByRole('textbox', { name: 'Email' }).fill(env.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(env.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('account-menu')).toBeVisible();
  // The shell shows while the app is still redirecting to the landing page: a click on the sidebar before
  // it gets there would be overridden by that redirect.
  await page.waitForURL((u) => /^\/app\/(?!login)[^/]+/.test(u.pathname));
  await expect(page.getByRole('heading', { level: 2 })).toBeVisible();
}

/** Lets charts, skeletons and transitions settle before a screenshot (a live page's event stream never idles). */
export async function snap(page: Page, name: string) {
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
  await page.waitForTimeout(300);
  await page.screenshot({ path: shot(`backoffice-${name}`), fullPage: true });
}

/** The integration side: what a customer's backend does with its test API key. */
export function apiAs(request: APIRequestContext, mode: 'test' | 'live' = 'test') {
  const env = e2eEnv();
  const headers = { authorization: `Bearer ${env.apiKeys[mode]}`, 'content-type': 'application/json' };
  const call = async <T>(method: 'get' | 'post' | 'patch', path: string, data?: unknown): Promise<T> => {
    const res = await request[method](`${env.url}${path}`, { headers, data: data === undefined ? undefined : JSON.stringify(data) });
    const body = await res.text();
    if (!res.ok()) throw new Error(`${method.toUpperCase()} ${path} → ${res.status()}: ${body}`);
    return JSON.parse(body) as T;
  };
  return { get: <T>(p: string) => call<T>('get', p), post: <T>(p: string, d?: unknown) => call<T>('post', p, d ?? {}), patch: <T>(p: string, d: unknown) => call<T>('patch', p, d) };
}
