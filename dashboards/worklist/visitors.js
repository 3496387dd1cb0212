/* 访客登记: GET /api/visitors?project=&date= — who (masked unless the token may unmask), whom, in, out, reason. */
(function () {
  'use strict';
  var SL = window.SL, form = SL.$('#filters'), body = SL.$('#visitors tbody');
  function load() {
    SL.message('');
    var q = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (String(v).trim()) q.set(k, String(v).trim()); });
    return SL.api('/api/visitors?' + q).then(function (r) {
      body.textContent = '';
      r.visitors.forEach(function (v) {
        var tr = SL.el('tr');
        [v.visitor ? v.visitor.name : '', v.visitor ? v.visitor.phone : '', v.building + (v.unit ? '-' + v.unit : ''), SL.time(v.checkedInAt), v.checkedOutAt ? SL.time(v.checkedOutAt) : '未离开 still in', v.purpose, v.checkedInBy]
          .forEach(function (x) { tr.appendChild(SL.el('td', null, x)); });
        body.appendChild(tr);
      });
      if (!form.elements.date.value) form.elements.date.value = r.date;
      SL.$('#summary').textContent = r.date + ' · ' + r.visitors.length + ' 位访客 visitors';
      document.body.dataset.loaded = 'true';
    }).catch(function (e) { SL.message(e.message); document.body.dataset.loaded = 'error'; });
  }
  form.addEventListener('submit', function (ev) { ev.preventDefault(); load(); });
  var params = new URLSearchParams(location.search);
  ['project', 'date'].forEach(function (k) { if (params.get(k)) form.elements[k].value = params.get(k); });
  SL.boot(load);
})();
