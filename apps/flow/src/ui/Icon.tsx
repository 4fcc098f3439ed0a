/** Small inline icons (no icon font: nothing extra to download). Decorative unless given a label. */
const PATHS = {
  lock: 'M7 10V7a5 5 0 0 1 10 0v3M5 10h14v11H5z',
  id: 'M3 5h18v14H3zM7 9.5a2 2 0 1 0 4 0 2 2 0 0 0-4 0M6 16c.5-2 2-3 3-3s2.5 1 3 3M14 9h4M14 13h4',
  face: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M9 10h.01M15 10h.01M8.5 14.5c1 1.3 2.2 2 3.5 2s2.5-.7 3.5-2',
  phone: 'M7 2h10v20H7zM11 18h2',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  alert: 'M12 3l10 18H2zM12 10v4M12 17.5h.01',
  camera: 'M4 7h3l2-3h6l2 3h3v13H4zM12 10a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7',
  upload: 'M12 16V4M7 9l5-5 5 5M4 20h16',
  back: 'M15 5l-7 7 7 7',
  mail: 'M3 5h18v14H3zM3 6l9 7 9-7',
  clock: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M12 7v5l3 2',
  shield: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6zM8.5 12l2.5 2.5 4.5-5',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 24, label }: { name: IconName; size?: number; label?: string }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round"
      role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : true} focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
