/* Shared by the worklist, timeline and visitor pages: the bearer token (same tab storage as the dashboards page),
 * API calls that turn error bodies into readable messages, and a few helpers. Plain ES2017, no build step. */
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  if (params.get('token')) {
    sessionStorage.setItem('sl-token', params.get('token'));
    params.delete('token');
    history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : '') + location.hash);
  }
  var SL = (window.SL = {});
  SL.token = function () { return sessionStorage.getItem('sl-token'); };
  SL.$ = function (s) { return document.querySelector(s); };
  SL.el = function (tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined && text !== null) e.textContent = text; return e; };
  SL.message = function (text) { var m = SL.$('#message'); m.textContent = text || ''; m.hidden = !text; };
  SL.api = function (path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + SL.token() } }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (!res.ok) {
          var issue = body.issues && body.issues[0];
          throw new Error(issue ? issue.field + ': ' + issue.message : body.message || res.statusText);
        }
        return body;
      });
    });
  };
  /** Shows the token form until there is a token, then calls start(). */
  SL.boot = function (start) {
    var form = SL.$('#login');
    if (SL.token()) { form.hidden = true; start(); return; }
    form.hidden = false;
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      sessionStorage.setItem('sl-token', SL.$('#token').value.trim());
      form.hidden = true;
      start();
    });
  };
  SL.time = function (iso) {
    if (!iso) return '';
    return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
  };
  /** "2 h 05 min left" / "overdue 3 d 4 h". */
  SL.left = function (seconds) {
    if (seconds === null || seconds === undefined) return '';
    var s = Math.abs(seconds), d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var text = d ? d + ' 天 ' + h + ' 时' : h ? h + ' 时 ' + m + ' 分' : m + ' 分';
    return seconds < 0 ? '超时 ' + text : '剩 ' + text;
  };
  SL.STATE = { at_risk: '预警 at risk', breached: '超时 breached', running: '计时 running', paused: '暂停 paused', none: '— none' };
  SL.TYPE = { complaint: '投诉 complaint', repair: '报修 repair', help_request: '求助 help', courtesy_visit: '拜访 visit' };
})();
