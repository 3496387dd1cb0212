/** Personal data shown to staff without the unmask right: 138****1234, 张*. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s|-/g, '');
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****';
}

export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 2))}`;
}

const PERSONAL_KEYS = new Set(['complainant', 'reporter', 'requester', 'visitor']);

/** Deep-copies event data with every personal contact masked. */
export function maskPersonalData<T>(data: T): T {
  if (Array.isArray(data)) return data.map(maskPersonalData) as T;
  if (data === null || typeof data !== 'object') return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (PERSONAL_KEYS.has(k) && v && typeof v === 'object') {
      const c = v as Record<string, unknown>;
      out[k] = {
        ...c,
        ...(typeof c.name === 'string' ? { name: maskName(c.name) } : {}),
        ...(typeof c.phone === 'string' ? { phone: maskPhone(c.phone) } : {}),
        ...(typeof c.idDocumentNo === 'string' ? { idDocumentNo: `${c.idDocumentNo.slice(0, 2)}****${c.idDocumentNo.slice(-2)}` } : {}),
      };
    } else out[k] = maskPersonalData(v);
  }
  return out as T;
}
