import type { FlowStyle } from './api.ts';

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
// A font stack from the flow's settings lands in CSS: allow names, quotes, commas and spaces only.
const FONT = /^[\w\s,'"-]{1,200}$/;

/** Turns the flow's style into CSS custom properties, ignoring values that are not plain colours/fonts. */
export function styleVariables(style: FlowStyle): Record<string, string> {
  const v: Record<string, string> = {};
  if (style.primaryColor && COLOR.test(style.primaryColor)) v['--primary'] = style.primaryColor;
  if (style.backgroundColor && COLOR.test(style.backgroundColor)) v['--bg'] = style.backgroundColor;
  if (style.textColor && COLOR.test(style.textColor)) v['--text'] = style.textColor;
  if (style.buttonTextColor && COLOR.test(style.buttonTextColor)) v['--on-primary'] = style.buttonTextColor;
  if (style.fontFamily && FONT.test(style.fontFamily)) v['--font'] = `${style.fontFamily}, system-ui, sans-serif`;
  const r = typeof style.buttonRadius === 'number' ? style.buttonRadius : Number.parseFloat(String(style.buttonRadius ?? ''));
  if (Number.isFinite(r) && r >= 0 && r <= 40) v['--radius'] = `${r}px`;
  return v;
}

export function applyStyle(style: FlowStyle) {
  const root = document.documentElement;
  for (const [k, val] of Object.entries(styleVariables(style))) root.style.setProperty(k, val);
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta && style.backgroundColor && COLOR.test(style.backgroundColor)) meta.setAttribute('content', style.backgroundColor);
}
