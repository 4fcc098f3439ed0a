import { UAParser } from 'ua-parser-js';

export type ClientInfo = { os: string | null; browser: string | null; browserVersion: string | null; device: string | null };

export function parseUserAgent(ua: string | undefined | null): ClientInfo {
  if (!ua) return { os: null, browser: null, browserVersion: null, device: null };
  const r = new UAParser(ua.slice(0, 512)).getResult();
  const os = [r.os.name, r.os.version].filter(Boolean).join(' ') || null;
  return {
    os,
    browser: r.browser.name ?? null,
    browserVersion: r.browser.version ?? null,
    device: r.device.type ?? (r.os.name ? 'desktop' : null),
  };
}
