// The dashboard's trend as a chart with axes and the value under the finger, drawn by uPlot (vendored in
// static/vendor/uplot: uPlot 1.6.32, MIT, from npm). The server's data: stats/display.py: trend_chart. Without
// JavaScript, or before it runs, the page shows its server-drawn line and the table of numbers.
(function () {
  var box = document.querySelector('[data-trend-chart]');
  if (!box || !window.uPlot) return;
  var data = JSON.parse(box.dataset.chart);
  var xs = data.hours.map(function (_hours, i) { return i; });
  var brand = getComputedStyle(document.documentElement).getPropertyValue('--brand').trim() || '#067a3d';

  function size() { return {width: box.clientWidth, height: 180}; }
  function tick(_u, splits) {
    return splits.map(function (i) { return Number.isInteger(i) && data.ticks[i] !== undefined ? data.ticks[i] : ''; });
  }

  var chart = new uPlot(Object.assign(size(), {
    scales: {x: {time: false}},
    cursor: {drag: {x: false, y: false}},
    axes: [{values: tick, incrs: [1, 2, 3, 7, 14, 28, 56], space: 64}, {size: 48}],
    series: [
      {label: box.dataset.xLabel, value: function (_u, i) { return i == null ? '' : data.names[i]; }},
      {label: box.dataset.label, stroke: brand, width: 2, points: {show: data.hours.length <= 31},
       value: function (_u, hours) { return hours == null ? '–' : hours.toFixed(2); }},
    ],
  }), [xs, data.hours], box);

  var drawn = box.parentNode.querySelector('svg.spark');
  if (drawn) drawn.remove();
  window.addEventListener('resize', function () { chart.setSize(size()); });
})();
