import { useEffect, useState } from 'react';
import { Box, Center, Image, Modal, Skeleton, Text, UnstyledButton } from '@mantine/core';
import { IconLock, IconPhotoOff, IconZoomIn } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { apiClient } from '../api/client.ts';

/** A passing server error is worth two more tries (a page loads several images at once); a 4xx is not. */
async function fetchWithRetry(src: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const r = await fetch(src, { headers: { 'x-tessera-mode': apiClient.mode }, credentials: 'same-origin' }).catch(() => null);
    if (r?.ok) return r;
    if ((r && r.status < 500) || attempt >= 3) throw new Error(String(r?.status ?? 'network'));
    await new Promise((res) => setTimeout(res, 250 * attempt + Math.random() * 250));
  }
}

/**
 * Applicant images are fetched with the mode header (a plain <img> could not send it) and shown from a
 * blob URL that is revoked when the image leaves the page.
 */
function useBlobUrl(src: string | null) {
  const [url, setUrl] = useState<string | null>(null);
  // 'hidden': the role may not see personal data (403); 'failed': anything else.
  const [failed, setFailed] = useState<'hidden' | 'failed' | null>(null);
  useEffect(() => {
    if (!src) return;
    let revoked = false;
    let made: string | null = null;
    setFailed(null);
    fetchWithRetry(src)
      .then(async (r) => {
        const b = await r.blob();
        if (revoked) return;
        made = URL.createObjectURL(b);
        setUrl(made);
      })
      .catch((e: Error) => !revoked && setFailed(e.message === '403' ? 'hidden' : 'failed'));
    return () => {
      revoked = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [src]);
  return { url, failed };
}

export function AuthImage({ src, alt, h = 180, zoom = true, video = false }: { src: string | null; alt: string; h?: number; zoom?: boolean; video?: boolean }) {
  const { t } = useTranslation();
  const { url, failed } = useBlobUrl(src);
  const [open, setOpen] = useState(false);
  if (failed || !src)
    return (
      <Center h={h} miw={h} bg="gray.1" style={{ borderRadius: 8 }}>
        <Box ta="center" c="dimmed" px="xs">
          {failed === 'hidden' ? <IconLock size={22} /> : <IconPhotoOff size={22} />}
          <Text size="xs">{failed === 'hidden' ? t('profile.imageHidden') : t('profile.imageUnavailable')}</Text>
        </Box>
      </Center>
    );
  if (!url) return <Skeleton h={h} radius="md" />;
  if (video) return <video src={url} controls style={{ height: h, borderRadius: 8, background: '#000' }} aria-label={alt} />;
  return (
    <>
      <UnstyledButton onClick={() => zoom && setOpen(true)} aria-label={t('profile.zoom', { what: alt })} style={{ position: 'relative', display: 'block' }}>
        <Image src={url} alt={alt} h={h} w="auto" fit="contain" radius="md" bg="gray.1" style={{ maxWidth: '100%' }} />
        {zoom && (
          <Box style={{ position: 'absolute', right: 6, bottom: 6, background: 'rgba(0,0,0,.55)', color: '#fff', borderRadius: 6, padding: 3, display: 'flex' }}>
            <IconZoomIn size={14} />
          </Box>
        )}
      </UnstyledButton>
      <Modal opened={open} onClose={() => setOpen(false)} size="auto" title={alt} centered>
        <Image src={url} alt={alt} mah="80vh" maw="85vw" fit="contain" />
      </Modal>
    </>
  );
}
