/* Built-in dashboards: the same panel catalogue as Grafana, rendered with ECharts, read through the API. */
(function () {
  'use strict';
  var I18N = {
    zh: { title: '服务质量看板', token: '访问令牌', open: '打开', project: '项目', department: '部门', staff: '员工', from: '从', to: '到', apply: '查询', all: '全部', empty: '暂无数据', lang: 'EN', failed: '加载失败' },
    en: { title: 'Service quality dashboards', token: 'Access token', open: 'Open', project: 'Project', department: 'Department', staff: 'Person', from: 'From', to: 'To', apply: 'Apply', all: 'All', empty: 'No data', lang: '中文', failed: 'Failed to load' },
  };
  var state = { lang: localStorage.getItem('sl-lang') || 'zh', token: null, catalogue: null, dashboard: null, charts: [] };
  var $ = function (s) { return document.querySelector(s); };
  var t = function (k) { return I18N[state.lang][k]; };

  var params = new URLSearchParams(location.search);
  if (params.get('token')) { sessionStorage.setItem('sl-token', params.get('token')); params.delete('token'); history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : '') + location.hash); }
  state.token = sessionStorage.getItem('sl-token');

  function api(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + state.token } }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) { var e = new Error(body.message || res.statusText); e.status = res.status; throw e; }
        return body;
      });
    });
  }

  function showMessage(text) { var m = $('#message'); m.textContent = text || ''; m.hidden = !text; }

  function applyLanguage() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = t(el.getAttribute('data-i18n')); });
    $('#lang').textContent = t('lang');
    if (state.catalogue) { renderTabs(); fillFilters(); renderDashboard(); }
  }

  function option(value, label) { var o = document.createElement('option'); o.value = value; o.textContent = label; return o; }

  function fillFilters() {
    var f = state.catalogue.filters;
    var form = $('#filters');
    [['project', f.projects.map(function (p) { return [p.project_id, p.project_id + ' ' + p.name]; })],
     ['department', f.departments.map(function (d) { return [d, d]; })],
     ['staff', f.staff.map(function (s) { return [s.staffId, s.staffId + ' ' + s.name]; })]].forEach(function (pair) {
      var select = form.elements[pair[0]];
      var current = select.value;
      select.innerHTML = '';
      if (!(pair[0] === 'project' && state.catalogue.principal.projects !== '*' && f.projects.length === 1)) select.appendChild(option('', t('all')));
      pair[1].forEach(function (o) { select.appendChild(option(o[0], o[1])); });
      select.value = current;
    });
  }

  function renderTabs() {
    var tabs = $('#tabs');
    tabs.innerHTML = '';
    state.catalogue.dashboards.forEach(function (d) {
      var b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('role', 'tab');
      b.dataset.dashboard = d.id;
      b.textContent = d.title[state.lang];
      b.setAttribute('aria-selected', String(state.dashboard === d.id));
      b.onclick = function () { state.dashboard = d.id; location.hash = d.id; renderTabs(); renderDashboard(); };
      tabs.appendChild(b);
    });
  }

  function query() {
    var form = $('#filters').elements;
    var q = new URLSearchParams();
    ['project', 'department', 'staff'].forEach(function (k) { if (form[k].value) q.set(k, form[k].value); });
    if (form.from.value) q.set('from', form.from.value + '-01');
    if (form.to.value) { var end = new Date(form.to.value + '-01T00:00:00Z'); end.setUTCMonth(end.getUTCMonth() + 1); q.set('to', end.toISOString().slice(0, 10)); }
    return q.toString();
  }

  function format(value, unit) {
    if (value === null || value === undefined) return '—';
    var n = Number(value);
    if (unit === 'percent') return (n * 100).toFixed(1) + '%';
    if (unit === 'yuan') return '¥' + n.toLocaleString();
    return Number.isFinite(n) ? n.toLocaleString() : String(value);
  }

  function colour(value, panel) {
    if (!panel.thresholds || value === null) return '';
    var bad = panel.thresholds.higherIsWorse ? value >= panel.thresholds.red : value < panel.thresholds.red;
    return bad ? 'red' : 'green';
  }

  function chartOption(panel, rows) {
    var axisFormat = function (v) { return format(v, panel.unit); };
    if (panel.viz === 'pie') return { tooltip: { trigger: 'item' }, series: [{ type: 'pie', radius: ['35%', '70%'], data: rows.map(function (r) { return { name: r.label, value: Number(r.value) }; }) }] };
    if (panel.viz === 'bar') {
      return { grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true }, tooltip: { trigger: 'axis', valueFormatter: axisFormat },
        xAxis: { type: 'value', axisLabel: { formatter: axisFormat } }, yAxis: { type: 'category', data: rows.map(function (r) { return r.label; }), inverse: true },
        series: [{ type: 'bar', data: rows.map(function (r) { var v = r.value === null ? null : Number(r.value); return { value: v, itemStyle: { color: colour(v, panel) === 'red' ? '#d64545' : '#2563eb' } }; }) }] };
    }
    var series = {};
    var times = [];
    rows.forEach(function (r) { var k = r.series || 'value'; (series[k] = series[k] || {})[r.t] = r.value === null ? null : Number(r.value); if (times.indexOf(r.t) < 0) times.push(r.t); });
    times.sort();
    return { grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true }, legend: { top: 0 }, tooltip: { trigger: 'axis', valueFormatter: axisFormat },
      xAxis: { type: 'category', data: times.map(function (x) { return String(x).slice(0, 10); }) }, yAxis: { type: 'value', axisLabel: { formatter: axisFormat } },
      series: Object.keys(series).map(function (k) { return { name: k, type: 'line', smooth: true, data: times.map(function (x) { return series[k][x] === undefined ? null : series[k][x]; }) }; }) };
  }

  function renderPanel(card, panel, data) {
    var body = card.querySelector('.body');
    body.innerHTML = '';
    var rows = data.rows;
    if (!rows.length || (panel.viz === 'stat' && (rows[0].value === null || rows[0].value === undefined))) { body.innerHTML = '<div class="empty">' + t('empty') + '</div>'; card.dataset.state = 'empty'; return; }
    card.dataset.state = 'data';
    if (panel.viz === 'stat') {
      var v = Number(rows[0].value);
      body.innerHTML = '<div class="value ' + colour(v, panel) + '">' + format(v, panel.unit) + '</div>';
    } else if (panel.viz === 'table') {
      var html = '<div class="tablewrap"><table><thead><tr>' + data.columns.map(function (c) { return '<th>' + c + '</th>'; }).join('') + '</tr></thead><tbody>';
      rows.forEach(function (r) { html += '<tr>' + data.columns.map(function (c) { var x = r[c]; return '<td>' + (/rate$/.test(c) ? format(x, 'percent') : String(x === null ? '—' : x).replace(/</g, '&lt;')) + '</td>'; }).join('') + '</tr>'; });
      body.innerHTML = html + '</tbody></table></div>';
    } else {
      var div = document.createElement('div');
      div.className = 'chart';
      body.appendChild(div);
      var chart = echarts.init(div);
      chart.setOption(chartOption(panel, rows));
      state.charts.push(chart);
    }
  }

  function renderDashboard() {
    state.charts.forEach(function (c) { c.dispose(); });
    state.charts = [];
    var d = state.catalogue.dashboards.find(function (x) { return x.id === state.dashboard; });
    var main = $('#panels');
    main.innerHTML = '';
    var q = query();
    showMessage('');
    d.panels.forEach(function (panel) {
      var card = document.createElement('section');
      card.className = 'card ' + panel.viz;
      card.dataset.panel = panel.id;
      card.dataset.state = 'loading';
      card.innerHTML = '<h2></h2><p class="desc"></p><div class="body"></div>';
      card.querySelector('h2').textContent = panel.title[state.lang];
      card.querySelector('.desc').textContent = panel.description;
      main.appendChild(card);
      api('/api/dashboards/' + d.id + '/panels/' + panel.id + '/data' + (q ? '?' + q : '')).then(function (data) { renderPanel(card, panel, data); }).catch(function (e) {
        card.dataset.state = 'error';
        card.querySelector('.body').innerHTML = '<div class="error"></div>';
        card.querySelector('.error').textContent = t('failed') + ': ' + e.message;
        if (e.status && e.status < 500) showMessage(e.message);
      });
    });
  }

  function start() {
    if (!state.token) { $('#login').hidden = false; $('#filters').hidden = true; return; }
    $('#login').hidden = true;
    $('#filters').hidden = false;
    api('/api/dashboards').then(function (catalogue) {
      state.catalogue = catalogue;
      var wanted = location.hash.slice(1);
      state.dashboard = catalogue.dashboards.some(function (d) { return d.id === wanted; }) ? wanted : catalogue.dashboards[0].id;
      applyLanguage();
    }).catch(function (e) {
      showMessage(e.message);
      if (e.status === 401) { sessionStorage.removeItem('sl-token'); state.token = null; start(); }
    });
  }

  $('#lang').onclick = function () { state.lang = state.lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('sl-lang', state.lang); applyLanguage(); };
  $('#login').onsubmit = function (e) { e.preventDefault(); state.token = $('#token').value.trim(); sessionStorage.setItem('sl-token', state.token); start(); };
  $('#filters').onsubmit = function (e) { e.preventDefault(); renderDashboard(); };
  window.addEventListener('resize', function () { state.charts.forEach(function (c) { c.resize(); }); });
  applyLanguage();
  start();
})();
