const KEY = 'tessera.flow.token';

/**
 * The access token arrives in the URL fragment (never sent to a server or written to logs). It is moved
 * into this tab's sessionStorage so a reload resumes, and the fragment is cleared from the address bar.
 */
export function takeTokenFromLocation(loc: Pick<Location, 'hash'>, storage: Pick<Storage, 'getItem' | 'setItem'> | null): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromHash = params.get('token');
  if (fromHash) {
    try {
      storage?.setItem(KEY, fromHash);
    } catch {
      // Storage can be blocked (private mode, third-party frame); the token still works for this page view.
    }
    return fromHash;
  }
  try {
    return storage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

/** `/flow/#handoff=CODE`: the QR code from another device; the code is exchanged for a token once. */
export function handoffCodeFromLocation(loc: Pick<Location, 'hash'>): string | null {
  return new URLSearchParams(loc.hash.replace(/^#/, '')).get('handoff');
}

export function storeToken(storage: Pick<Storage, 'setItem'> | null, token: string) {
  try {
    storage?.setItem(KEY, token);
  } catch {
    // Blocked storage only costs resuming after a reload.
  }
}

/** A refused token is forgotten, so the next visit does not try it again. */
export function forgetToken(storage: Pick<Storage, 'removeItem'> | null) {
  try {
    storage?.removeItem(KEY);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

export function safeSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
