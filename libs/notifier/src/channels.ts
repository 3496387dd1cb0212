import { createHmac } from 'node:crypto';
import type { AlertRaised } from '@service-ledger/alerts';
import { THRESHOLD_LABEL } from '@service-ledger/alerts';
import type { AlertRoute } from '@service-ledger/config';

type Alert = AlertRaised['data'] & { projectId: string };

export interface PostResult {
  ok: boolean;
  status: number;
  error?: string;
}

/** A request ready to send: where, what, and which headers (signatures included). */
export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Generic JSON webhook: the body is signed with HMAC-SHA256 over `<timestamp>.<body>` (receivers reject stale timestamps). */
export function signJson(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** DingTalk's signed URL: sign = base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), URL-encoded. */
export function dingTalkSign(secret: string, timestamp: string): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
}

function text(a: Alert): { title: string; lines: string[] } {
  const title = `【${THRESHOLD_LABEL[a.threshold]}】${a.caseNumber ?? a.caseStreamId}`;
  return { title, lines: [a.message, `项目 Project: ${a.projectId}`, `时限 Clock: ${a.clock}`, `到期 Due: ${a.dueAt}`, `案件 Case: ${a.caseNumber ?? ''} (${a.caseStreamId})`] };
}

/** The request for one route, in its channel's format. */
export function buildRequest(route: AlertRoute, alert: Alert, now: Date): WebhookRequest {
  const { title, lines } = text(alert);
  const timestamp = String(now.getTime());
  switch (route.kind) {
    case 'json': {
      const body = JSON.stringify({
        alertId: alert.alertId, threshold: alert.threshold, role: alert.role, projectId: alert.projectId, caseStreamId: alert.caseStreamId,
        caseNumber: alert.caseNumber, clock: alert.clock, dueAt: alert.dueAt, title, message: alert.message,
      });
      return {
        url: route.url,
        body,
        headers: { 'content-type': 'application/json', 'x-service-ledger-alert': alert.alertId, 'x-service-ledger-timestamp': timestamp, 'x-service-ledger-signature': signJson(route.secret!, timestamp, body) },
      };
    }
    case 'wecom':
      // 企业微信群机器人: the key is part of the URL; markdown message.
      return { url: route.url, body: JSON.stringify({ msgtype: 'markdown', markdown: { content: [`**${title}**`, ...lines.map((l) => `> ${l}`)].join('\n') } }), headers: { 'content-type': 'application/json' } };
    case 'dingtalk': {
      // 钉钉群机器人: with a secret, the URL carries timestamp and sign (加签).
      const url = route.secret ? `${route.url}${route.url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${dingTalkSign(route.secret, timestamp)}` : route.url;
      return { url, body: JSON.stringify({ msgtype: 'markdown', markdown: { title, text: [`#### ${title}`, ...lines.map((l) => `- ${l}`)].join('\n') } }), headers: { 'content-type': 'application/json' } };
    }
  }
}

/** One try. The robots answer 200 with `errcode` ≠ 0 when they refuse a message: that is a failure too. */
export async function post(request: WebhookRequest, timeoutMs = 10_000): Promise<PostResult> {
  try {
    const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    if (!res.ok) return { ok: false, status: res.status, error: `HTTP ${res.status}` };
    const errcode = /"errcode"\s*:\s*(-?\d+)/.exec(body)?.[1];
    if (errcode && errcode !== '0') return { ok: false, status: res.status, error: `errcode ${errcode}` };
    return { ok: true, status: res.status };
  } catch (error) {
    return { ok: false, status: 0, error: (error as Error).message.slice(0, 200) };
  }
}
