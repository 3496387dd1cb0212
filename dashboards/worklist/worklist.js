/* 待办 / Worklist: GET /api/cases with the filters, at-risk first; a row opens the case's timeline. */
(function () {
  'use strict';
  var SL = window.SL, form = SL.$('#filters'), body = SL.$('#cases tbody'), more = SL.$('#more'), cursor = null;

  function query(extra) {
    var q = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (String(v).trim()) q.set(k, String(v).trim()); });
    Object.keys(extra || {}).forEach(function (k) { q.set(k, extra[k]); });
    return q;
  }

  function row(c) {
    var tr = SL.el('tr', 'link');
    tr.dataset.case = c.streamId;
    [c.caseNumber || c.caseId.slice(0, 8) + '…', SL.TYPE[c.caseType] || c.caseType, c.projectId, c.status].forEach(function (v) { tr.appendChild(SL.el('td', null, v)); });
    tr.appendChild(SL.el('td', 'state-' + c.clockState, SL.STATE[c.clockState] + (c.clock ? ' · ' + c.clock : '')));
    tr.appendChild(SL.el('td', 'state-' + c.clockState, SL.left(c.timeLeftSeconds)));
    [c.responsibleName ? c.responsibleName + ' (' + c.responsibleId + ')' : c.responsibleId, c.building, SL.time(c.openedAt)].forEach(function (v) { tr.appendChild(SL.el('td', null, v)); });
    tr.addEventListener('click', function () { location.href = '/dashboards/timeline?case=' + encodeURIComponent(c.streamId); });
    return tr;
  }

  function load(append) {
    SL.message('');
    var q = query(append && cursor ? { cursor: cursor } : {});
    return SL.api('/api/cases?' + q).then(function (page) {
      if (!append) body.textContent = '';
      page.rows.forEach(function (c) { body.appendChild(row(c)); });
      cursor = page.nextCursor;
      more.hidden = !cursor;
      SL.$('#summary').textContent = '共 ' + page.total + ' 件 cases · 截至 as of ' + SL.time(page.asOf) + ' · 数据更新至 data up to ' + (page.freshness.lastEventRecordedAt ? SL.time(page.freshness.lastEventRecordedAt) : '—') + ' (#' + page.freshness.position + ')';
      document.body.dataset.loaded = 'true';
    }).catch(function (e) { SL.message(e.message); document.body.dataset.loaded = 'error'; });
  }

  form.addEventListener('submit', function (ev) { ev.preventDefault(); load(false); });
  more.addEventListener('click', function () { load(true); });
  SL.boot(function () { load(false); });
})();
