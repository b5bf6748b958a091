// Real HTTP endpoints the test runner's server answers under /__test/, for tests of
// the API client: slow answers, error answers, dropped connections.
export async function testEndpoints(ctx, next) {
  const url = new URL(ctx.url, 'http://localhost');
  if (!url.pathname.startsWith('/__test/')) return next();
  const route = url.pathname.slice('/__test/'.length);
  if (route === 'json') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ ok: true, echo: url.searchParams.get('q') });
    return;
  }
  if (route === 'slow') {
    await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('ms') ?? 2000)));
    ctx.type = 'application/json';
    ctx.body = '{"ok":true}';
    return;
  }
  if (route === 'status') {
    const status = Number(url.searchParams.get('status') ?? 500);
    ctx.status = status;
    ctx.type = 'application/json';
    if (url.searchParams.has('retryAfter'))
      ctx.set('Retry-After', url.searchParams.get('retryAfter'));
    ctx.body = JSON.stringify({
      statusCode: status,
      code: url.searchParams.get('code') ?? 'internal',
      message: 'test error',
      fields: url.searchParams.has('field')
        ? [{ field: url.searchParams.get('field'), code: 'too_short' }]
        : undefined,
    });
    return;
  }
  if (route === 'html-error') {
    ctx.status = 502;
    ctx.type = 'text/html';
    ctx.body = '<html><body>Bad gateway</body></html>';
    return;
  }
  if (route === 'not-json') {
    ctx.type = 'application/json';
    ctx.body = '<html>';
    return;
  }
  if (route === 'drop') {
    // Close the socket without an answer: the browser sees a network error.
    ctx.req.socket.destroy();
    ctx.respond = false;
    return;
  }
  return next();
}
