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

/**
 * Phone numbers typed into free text ("please call 138 1234 5678"): mainland mobiles (optionally +86) and landlines
 * with an area code. Digit runs glued to other digits are left alone, so amounts and dates do not match.
 */
const PHONE_IN_TEXT = /(?<![\d])(?:(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}|0\d{2,3}[ -]?\d{7,8})(?![\d])/g;
/** Identifiers and references are never free text (a UUID's last group may be twelve digits). */
const IDENTIFIER_KEY = /(^id$|Id$|Ids$|Ref$|No$)/;

export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => maskPhone(m));
}

/** Deep-copies event data with every personal contact masked, and phone numbers masked inside free text. */
export function maskPersonalData<T>(data: T, key = ''): T {
  if (typeof data === 'string') return (IDENTIFIER_KEY.test(key) ? data : maskPhonesInText(data)) as T;
  if (Array.isArray(data)) return data.map((item) => maskPersonalData(item, key)) as T;
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
    } else out[k] = maskPersonalData(v, k);
  }
  return out as T;
}

/**
 * Personal data removed, not masked: what leaves the store (Kafka messages, dead letters). Contacts keep only the
 * fact that there was one; phones in free text are masked as in reads.
 */
export function stripPersonalData<T>(data: T, key = ''): T {
  if (typeof data === 'string') return (IDENTIFIER_KEY.test(key) ? data : maskPhonesInText(data)) as T;
  if (Array.isArray(data)) return data.map((item) => stripPersonalData(item, key)) as T;
  if (data === null || typeof data !== 'object') return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (PERSONAL_KEYS.has(k) && v && typeof v === 'object' && !Array.isArray(v)) {
      const { name: _n, phone: _p, idDocumentNo: _i, ...rest } = v as Record<string, unknown>;
      out[k] = { ...stripPersonalData(rest), redacted: true };
    } else out[k] = stripPersonalData(v, k);
  }
  return out as T;
}
