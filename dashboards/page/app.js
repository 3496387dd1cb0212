/* Built-in dashboards: the panel catalogue of dashboards/src (the same as Grafana's), drawn with ECharts, read through the API
 * with the user's bearer token. No build step: plain ES2017 in one file. */
(function () {
  'use strict';
  var I18N = {
    zh: { title: '服务质量看板', token: '访问令牌', open: '打开', project: '项目', department: '部门', staff: '员工', from: '从', to: '到', apply: '查询',
      all: '全部', empty: '所选范围内暂无数据', lang: 'EN', failed: '加载失败', notFiltered: '不受以下筛选影响：', time: '时间范围', signOut: '退出',
      scope: '可见项目：', allProjects: '全部项目', tokenHint: '粘贴API访问令牌（Bearer），或用 ?token= 打开本页。' },
    en: { title: 'Service quality dashboards', token: 'Access token', open: 'Open', project: 'Project', department: 'Department', staff: 'Person', from: 'From', to: 'To', apply: 'Apply',
      all: 'All', empty: 'No data in the selected range', lang: '中文', failed: 'Failed to load', notFiltered: 'Not filtered by: ', time: 'time range', signOut: 'Sign out',
      scope: 'Projects you see: ', allProjects: 'all projects', tokenHint: 'Paste an API access token (Bearer), or open this page with ?token=.' },
  };
  // The server's rule codes in the page's languages (its own messages are English).
  var RULES = {
    zh: { after_from: '须晚于开始时间', range_too_long: '时间范围过长', invalid_datetime: '日期格式应为 YYYY-MM 或 YYYY-MM-DD', format: '格式不正确', single_value: '只能填一个值',
      unknown_parameter: '不是筛选条件', required: '必填', 401: '访问令牌无效或已过期', 403: '无权查看', 404: '未找到' },
    en: { after_from: 'must be after from', range_too_long: 'the time range is too long', invalid_datetime: 'must be YYYY-MM or YYYY-MM-DD', format: 'has the wrong format', single_value: 'give one value',
      unknown_parameter: 'is not a filter', required: 'is required', 401: 'the access token is invalid or expired', 403: 'not allowed', 404: 'not found' },
  };
  var FILTERS = ['project', 'department', 'staff'];
  var state = { lang: localStorage.getItem('sl-lang') === 'en' ? 'en' : 'zh', token: null, catalogue: null, dashboard: null, charts: [], data: {}, generation: 0 };
  var $ = function (s) { return document.querySelector(s); };
  var t = function (k) { return I18N[state.lang][k]; };

  // A token given as ?token= is kept for this browser tab only and removed from the address bar (and history).
  var params = new URLSearchParams(location.search);
  if (params.get('token')) {
    sessionStorage.setItem('sl-token', params.get('token'));
    params.delete('token');
    history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : '') + location.hash);
  }
  state.token = sessionStorage.getItem('sl-token');

  function api(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + state.token } }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (!res.ok) {
          var issue = body.issues && body.issues[0];
          var rules = RULES[state.lang];
          var e = new Error(issue ? (I18N[state.lang][issue.field] || issue.field) + '：' + (rules[issue.rule] || issue.message) : rules[res.status] || body.message || res.statusText);
          e.status = res.status;
          throw e;
        }
        return body;
      });
    });
  }

  function showMessage(text) { var m = $('#message'); m.textContent = text || ''; m.hidden = !text; }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }

  /** Codes (clock names, natures, KPI ids …) in the current language; project ids with their names. */
  function label(code) {
    var c = state.catalogue;
    var l = c && c.labels.values[code];
    if (l) return l[state.lang];
    var p = c && c.filters.projects.find(function (x) { return x.project_id === code; });
    return p ? p.project_id + ' ' + p.name : String(code);
  }
  function columnLabel(col) { var l = state.catalogue.labels.columns[col]; return l ? l[state.lang] : col; }

  function monthIn(timeZone, monthsBack) {
    var now = new Intl.DateTimeFormat('en-CA', { timeZone: timeZone, year: 'numeric', month: '2-digit' }).format(new Date()).split('-');
    var d = new Date(Date.UTC(Number(now[0]), Number(now[1]) - 1 - monthsBack, 1));
    return d.toISOString().slice(0, 7);
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.querySelectorAll('[data-i18n]').forEach(function (e) { e.textContent = t(e.getAttribute('data-i18n')); });
    $('#lang').textContent = t('lang');
    if (!state.catalogue) return;
    renderTabs();
    fillFilters();
    renderScope();
    drawDashboard(false);
  }

  function option(value, text) { var o = el('option', '', text); o.value = value; return o; }

  function fillFilters() {
    var f = state.catalogue.filters;
    var form = $('#filters').elements;
    var lists = {
      project: f.projects.map(function (p) { return [p.project_id, p.project_id + ' ' + p.name]; }),
      department: f.departments.map(function (d) { return [d, label(d)]; }),
      staff: f.staff.map(function (s) { return [s.staffId, s.staffId + ' ' + s.name]; }),
    };
    FILTERS.forEach(function (k) {
      var select = form[k];
      var current = select.value;
      select.innerHTML = '';
      // A user limited to one project has no "all": the server would restrict it anyway.
      if (!(k === 'project' && state.catalogue.principal.projects !== '*' && f.projects.length === 1)) select.appendChild(option('', t('all')));
      lists[k].forEach(function (o) { select.appendChild(option(o[0], o[1])); });
      select.value = current;
      if (select.selectedIndex < 0) select.selectedIndex = 0;
    });
  }

  function renderScope() {
    var p = state.catalogue.principal;
    $('#scope').textContent = state.catalogue.principal.staffId + ' · ' + p.role + ' · ' + t('scope') + (p.projects === '*' ? t('allProjects') : p.projects.join(', '));
  }

  function renderTabs() {
    var tabs = $('#tabs');
    tabs.innerHTML = '';
    state.catalogue.dashboards.forEach(function (d) {
      var b = el('button', '', d.title[state.lang]);
      b.type = 'button';
      b.setAttribute('role', 'tab');
      b.dataset.dashboard = d.id;
      b.setAttribute('aria-selected', String(state.dashboard === d.id));
      b.onclick = function () { state.dashboard = d.id; location.hash = d.id; renderTabs(); drawDashboard(true); };
      tabs.appendChild(b);
    });
    // The worklist, case timelines and visitor register are pages of their own (dashboards/worklist).
    var worklist = el('a', 'nav-link', '待办 / Worklist');
    worklist.href = '/dashboards/worklist';
    tabs.appendChild(worklist);
  }

  function query() {
    var form = $('#filters').elements;
    var q = new URLSearchParams();
    FILTERS.concat(['from', 'to']).forEach(function (k) { if (form[k].value) q.set(k, form[k].value); });
    return q.toString();
  }

  function format(value, unit) {
    if (value === null || value === undefined || value === '') return '—';
    var n = Number(value);
    if (!Number.isFinite(n)) return String(value);
    if (unit === 'percent') return (n * 100).toFixed(1) + '%';
    if (unit === 'yuan') return '¥' + n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return n.toLocaleString();
  }

  function isBad(value, panel) {
    if (!panel.thresholds || value === null || value === undefined) return false;
    return panel.thresholds.higherIsWorse ? value >= panel.thresholds.red : value < panel.thresholds.red;
  }

  var RED = '#d64545', GREEN = '#2f9e6e', BLUE = '#2563eb';

  /** `wide`: room for labels beside the chart (not on a phone). */
  function chartOption(panel, rows, wide) {
    var fmt = function (v) { return format(v, panel.unit); };
    var num = function (v) { return v === null || v === undefined ? null : Number(v); };
    if (panel.viz === 'pie') {
      // Labels on the slices (name and share), on phones too; no legend to page through.
      return { tooltip: { trigger: 'item', valueFormatter: fmt },
        series: [{ type: 'pie', radius: wide ? ['35%', '65%'] : ['25%', '50%'], center: ['50%', '50%'], avoidLabelOverlap: true,
          label: { show: true, formatter: '{b}\n{d}%', overflow: 'break', width: wide ? 120 : 80 }, labelLine: { length: 6, length2: 6 },
          data: rows.map(function (r) { return { name: label(r.label), value: num(r.value) }; }) }] };
    }
    if (panel.viz === 'gauge') {
      var v = num(rows[0].value);
      var red = panel.thresholds ? panel.thresholds.red : 0;
      return { series: [{ type: 'gauge', min: 0, max: 100, radius: '95%', center: ['50%', '60%'], startAngle: 200, endAngle: -20, progress: { show: true, width: 12 },
        axisLine: { lineStyle: { width: 12, color: [[red, '#f3c1c1'], [1, '#cfe9dc']] } }, axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
        pointer: { show: false }, itemStyle: { color: isBad(v, panel) ? RED : GREEN }, detail: { valueAnimation: false, offsetCenter: [0, '10%'], fontSize: 26, formatter: function () { return fmt(v); } },
        data: [{ value: v === null ? 0 : v * 100 }] }] };
    }
    if (panel.viz === 'bar') {
      return { grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true }, tooltip: { trigger: 'axis', valueFormatter: fmt },
        xAxis: { type: 'value', axisLabel: { formatter: fmt } }, yAxis: { type: 'category', inverse: true, data: rows.map(function (r) { return label(r.label); }), axisLabel: { width: wide ? 200 : 110, overflow: 'break' } },
        series: [{ type: 'bar', label: { show: true, position: 'right', formatter: function (p) { return fmt(p.value); } },
          data: rows.map(function (r) { var x = num(r.value); return { value: x, itemStyle: { color: isBad(x, panel) ? RED : BLUE } }; }) }] };
    }
    var series = {}, times = [];
    rows.forEach(function (r) { var k = r.series; (series[k] = series[k] || {})[r.t] = num(r.value); if (times.indexOf(r.t) < 0) times.push(r.t); });
    times.sort();
    var lines = Object.keys(series).map(function (k) { return { name: label(k), type: 'line', smooth: true, connectNulls: true, data: times.map(function (x) { return series[k][x] === undefined ? null : series[k][x]; }) }; });
    // The threshold's label sits inside the plot (at the end of the line it is cut off by the card's edge).
    if (panel.thresholds && lines.length) lines[0].markLine = { silent: true, symbol: 'none', lineStyle: { color: RED, type: 'dashed' }, label: { position: 'insideEndTop', formatter: fmt(panel.thresholds.red) }, data: [{ yAxis: panel.thresholds.red }] };
    // The current month is not over: its point is drawn dashed and hollow and named partial, so a low figure one
    // day into the month does not read as a collapse.
    var current = monthIn(state.catalogue.timeZone, 0);
    var partialAt = times.map(function (x) { return String(x).slice(0, 7); }).indexOf(current);
    if (partialAt > 0 && panel.id !== 'breach_trend') {
      lines = lines.concat(lines.map(function (l) {
        return { name: l.name, type: 'line', lineStyle: { type: 'dashed' }, symbol: 'emptyCircle', tooltip: { show: false },
          data: l.data.map(function (v, i) { return i >= partialAt - 1 ? v : null; }) };
      }));
      lines.forEach(function (l) { if (!l.lineStyle) l.data = l.data.map(function (v, i) { return i < partialAt ? v : null; }); });
    }
    return { grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true }, legend: { type: 'scroll', top: 0 }, tooltip: { trigger: 'axis', valueFormatter: fmt },
      xAxis: { type: 'category', axisLabel: { hideOverlap: true }, data: times.map(function (x) { var m = String(x).slice(0, panel.id === 'breach_trend' ? 10 : 7); return m === current ? m + (state.lang === 'zh' ? '（未完）' : ' (partial)') : m; }) }, yAxis: { type: 'value', axisLabel: { formatter: fmt } }, series: lines };
  }

  var CODE_COLUMNS = ['clock', 'state', 'case_type', 'department', 'content', 'topic', 'status'];

  function table(panel, data) {
    var wrap = el('div', 'tablewrap'), tbl = el('table'), head = el('tr'), body = el('tbody');
    data.columns.forEach(function (c) { head.appendChild(el('th', '', columnLabel(c))); });
    data.rows.forEach(function (r) {
      var tr = el('tr');
      data.columns.forEach(function (c) {
        var x = r[c];
        var text = /_rate$/.test(c) ? format(x, 'percent') : CODE_COLUMNS.indexOf(c) >= 0 ? label(x) : x === null || x === undefined ? '—' : String(x);
        var td = el('td', c === 'state' && x === 'breached' ? 'red' : '', text);
        if (c === 'case_id' && x) {
          // Every row that names a case opens its timeline (same tab token; the page finds the case's stream).
          var a = el('a', 'case-link', text);
          a.href = '/dashboards/timeline?case=' + encodeURIComponent(String(x));
          td.textContent = '';
          td.appendChild(a);
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var thead = el('thead');
    thead.appendChild(head);
    tbl.appendChild(thead);
    tbl.appendChild(body);
    wrap.appendChild(tbl);
    return wrap;
  }

  function renderPanel(card, panel, data) {
    var body = card.querySelector('.body');
    body.innerHTML = '';
    var rows = data.rows;
    var single = panel.viz === 'stat' || panel.viz === 'gauge';
    if (!rows.length || (single && (rows[0].value === null || rows[0].value === undefined))) {
      body.appendChild(el('div', 'empty', single ? '—' : t('empty')));
      card.dataset.state = 'empty';
      return;
    }
    card.dataset.state = 'data';
    if (panel.viz === 'stat') {
      var v = Number(rows[0].value);
      body.appendChild(el('div', 'value ' + (panel.thresholds ? (isBad(v, panel) ? 'red' : 'green') : ''), format(v, panel.unit)));
    } else if (panel.viz === 'table') {
      body.appendChild(table(panel, data));
    } else {
      var div = el('div', 'chart ' + panel.viz);
      body.appendChild(div);
      var chart = echarts.init(div);
      chart.setOption(chartOption(panel, rows, div.clientWidth > 480));
      state.charts.push(chart);
    }
  }

  /** Selected filters this panel ignores, named in a footnote so nobody reads an unfiltered figure as filtered. */
  function ignored(panel) {
    var form = $('#filters').elements;
    var out = FILTERS.filter(function (k) { return form[k].value && panel.filters.indexOf(k) < 0; }).map(t);
    if (!panel.time) out.push(t('time'));
    return out;
  }

  function card(panel) {
    var c = el('section', 'card ' + panel.viz);
    c.dataset.panel = panel.id;
    c.appendChild(el('h2', '', panel.title[state.lang]));
    c.appendChild(el('p', 'desc', panel.description[state.lang]));
    c.appendChild(el('div', 'body'));
    var skip = ignored(panel);
    if (skip.length) c.appendChild(el('p', 'note', t('notFiltered') + skip.join(', ')));
    return c;
  }

  /** Draws the current dashboard; `fetch` re-queries every panel, otherwise the last answers are redrawn (language switch). */
  function drawDashboard(fetchData) {
    state.charts.forEach(function (c) { c.dispose(); });
    state.charts = [];
    var d = state.catalogue.dashboards.find(function (x) { return x.id === state.dashboard; });
    $('#dashboard-description').textContent = d.description[state.lang];
    var main = $('#panels');
    main.innerHTML = '';
    var q = query();
    var generation = fetchData ? ++state.generation : state.generation;
    if (fetchData) { showMessage(''); state.data = {}; }
    // Single figures share one row at the top (as many as fit), charts and tables follow on the grid.
    var figures = el('div', 'figures');
    main.appendChild(figures);
    d.panels.forEach(function (panel) {
      var c = card(panel);
      (panel.viz === 'stat' || panel.viz === 'gauge' ? figures : main).appendChild(c);
      var key = d.id + '/' + panel.id;
      if (!fetchData && state.data[key]) {
        var cached = state.data[key];
        if (cached.error) fail(c, cached.error); else renderPanel(c, panel, cached);
        return;
      }
      c.dataset.state = 'loading';
      api('/api/dashboards/' + encodeURIComponent(d.id) + '/panels/' + encodeURIComponent(panel.id) + '/data' + (q ? '?' + q : '')).then(function (data) {
        if (generation !== state.generation) return; // a newer query replaced this one
        state.data[key] = data;
        renderPanel(c, panel, data);
      }).catch(function (e) {
        if (generation !== state.generation) return;
        state.data[key] = { error: e };
        fail(c, e);
        if (e.status && e.status < 500) showMessage(e.message);
      });
    });
  }

  function fail(c, e) {
    c.dataset.state = 'error';
    var body = c.querySelector('.body');
    body.innerHTML = '';
    body.appendChild(el('div', 'error', t('failed') + ': ' + e.message));
  }

  function start() {
    if (!state.token) { $('#login').hidden = false; $('#filters').hidden = true; $('#signout').hidden = true; return; }
    $('#login').hidden = true;
    $('#filters').hidden = false;
    $('#signout').hidden = false;
    api('/api/dashboards').then(function (catalogue) {
      state.catalogue = catalogue;
      var form = $('#filters').elements;
      // The default range, shown so the user sees what is queried: the last 12 months including this one (Grafana's too).
      if (!form.from.value) form.from.value = monthIn(catalogue.timeZone, 11);
      if (!form.to.value) form.to.value = monthIn(catalogue.timeZone, 0);
      var wanted = location.hash.slice(1);
      state.dashboard = catalogue.dashboards.some(function (d) { return d.id === wanted; }) ? wanted : catalogue.dashboards[0].id;
      applyLanguage(); // draws the tabs, filters and the dashboard (nothing cached yet, so every panel is queried)
    }).catch(function (e) {
      showMessage(e.message);
      if (e.status === 401) { sessionStorage.removeItem('sl-token'); state.token = null; start(); }
    });
  }

  $('#lang').onclick = function () { state.lang = state.lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('sl-lang', state.lang); applyLanguage(); };
  $('#login').onsubmit = function (e) { e.preventDefault(); state.token = $('#token').value.trim(); if (state.token) sessionStorage.setItem('sl-token', state.token); start(); };
  $('#signout').onclick = function () { sessionStorage.removeItem('sl-token'); location.reload(); };
  $('#filters').onsubmit = function (e) { e.preventDefault(); drawDashboard(true); };
  window.addEventListener('resize', function () { state.charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener('hashchange', function () {
    var id = location.hash.slice(1);
    if (state.catalogue && id !== state.dashboard && state.catalogue.dashboards.some(function (d) { return d.id === id; })) { state.dashboard = id; renderTabs(); drawDashboard(true); }
  });
  applyLanguage();
  start();
})();
