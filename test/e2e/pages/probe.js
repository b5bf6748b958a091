// Loaded first on every test page, as a same-origin classic script (allowed by the
// strictest policy): records errors, policy violations and the widgets' events from
// the very start, for the end-to-end tests to read.
(function () {
  var probe = (window.__e2e = { errors: [], violations: [], warnings: [], events: [] });
  addEventListener('error', function (e) {
    probe.errors.push('error: ' + (e.message || (e.error && e.error.message) || e.type));
  });
  addEventListener('unhandledrejection', function (e) {
    probe.errors.push('unhandled rejection: ' + ((e.reason && e.reason.message) || e.reason));
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    probe.violations.push(
      e.effectiveDirective +
        ' blocked ' +
        (e.blockedURI || '(inline)') +
        ' at ' +
        e.sourceFile +
        ':' +
        e.lineNumber,
    );
  });
  var error = console.error;
  console.error = function () {
    probe.errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return error.apply(console, arguments);
  };
  var warn = console.warn;
  console.warn = function () {
    probe.warnings.push(Array.prototype.join.call(arguments, ' '));
    return warn.apply(console, arguments);
  };
  [
    'campaign-submit',
    'campaign-submitted',
    'campaign-submit-error',
    'campaign-story-open',
    'campaign-live-status',
    'campaign-error',
    'campaign-locale-change',
    'campaign-report',
  ].forEach(function (name) {
    document.addEventListener(name, function (e) {
      probe.events.push({
        name: name,
        target: e.target && e.target.localName,
        detail: JSON.parse(JSON.stringify(e.detail || null)),
      });
      // A teaser's link would leave the page: the test only needs the event.
      if (name === 'campaign-story-open') e.preventDefault();
    });
  });
})();
