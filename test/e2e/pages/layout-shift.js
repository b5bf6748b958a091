// Records every layout shift from the first paint (Chromium's Layout Instability API).
(function () {
  var shifts = (window.__shifts = []);
  if (
    !window.PerformanceObserver ||
    !PerformanceObserver.supportedEntryTypes.includes('layout-shift')
  ) {
    window.__shifts = null;
    return;
  }
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (entry) {
      if (entry.hadRecentInput) return;
      shifts.push({
        value: entry.value,
        time: Math.round(entry.startTime),
        sources: (entry.sources || []).map(function (s) {
          var n = s.node;
          var name = n
            ? (n.localName || '#text') +
              (n.className && typeof n.className === 'string' ? '.' + n.className : '')
            : '?';
          return name + ' ' + JSON.stringify(s.previousRect) + '→' + JSON.stringify(s.currentRect);
        }),
      });
    });
  }).observe({ type: 'layout-shift', buffered: true });
})();
