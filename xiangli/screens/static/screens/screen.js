/* The big screen: polls its JSON every 3 s and updates the page in place.

   It runs unattended for days, so:
   - one timer (a 1 s tick that updates the clock and starts a poll when one is due);
   - memory stays flat: the stream keeps at most STREAM_MAX rows, charts are updated with
     setOption on the same chart objects, nothing is appended to an array that lives on;
   - a failed poll (server restart, network loss) is retried with growing pauses and a small
     "reconnecting" badge; the next poll resumes from the cursor, so nothing is missed;
   - once a day (around 4 a.m.) it reloads itself, to pick up new code, but only when the
     server answers, so a TV never ends up on an error page;
   - when the server says the screen is gone (logged out, link revoked), it reloads, which
     shows the login or "not found" page instead of stale figures.
   Every word shown comes from the server in the page's language (#screen-labels). */
(function () {
  'use strict';

  var POLL_MS = 3000;
  var MAX_PAUSE_MS = 60000;
  var TIMEOUT_MS = 10000;
  var STREAM_MAX = 30;
  var RANK_CHART_MAX = 15;

  var body = document.body;
  var url = body.getAttribute('data-url');
  var drill = body.getAttribute('data-drill');
  var labels = JSON.parse(document.getElementById('screen-labels').textContent);
  var first = JSON.parse(document.getElementById('screen-data').textContent);

  var cursor = first.cursor;
  var chartsVersion = first.charts_version;
  var failures = 0;
  var nextPollAt = Date.now() + POLL_MS;
  var pending = null; // {controller, startedAt} while a poll is out
  var loadedAt = Date.now();
  var reloadAt = nextReload();
  var clockOffset = 0; // server time minus this TV's time, in ms
  var rankCodes = [];
  var lastCharts = null; // the charts' data last drawn, redrawn at a new size

  var el = {
    clock: document.getElementById('clock'),
    status: document.getElementById('status'),
    stream: document.getElementById('stream'),
    streamEmpty: document.getElementById('stream-empty'),
    overdue: document.getElementById('overdue'),
    overdueEmpty: document.getElementById('overdue-empty'),
    trendTable: document.getElementById('trend-table'),
    rankTable: document.getElementById('rank-table'),
    asOf: document.getElementById('as-of')
  };

  var charts = {trend: null, rank: null};
  if (window.echarts) {
    document.documentElement.classList.add('charts');
    charts.trend = echarts.init(document.getElementById('trend-chart'));
    var rankEl = document.getElementById('rank-chart');
    if (rankEl) {
      charts.rank = echarts.init(rankEl);
      charts.rank.on('click', function (p) {
        var code = rankCodes[p.dataIndex];
        if (drill && code) window.location.href = drill + encodeURIComponent(code) + '/';
      });
    }
    window.addEventListener('resize', function () {
      if (charts.trend) charts.trend.resize();
      if (charts.rank) charts.rank.resize();
      if (lastCharts) drawCharts(lastCharts);
    });
  }

  function nextReload() {
    var d = new Date();
    d.setHours(4, 0, 0, 0);
    if (d.getTime() - Date.now() < 3600000) d.setDate(d.getDate() + 1);
    // Spread over ten minutes, so a city's screens do not all reload at the same second.
    return d.getTime() + Math.floor(Math.random() * 600000);
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function showClock() {
    var now = new Date(Date.now() + clockOffset);
    el.clock.textContent = pad(now.getHours()) + ':' + pad(now.getMinutes());
  }

  function setStatus(text) {
    if (el.status.textContent !== text) el.status.textContent = text;
  }

  function rate(v) { return v === null || v === undefined ? '—' : v + '%'; }
  function stars(v) { return v === null || v === undefined ? '—' : Number(v).toFixed(1); }
  function fill(template, value) { return template.replace('%s', value); }

  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  function showNumbers(n) {
    var shown = {
      received: String(n.received),
      done: String(n.done),
      on_time_rate: rate(n.on_time_rate),
      satisfaction: stars(n.satisfaction),
      on_time_rate_month: fill(labels.this_month, rate(n.on_time_rate_month)),
      satisfaction_month: fill(labels.this_month, stars(n.satisfaction_month)),
      open: String(n.open),
      overdue: String(n.overdue)
    };
    Object.keys(shown).forEach(function (key) {
      setText(document.querySelector('[data-number="' + key + '"]'), shown[key]);
    });
    setText(el.asOf, n.as_of ? fill(labels.as_of, n.as_of) : '');
  }

  function span(cls, text) {
    var s = document.createElement('span');
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function row(parts, id) {
    var li = document.createElement('li');
    li.setAttribute('data-id', String(id));
    parts.forEach(function (p, i) {
      if (i) li.appendChild(document.createTextNode(' '));
      li.appendChild(span(p[0], p[1]));
    });
    return li;
  }

  // A case or a resident's question ("c12", "q3"); the kind is a class, for the CSS to mark.
  function streamRow(c) {
    var li = row([['time', c.time], ['where', c.village], ['what', c.item], ['how', c.channel]], c.id);
    if (c.kind) li.classList.add(c.kind);
    return li;
  }

  function showStream(items, replace) {
    if (replace) {
      while (el.stream.firstChild) el.stream.removeChild(el.stream.firstChild);
    }
    // Items come newest first: put the oldest in first so the newest ends on top.
    for (var i = items.length - 1; i >= 0; i--) {
      var li = streamRow(items[i]);
      if (!replace) li.classList.add('fresh');
      el.stream.insertBefore(li, el.stream.firstChild);
    }
    while (el.stream.children.length > STREAM_MAX) el.stream.removeChild(el.stream.lastChild);
    el.streamEmpty.hidden = el.stream.children.length > 0;
  }

  function showOverdue(items) {
    var list = el.overdue;
    items.forEach(function (c, i) {
      var fresh = row([['time', c.due], ['late', c.late], ['where', c.village], ['what', c.item]], c.id);
      var old = list.children[i];
      if (!old) list.appendChild(fresh);
      else if (old.textContent !== fresh.textContent || old.getAttribute('data-id') !== String(c.id)) {
        list.replaceChild(fresh, old);
      }
    });
    while (list.children.length > items.length) list.removeChild(list.lastChild);
    el.overdueEmpty.hidden = items.length > 0;
  }

  var SPLIT = {lineStyle: {color: '#1d4170'}};

  // Chart text follows the page's type size, which follows the screen's height.
  function fontPx() {
    return Math.round(parseFloat(window.getComputedStyle(body).fontSize) * 0.85);
  }

  function trendOption(t) {
    var f = fontPx();
    return {
      animationDurationUpdate: 500,
      textStyle: {fontSize: f},
      grid: {left: 8, right: 16, top: f * 2.2, bottom: 4, containLabel: true},
      legend: {top: 0, itemGap: f * 1.5, textStyle: {color: '#e8f1ff', fontSize: f}},
      tooltip: {trigger: 'axis', renderMode: 'richText', textStyle: {fontSize: f}},
      xAxis: {type: 'category', data: t.days, axisLabel: {color: '#a9c1e0', fontSize: f}, axisLine: SPLIT},
      yAxis: {type: 'value', minInterval: 1, axisLabel: {color: '#a9c1e0', fontSize: f}, splitLine: SPLIT},
      series: [
        {id: 'received', name: labels.received, type: 'line', showSymbol: false,
          data: t.received, lineStyle: {width: 3}, itemStyle: {color: '#4fc3f7'}, areaStyle: {opacity: 0.15}},
        {id: 'done', name: labels.done, type: 'line', showSymbol: false,
          data: t.done, lineStyle: {width: 3}, itemStyle: {color: '#7ee2a8'}}
      ]
    };
  }

  function rankOption(rows) {
    var f = fontPx();
    var top = rows.slice(0, RANK_CHART_MAX).reverse(); // the best at the top of the bars
    rankCodes = top.map(function (r) { return r.code; });
    return {
      animationDurationUpdate: 500,
      grid: {left: 8, right: f * 3.5, top: 4, bottom: 4, containLabel: true},
      tooltip: {trigger: 'item', renderMode: 'richText', textStyle: {fontSize: f}},
      xAxis: {type: 'value', max: 100, axisLabel: {color: '#a9c1e0', fontSize: f, formatter: '{value}%'},
        splitLine: SPLIT},
      yAxis: {type: 'category', data: top.map(function (r) { return r.name; }),
        axisLabel: {color: '#e8f1ff', fontSize: f, interval: 0}, axisLine: SPLIT},
      series: [{
        id: 'on_time', name: labels.on_time_rate, type: 'bar', barMaxWidth: f * 1.4,
        data: top.map(function (r) { return r.on_time_rate; }),
        itemStyle: {color: '#4fc3f7', borderRadius: [0, 4, 4, 0]},
        label: {show: true, position: 'right', color: '#e8f1ff', fontSize: f, formatter: '{c}%'},
        cursor: drill ? 'pointer' : 'default'
      }]
    };
  }

  function cell(tag, text, attrs) {
    var c = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { c.setAttribute(k, attrs[k]); });
    if (text !== null) c.textContent = text;
    return c;
  }

  function showRankTable(rows) {
    var old = el.rankTable.tBodies[0];
    var tbody = document.createElement('tbody');
    rows.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.appendChild(cell('td', String(r.rank)));
      var name = cell('th', null, {scope: 'row'});
      if (drill) {
        var a = cell('a', r.name, {href: drill + encodeURIComponent(r.code) + '/'});
        name.appendChild(a);
      } else {
        name.textContent = r.name;
      }
      tr.appendChild(name);
      [String(r.received), String(r.done), r.on_time, r.satisfaction, String(r.overdue)].forEach(function (v) {
        tr.appendChild(cell('td', v));
      });
      tbody.appendChild(tr);
    });
    el.rankTable.replaceChild(tbody, old);
  }

  function showTrendTable(t) {
    var rows = el.trendTable.tBodies[0].rows;
    for (var i = 0; i < rows.length && i < t.days.length; i++) {
      setText(rows[i].cells[0], t.days[i]);
      setText(rows[i].cells[1], String(t.received[i]));
      setText(rows[i].cells[2], String(t.done[i]));
    }
  }

  function drawCharts(c) {
    if (charts.trend) charts.trend.setOption(trendOption(c.trend));
    if (charts.rank && c.ranking) charts.rank.setOption(rankOption(c.ranking));
  }

  function showCharts(c) {
    showTrendTable(c.trend);
    if (c.ranking && el.rankTable) showRankTable(c.ranking);
    drawCharts(c);
    lastCharts = c;
  }

  function apply(data, replace) {
    if (typeof data.now_ms === 'number') clockOffset = data.now_ms - Date.now();
    showNumbers(data.numbers);
    showStream(data.stream, replace);
    showOverdue(data.overdue);
    if (data.charts) showCharts(data.charts);
    cursor = data.cursor;
    chartsVersion = data.charts_version;
  }

  function pause() {
    var ms = Math.min(MAX_PAUSE_MS, POLL_MS * Math.pow(2, failures));
    return ms / 2 + Math.random() * ms / 2;
  }

  function poll() {
    var replace = !cursor;
    var query = '?charts=' + encodeURIComponent(chartsVersion || '') +
      (cursor ? '&after=' + encodeURIComponent(cursor) : '');
    var controller = window.AbortController ? new AbortController() : null;
    pending = {controller: controller, startedAt: Date.now()};
    fetch(url + query, {
      credentials: 'same-origin', cache: 'no-store', headers: {Accept: 'application/json'},
      signal: controller ? controller.signal : undefined
    }).then(function (r) {
      if (r.status === 401 || r.status === 403 || r.status === 404) {
        // Logged out, or the link was revoked: show what the server says instead of old figures.
        if (Date.now() - loadedAt > 60000) window.location.reload();
        throw new Error('gone ' + r.status);
      }
      if (r.status === 400) {
        cursor = ''; // a cursor the server no longer takes: start the stream afresh
        throw new Error('cursor');
      }
      if (!r.ok) throw new Error('status ' + r.status);
      return r.json();
    }).then(function (data) {
      apply(data, replace);
      failures = 0;
      setStatus('');
      nextPollAt = Date.now() + POLL_MS;
    }).catch(function () {
      failures += 1;
      setStatus(labels.reconnecting);
      nextPollAt = Date.now() + pause();
    }).then(function () {
      pending = null;
    });
  }

  function reloadIfServerAnswers() {
    reloadAt = Date.now() + 5 * 60000; // if it does not answer, try again in five minutes
    fetch(window.location.href, {credentials: 'same-origin', cache: 'no-store'}).then(function (r) {
      if (r.ok) window.location.reload();
    }).catch(function () { /* still offline: keep the figures we have */ });
  }

  function tick() {
    var now = Date.now();
    showClock();
    if (pending && now - pending.startedAt > TIMEOUT_MS && pending.controller) pending.controller.abort();
    if (!pending && failures === 0 && now >= reloadAt) reloadIfServerAnswers();
    if (!pending && now >= nextPollAt) poll();
    window.setTimeout(tick, 1000);
  }

  if (first.charts) showCharts(first.charts);
  tick();
}());
