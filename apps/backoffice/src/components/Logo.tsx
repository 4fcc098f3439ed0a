import { Group, Text } from '@mantine/core';

export function Logo({ size = 26 }: { size?: number }) {
  return (
    <Group gap={8} wrap="nowrap">
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill="var(--mantine-color-blue-7)" />
        <path d="M8 8h7v7H8zM17 8h7v7h-7zM8 17h7v7H8z" fill="#fff" />
        <path d="M17 17h7v7h-7z" fill="#fff" opacity=".55" />
      </svg>
      <Text fw={700} size="lg" style={{ letterSpacing: '-0.01em' }}>
        Tessera
      </Text>
    </Group>
  );
}
