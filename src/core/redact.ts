/** Secret-free renderings for audit rows and logs. */

const SECRET_PARAM = /token|secret|key|code|password|signature/i;

/** Path and query of `url` with secret-looking query parameters masked. */
export function auditUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...parsed.searchParams.keys()]) {
      if (SECRET_PARAM.test(key)) parsed.searchParams.set(key, '***');
    }
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
