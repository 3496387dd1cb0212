/* One case on a time axis (GET /api/cases/:id/timeline?asOf=): every event with actor and role, each SLA clock as a bar
 * from start to deadline with pauses shaded, the warning point and the deadline marked, a breach drawn in red past it. */
(function () {
  'use strict';
  var SL = window.SL, form = SL.$('#pick'), svg = SL.$('#axis'), NS = 'http://www.w3.org/2000/svg';
  var bounds = null; // [first event, now] for the slider

  function node(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  }
  function localInput(iso) { // datetime-local in Asia/Shanghai
    var d = new Date(Date.parse(iso) + 8 * 3600000);
    return d.toISOString().slice(0, 16);
  }
  function fromLocal(v) { return new Date(Date.parse(v + ':00Z') - 8 * 3600000).toISOString(); }

  function draw(t) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var width = svg.clientWidth || 1100, left = 190, right = 30, lane = 34;
    var times = [Date.parse(t.asOf)];
    t.events.forEach(function (e) { times.push(Date.parse(e.occurredAt)); });
    t.clocks.forEach(function (c) { times.push(Date.parse(c.startedAt), Date.parse(c.deadline)); if (c.metAt) times.push(Date.parse(c.metAt)); });
    var min = Math.min.apply(null, times), max = Math.max.apply(null, times);
    var span = Math.max(max - min, 60000), pad = span * 0.03;
    min -= pad; max += pad;
    var x = function (ms) { return left + ((ms - min) / (max - min)) * (width - left - right); };
    var height = 40 + lane * (t.clocks.length + 1) + 24;
    svg.setAttribute('height', height);
    var defs = node('defs', {});
    var hatch = document.createElementNS(NS, 'pattern');
    [['id', 'hatch'], ['width', '6'], ['height', '6'], ['patternUnits', 'userSpaceOnUse'], ['patternTransform', 'rotate(45)']].forEach(function (a) { hatch.setAttribute(a[0], a[1]); });
    var stripe = document.createElementNS(NS, 'rect');
    [['width', '3'], ['height', '6'], ['fill', '#7b8794']].forEach(function (a) { stripe.setAttribute(a[0], a[1]); });
    hatch.appendChild(stripe); defs.appendChild(hatch);

    // Axis with ticks.
    var axisY = height - 24;
    node('line', { class: 'axis', x1: left, x2: width - right, y1: axisY, y2: axisY });
    for (var i = 0; i <= 6; i++) {
      var ms = min + ((max - min) * i) / 6, xi = x(ms);
      node('line', { class: 'grid', x1: xi, x2: xi, y1: 10, y2: axisY });
      node('text', { x: xi, y: axisY + 14, 'text-anchor': 'middle', class: 'muted' }, SL.time(new Date(ms).toISOString()));
    }
    // Clocks: one lane each.
    t.clocks.forEach(function (c, k) {
      var y = 20 + lane * k, s = Date.parse(c.startedAt), d = Date.parse(c.deadline);
      var g = node('text', { x: 8, y: y + 15 }, c.clock + ' · ' + c.status);
      g.setAttribute('data-clock', c.clock);
      var bar = node('rect', { class: 'bar ' + c.status, x: x(s), y: y + 4, width: Math.max(1, x(d) - x(s)), height: 16, rx: 3 });
      bar.setAttribute('data-clock-bar', c.clock);
      if (/^repair_(arrival|fix)$/.test(c.clock)) {
        t.pauses.forEach(function (p) {
          var to = p.to ? Date.parse(p.to) : Date.parse(t.asOf);
          node('rect', { class: 'pause', x: x(Date.parse(p.from)), y: y + 4, width: Math.max(1, x(to) - x(Date.parse(p.from))), height: 16, 'data-pause': c.clock });
        });
      }
      node('line', { class: 'warning', x1: x(Date.parse(c.warningAt)), x2: x(Date.parse(c.warningAt)), y1: y, y2: y + 24, 'data-warning': c.clock });
      node('line', { class: 'deadline', x1: x(d), x2: x(d), y1: y, y2: y + 24 });
      if (c.status === 'breached') {
        var end = c.metAt ? Date.parse(c.metAt) : Date.parse(t.asOf);
        node('rect', { class: 'overrun', x: x(d), y: y + 7, width: Math.max(2, x(end) - x(d)), height: 10, 'data-breach': c.clock });
      }
      if (c.metAt) node('circle', { cx: x(Date.parse(c.metAt)), cy: y + 12, r: 4, class: 'event' });
    });
    // Events lane.
    var ey = 20 + lane * t.clocks.length;
    node('text', { x: 8, y: ey + 15 }, '事件 events');
    t.events.forEach(function (e) {
      var c = node('circle', { cx: x(Date.parse(e.occurredAt)), cy: ey + 12, r: 5, class: 'event', 'data-event': e.type });
      var title = document.createElementNS(NS, 'title');
      title.textContent = e.type + ' · ' + e.actor.staffId + ' (' + e.actor.role + ') · ' + SL.time(e.occurredAt);
      c.appendChild(title);
    });
    node('line', { class: 'asof', x1: x(Date.parse(t.asOf)), x2: x(Date.parse(t.asOf)), y1: 8, y2: axisY });

    var body = SL.$('#events tbody');
    body.textContent = '';
    t.events.forEach(function (e) {
      var tr = SL.el('tr');
      [e.streamVersion, SL.time(e.occurredAt), e.type, e.actor.staffId, e.actor.role, SL.time(e.recordedAt)].forEach(function (v) { tr.appendChild(SL.el('td', null, v)); });
      body.appendChild(tr);
    });
    SL.$('#summary').textContent = (t.caseNumber ? t.caseNumber + ' · ' : '') + t.streamId + ' · ' + t.projectId + ' · 截至 as of ' + SL.time(t.asOf) + ' · ' + t.events.length + ' 事件 events';
  }

  /** Dashboard tables name cases by id alone: try each case stream category until one answers (others are 404). */
  var CATEGORIES = ['complaint', 'repair', 'help'];
  function timelineOf(id, asOf) {
    var query = asOf ? '?asOf=' + encodeURIComponent(asOf) : '';
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(id)) return SL.api('/api/cases/' + encodeURIComponent(id) + '/timeline' + query);
    return CATEGORIES.reduce(function (found, category) {
      return found.catch(function () { return SL.api('/api/cases/' + encodeURIComponent(category + '-' + id) + '/timeline' + query); });
    }, Promise.reject(new Error('no case ' + id)));
  }

  function load() {
    SL.message('');
    var id = form.elements['case'].value.trim();
    if (!id) { SL.message('case: 请输入案件 enter a case stream id'); return; }
    var asOf = form.elements.asOf.value ? fromLocal(form.elements.asOf.value) : '';
    history.replaceState(null, '', '/dashboards/timeline?case=' + encodeURIComponent(id) + (asOf ? '&asOf=' + encodeURIComponent(asOf) : ''));
    return timelineOf(id, asOf).then(function (t) {
      if (!bounds) bounds = [Date.parse(t.events[0] ? t.events[0].occurredAt : t.asOf), Date.parse(t.asOf)];
      if (!form.elements.asOf.value) form.elements.asOf.value = localInput(t.asOf);
      draw(t);
      document.body.dataset.loaded = 'true';
    }).catch(function (e) { SL.message(e.message); document.body.dataset.loaded = 'error'; });
  }

  form.addEventListener('submit', function (ev) { ev.preventDefault(); load(); });
  form.elements.slide.addEventListener('change', function () {
    if (!bounds) return;
    var at = bounds[0] + ((bounds[1] - bounds[0]) * Number(form.elements.slide.value)) / 1000;
    form.elements.asOf.value = localInput(new Date(at).toISOString());
    load();
  });
  var params = new URLSearchParams(location.search);
  if (params.get('case')) form.elements['case'].value = params.get('case');
  if (params.get('asOf')) form.elements.asOf.value = localInput(params.get('asOf'));
  SL.boot(function () { if (form.elements['case'].value) load(); });
})();
