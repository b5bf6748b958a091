import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HOLD_FLAGS } from '../../src/api/newsroom.js';
import {
  EXTERNAL_TIMEOUT_DEFAULT,
  EXTERNAL_TIMEOUT_MAX,
  checkUrlProblem,
  effectiveTimeout,
  runExternalCheck,
  signBody,
  verifySignature,
  type ExternalCheckPayload,
} from '../src/safety/external-check.js';
import {
  checkMessage,
  compileRules,
  fold,
  textFingerprint,
  type RuleSettings,
} from '../src/safety/rules.js';

const ALL_OFF: RuleSettings = { words: [], holdLinks: false, holdPhones: false, holdEmails: false };

/** The flag codes (and details) of `message` under `settings`. */
function flagsOf(message: string, settings: Partial<RuleSettings>) {
  return checkMessage(compileRules({ ...ALL_OFF, ...settings }), message);
}
const wordIn = (message: string, words: string[]) =>
  flagsOf(message, { words }).find((flag) => flag.code === 'word')?.detail ?? null;
const linkIn = (message: string) =>
  flagsOf(message, { holdLinks: true }).find((flag) => flag.code === 'link')?.detail ?? null;
const hasPhone = (message: string) => flagsOf(message, { holdPhones: true }).length > 0;
const hasEmail = (message: string) => flagsOf(message, { holdEmails: true }).length > 0;

describe('fold', () => {
  it('folds full-width Latin letters, digits and signs to ASCII', () => {
    assert.equal(fold('ｂａｄ'), 'bad');
    assert.equal(fold('ＢＡＤ'), 'bad');
    assert.equal(fold('１３８００１３８０００'), '13800138000');
    assert.equal(fold('li＠example．com'), 'li@example.com');
  });

  it('lower-cases', () => {
    assert.equal(fold('Bad WORD'), 'bad word');
  });

  it('removes characters that show as nothing', () => {
    assert.equal(fold('b\u200bad'), 'bad');
    assert.equal(fold('b\u00ADa\u200Dd\uFEFF'), 'bad');
    assert.equal(fold('ba\uFE0Fd\u2060'), 'bad');
  });

  it('collapses runs of white space, ideographic space included', () => {
    assert.equal(fold('  bad \n\t\u3000 word  '), 'bad word');
  });

  it('keeps Chinese as it is', () => {
    assert.equal(fold('重庆 火锅'), '重庆 火锅');
  });
});

describe('words', () => {
  it('finds a Chinese word inside a longer sentence', () => {
    assert.equal(wordIn('我觉得这个人是个骗子，大家小心', ['骗子']), '骗子');
    assert.equal(wordIn('我觉得这个人很好', ['骗子']), null);
  });

  it('finds a word of a spaced script only as a whole word', () => {
    assert.equal(wordIn('this is bad!', ['bad']), 'bad');
    assert.equal(wordIn('(bad)', ['bad']), 'bad');
    assert.equal(wordIn('bad, very bad', ['bad']), 'bad');
    assert.equal(wordIn('a badge', ['bad']), null);
    assert.equal(wordIn('my class', ['ass']), null);
    assert.equal(wordIn('what an ass.', ['ass']), 'ass');
    assert.equal(wordIn('café', ['caf']), null);
  });

  it('finds a Latin word next to Chinese characters', () => {
    assert.equal(wordIn('真是bad透了', ['bad']), 'bad');
  });

  it('finds a phrase whatever the white space between its words', () => {
    assert.equal(wordIn('such a BAD \n\t  Word here', ['bad word']), 'bad word');
    assert.equal(wordIn('such a bad thing, word', ['bad word']), null);
  });

  it('finds full-width and disguised spellings', () => {
    assert.equal(wordIn('so ｂａｄ', ['bad']), 'bad');
    assert.equal(wordIn('so ＢＡＤ', ['bad']), 'bad');
    assert.equal(wordIn('so b\u200bad', ['bad']), 'bad');
  });

  it('matches words with regular-expression characters literally', () => {
    assert.equal(wordIn('I write c++ daily', ['c++']), 'c++');
    assert.equal(wordIn('I write c++11 daily', ['c++']), 'c++');
    assert.equal(wordIn('I write cc daily', ['c++']), null);
    assert.equal(wordIn('see a.b here', ['a.b']), 'a.b');
    assert.equal(wordIn('see axb here', ['a.b']), null);
    assert.equal(wordIn('(x)', ['(x)', '[y', 'z|']), '(x)');
    assert.equal(wordIn('a z| b', ['(x)', '[y', 'z|']), 'z|');
  });

  it('ignores empty and blank words', () => {
    const rules = compileRules({ ...ALL_OFF, words: ['', '   ', '\u200b', '\n'] });
    assert.deepEqual(checkMessage(rules, 'anything at all'), []);
    assert.deepEqual(checkMessage(rules, ''), []);
  });

  it('gives the word as staff typed it', () => {
    assert.equal(wordIn('this is bad', ['ＢＡＤ']), 'ＢＡＤ');
    assert.equal(wordIn('a Bad  Word', ['Bad Word']), 'Bad Word');
  });

  it('gives the word that comes first in the message', () => {
    assert.equal(wordIn('first ugly then bad', ['bad', 'ugly']), 'ugly');
    assert.equal(wordIn('骗子 and bad', ['bad', '骗子']), '骗子');
    // At one place, the longer word.
    assert.equal(wordIn('a bad word', ['bad', 'bad word']), 'bad word');
    assert.equal(wordIn('a bad wording', ['bad', 'bad word']), 'bad');
  });

  it('flags a word once, whatever else matches', () => {
    assert.deepEqual(flagsOf('bad bad 骗子 ugly', { words: ['bad', '骗子', 'ugly'] }), [
      { code: 'word', detail: 'bad' },
    ]);
  });
});

describe('links', () => {
  const LINKS: [string, string][] = [
    ['see http://example.com', 'example.com'],
    ['see https://Example.COM/path?q=1', 'example.com'],
    ['https://user:secret@foo.example.cn:8080/p', 'foo.example.cn'],
    ['go to www.example.com now', 'www.example.com'],
    ['go to www.example.store now', 'www.example.store'],
    ['example.com', 'example.com'],
    ['visit foo.example.cn/path today', 'foo.example.cn'],
    ['t.cn/abc', 't.cn'],
    ['shop.example.store/sale', 'shop.example.store'],
    ['访问example.com看看', 'example.com'],
    ['https://example.com看看', 'example.com'],
    ['example。com', 'example.com'],
    ['example．com', 'example.com'],
    ['ｅｘａｍｐｌｅ．ｃｏｍ', 'example.com'],
    ['例子 example.中国', 'example.中国'],
    ['公司网址 brand.公司 见', 'brand.公司'],
    ['site.网络', 'site.网络'],
    ['http://例子.中国/x', '例子.中国'],
    ['xn--fiqs8s.xn--fiqz9s', 'xn--fiqs8s.xn--fiqz9s'],
    ['end of sentence example.org.', 'example.org'],
  ];
  for (const [message, host] of LINKS) {
    it(`finds ${JSON.stringify(message)}`, () => {
      assert.equal(linkIn(message), host);
    });
  }

  const NOT_LINKS = [
    'e.g. this one',
    'i.e. that one',
    'version 3.5 is out',
    'Mr.Li said so',
    'we meet at 10.30',
    'U.S.A. and Ph.D.',
    'written in node.js and app.py',
    'li@example.com',
    'mail li.wei@example.com.cn',
    'http:// nothing',
  ];
  for (const message of NOT_LINKS) {
    it(`does not take ${JSON.stringify(message)} for a link`, () => {
      assert.equal(linkIn(message), null);
    });
  }

  it('flags nothing when links may pass', () => {
    assert.deepEqual(flagsOf('see example.com', { holdLinks: false }), []);
  });
});

describe('phones', () => {
  const PHONES = [
    '13800138000',
    '电话13800138000',
    '138 0013 8000',
    '138-0013-8000',
    '+86 138 0013 8000',
    '+86-138-0013-8000',
    '008613800138000',
    '023-67158993',
    '+86-23-67158993',
    '(023) 6715 8993',
    '010 1234 5678',
    '+1 (212) 555-0100',
    '+44 20 7946 0958',
    '１３８ ００１３ ８０００',
    '＋８６－２３－６７１５８９９３',
  ];
  for (const message of PHONES) {
    it(`finds ${JSON.stringify(message)}`, () => {
      assert.deepEqual(flagsOf(`call me: ${message} thanks`, { holdPhones: true }), [
        { code: 'phone', detail: null },
      ]);
    });
  }

  const NOT_PHONES = [
    'in 1949',
    'on 2024-03-24',
    '1999-01-01 20:00',
    '3 000 people',
    'it cost ¥13,800',
    'it cost 13 800 138 000 yuan',
    'room 101, floor 12',
    '+3 000',
    '12345678',
  ];
  for (const message of NOT_PHONES) {
    it(`does not take ${JSON.stringify(message)} for a phone`, () => {
      assert.equal(hasPhone(message), false);
    });
  }
});

describe('emails', () => {
  it('finds an address anywhere in the message', () => {
    assert.equal(hasEmail('write to li.wei+news@example.com please'), true);
    assert.equal(hasEmail('联系我li@example.cn谢谢'), true);
    assert.equal(hasEmail('12345@qq.com'), true);
  });

  it('finds an address with a full-width @ and dots', () => {
    assert.equal(hasEmail('li＠example。com'), true);
    assert.equal(hasEmail('ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ'), true);
  });

  it('does not take a handle or a lone @ for an address', () => {
    assert.equal(hasEmail('thanks @li and @ everyone'), false);
    assert.equal(hasEmail('a@b'), false);
  });

  it('is an email and not also a link, with no detail', () => {
    assert.deepEqual(
      flagsOf('li@example.com', { holdLinks: true, holdEmails: true, holdPhones: true }),
      [{ code: 'email', detail: null }],
    );
  });

  it('still finds a link beside an address', () => {
    assert.deepEqual(
      flagsOf('li@example.com or example.org', { holdLinks: true, holdEmails: true }),
      [
        { code: 'link', detail: 'example.org' },
        { code: 'email', detail: null },
      ],
    );
  });
});

describe('checkMessage', () => {
  it('returns the flags in HOLD_FLAGS order', () => {
    const flags = flagsOf('li@example.com, 13800138000, example.com, bad', {
      words: ['bad'],
      holdLinks: true,
      holdPhones: true,
      holdEmails: true,
    });
    assert.deepEqual(flags, [
      { code: 'word', detail: 'bad' },
      { code: 'link', detail: 'example.com' },
      { code: 'phone', detail: null },
      { code: 'email', detail: null },
    ]);
    const order = flags.map((flag) => HOLD_FLAGS.indexOf(flag.code));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it('flags nothing in an ordinary message', () => {
    const all = { words: ['bad'], holdLinks: true, holdPhones: true, holdEmails: true };
    assert.deepEqual(flagsOf('我在重庆住了30年，2024年3月很好。Thanks, e.g. 3.5 stars!', all), []);
  });
});

describe('textFingerprint', () => {
  it('is the same whatever the spacing, width, case and punctuation', () => {
    const one = textFingerprint('Hello, world! 重庆 火锅。');
    assert.match(one, /^[0-9a-f]{64}$/);
    assert.equal(textFingerprint('hello world 重庆火锅'), one);
    assert.equal(textFingerprint('ＨＥＬＬＯ　ｗｏｒｌｄ…重庆，火锅'), one);
    assert.equal(textFingerprint('  h\u200belloworld\n\n重 庆 火 锅!!!'), one);
  });

  it('differs for different words', () => {
    assert.notEqual(textFingerprint('hello world'), textFingerprint('hello word'));
    assert.notEqual(textFingerprint('重庆火锅'), textFingerprint('成都火锅'));
  });
});

describe('1,000 words against a 2,000-character message', () => {
  /** A fixed pseudo-random sequence, so that the measurement is the same every run. */
  function sequence(seed: number) {
    let state = seed;
    return (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return Math.floor((state / 2147483648) * n);
    };
  }
  const next = sequence(7);
  const LATIN = 'abcdefghijklmnopqrstuvwxyz';
  const HAN =
    '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小';
  const latin = (length: number) => Array.from({ length }, () => LATIN[next(26)]).join('');
  const han = (length: number) => Array.from({ length }, () => HAN[next(HAN.length)]).join('');

  // A quarter Chinese, a quarter phrases, half single words; up to 50 characters each.
  const words = Array.from({ length: 1000 }, (_, i) =>
    i % 4 === 0
      ? han(4 + next(20))
      : i % 4 === 1
        ? `${latin(6 + next(10))} ${latin(6 + next(10))} ${latin(6 + next(10))}`
        : latin(5 + next(45)),
  );
  // Chinese and Latin words mixed, like a bilingual message; the word to find at the end.
  let text = '';
  while (text.length < 1900) text += next(2) === 0 ? `${latin(1 + next(8))} ` : han(1 + next(3));
  const needle = words[998];
  const message = `${text} ${needle} 访问 example.com`.padEnd(2000, ' 好');

  it('compiles, checks and reports the time it takes', () => {
    assert.equal(message.length, 2000);
    let started = performance.now();
    const rules = compileRules({ words, holdLinks: true, holdPhones: true, holdEmails: true });
    const compileMs = performance.now() - started;
    const expected = [
      { code: 'word', detail: needle },
      { code: 'link', detail: 'example.com' },
    ];
    assert.deepEqual(checkMessage(rules, message), expected);
    for (let i = 0; i < 20; i++) checkMessage(rules, message);
    const runs = 200;
    started = performance.now();
    for (let i = 0; i < runs; i++) checkMessage(rules, message);
    const checkMs = (performance.now() - started) / runs;
    console.log(
      `safety rules: 1,000 words compiled in ${compileMs.toFixed(1)} ms; ` +
        `a 2,000-character message checked in ${checkMs.toFixed(3)} ms`,
    );
    assert.deepEqual(checkMessage(rules, message), expected);
    assert.deepEqual(checkMessage(rules, text), []);
  });
});

// --- The external check -------------------------------------------------------------

const SECRET = 'test-secret-0123456789';
const PAYLOAD: ExternalCheckPayload = {
  id: 'sub_123',
  campaign: 'demo',
  message: '我支持这个项目',
  displayName: '李伟',
  locale: 'zh-Hans',
  district: 'yuzhong',
  hasPhoto: false,
  receivedAt: '2026-03-24T08:00:00.000Z',
};

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('signatures', () => {
  const now = 1_770_000_000_000;
  const body = '{"action":"pass"}';

  it('signs as t=<seconds>,v1=<hex>', () => {
    assert.match(signBody(SECRET, body, now), /^t=1770000000,v1=[0-9a-f]{64}$/);
  });

  it('verifies its own signature, and refuses a changed body or another key', () => {
    const header = signBody(SECRET, body, now);
    assert.equal(verifySignature(SECRET, body, header, now), true);
    assert.equal(verifySignature(SECRET, `${body} `, header, now), false);
    assert.equal(verifySignature('another secret', body, header, now), false);
  });

  it('refuses a timestamp out of tolerance, either way', () => {
    const header = signBody(SECRET, body, now);
    assert.equal(verifySignature(SECRET, body, header, now + 299_000), true);
    assert.equal(verifySignature(SECRET, body, header, now + 301_000), false);
    assert.equal(verifySignature(SECRET, body, header, now - 301_000), false);
    assert.equal(verifySignature(SECRET, body, header, now + 5_000, 1_000), false);
  });

  it('refuses missing and malformed headers', () => {
    const good = signBody(SECRET, body, now);
    for (const header of [
      undefined,
      '',
      'garbage',
      good.replace(/^t=\d+,/, ''),
      good.replace(/,v1=.*$/, ''),
      good.slice(0, -1),
      good.replace('v1=', 'v0='),
    ]) {
      assert.equal(verifySignature(SECRET, body, header, now), false, String(header));
    }
  });

  it('accepts any one of several v1 values (a key being rotated)', () => {
    const good = signBody(SECRET, body, now);
    const other = signBody('old secret', body, now).split(',')[1];
    assert.equal(verifySignature(SECRET, body, `${good},${other}`, now), true);
  });
});

describe('checkUrlProblem', () => {
  it('accepts https and http to this machine', () => {
    for (const url of [
      'https://safety.example.org/check',
      'https://safety.example.org:8443/v1/check?x=1',
      'http://127.0.0.1:8080/check',
      'http://127.1.2.3/check',
      'http://localhost:3000/check',
      'http://[::1]:3000/check',
    ]) {
      assert.equal(checkUrlProblem(url), null, url);
    }
  });

  it('refuses plain http elsewhere, credentials, other schemes and garbage', () => {
    for (const url of [
      'http://example.com/check',
      'http://10.0.0.1/check',
      'http://128.0.0.1/check',
      'https://user:pass@safety.example.org/check',
      'https://user@safety.example.org/check',
      'ftp://safety.example.org/check',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'not a url',
      '',
      '/relative/check',
      `https://safety.example.org/${'a'.repeat(2000)}`,
    ]) {
      const problem = checkUrlProblem(url);
      assert.equal(typeof problem, 'string', url);
      assert.ok(problem!.length > 0);
    }
  });
});

describe('runExternalCheck', () => {
  let server: http.Server;
  let base = '';
  let closedPort = 0;
  let last: Received | null = null;

  /** Answers `body` with status 200 and a signature made `skewMs` from now (or none). */
  function answer(
    response: http.ServerResponse,
    body: string,
    options: { status?: number; secret?: string; skewMs?: number; sign?: boolean } = {},
  ) {
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json' };
    if (options.sign !== false) {
      headers['Campaign-Signature'] = signBody(
        options.secret ?? SECRET,
        body,
        Date.now() + (options.skewMs ?? 0),
      );
    }
    response.writeHead(options.status ?? 200, headers).end(body);
  }

  const ROUTES: Record<string, (response: http.ServerResponse) => void> = {
    '/pass': (res) => answer(res, '{"action":"pass","reason":"ignored"}'),
    '/hold': (res) => answer(res, '{"action":"hold","reason":"names a private person"}'),
    '/reject': (res) => answer(res, '{"action":"reject"}'),
    '/flag': (res) => answer(res, '{"action":"flag","reason":"   "}'),
    '/long-reason': (res) =>
      answer(
        res,
        JSON.stringify({ action: 'hold', reason: `${'长'.repeat(150)}${'x'.repeat(150)}` }),
      ),
    '/slow': () => {
      // Never answers: the check has to give up by itself.
    },
    '/slow-body': (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"action":');
    },
    '/500': (res) => answer(res, '{"action":"pass"}', { status: 500 }),
    '/redirect': (res) => {
      res.writeHead(302, { Location: `${base}/pass` }).end();
    },
    '/wrong-signature': (res) => answer(res, '{"action":"pass"}', { secret: 'not the secret' }),
    '/no-signature': (res) => answer(res, '{"action":"pass"}', { sign: false }),
    '/stale': (res) => answer(res, '{"action":"pass"}', { skewMs: -10 * 60_000 }),
    '/invalid-json': (res) => answer(res, '{"action":"pass"'),
    '/unknown-action': (res) => answer(res, '{"action":"publish"}'),
    '/not-an-object': (res) => answer(res, '["pass"]'),
    '/reason-not-text': (res) => answer(res, '{"action":"hold","reason":42}'),
    '/big': (res) =>
      answer(res, JSON.stringify({ action: 'pass', padding: 'x'.repeat(100 * 1024) })),
    '/big-chunked': (res) => {
      // No Content-Length: the size is only known while reading.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let i = 0; i < 100; i++) res.write('x'.repeat(1024));
      res.end();
    },
  };

  before(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        last = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
        const route = ROUTES[request.url ?? ''];
        if (route) route(response);
        else response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // A port that was free a moment ago and is closed now.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const check = (path: string, timeoutMs = 2000, url = `${base}${path}`) =>
    runExternalCheck({ url, secret: SECRET, timeoutMs }, PAYLOAD);

  it('passes', async () => {
    assert.deepEqual(await check('/pass'), { action: 'pass' });
  });

  it('holds, with the reason', async () => {
    assert.deepEqual(await check('/hold'), { action: 'hold', reason: 'names a private person' });
  });

  it('rejects, with no reason', async () => {
    assert.deepEqual(await check('/reject'), { action: 'reject', reason: null });
  });

  it('flags, a blank reason being none', async () => {
    assert.deepEqual(await check('/flag'), { action: 'flag', reason: null });
  });

  it('cuts a long reason to 200 characters', async () => {
    const outcome = await check('/long-reason');
    assert.equal(outcome.action, 'hold');
    assert.ok('reason' in outcome && typeof outcome.reason === 'string');
    assert.equal(outcome.reason, `${'长'.repeat(150)}${'x'.repeat(50)}`);
  });

  it('sends a signed JSON payload without the email address', async () => {
    const withEmail = { ...PAYLOAD, email: 'reader@example.com' } as ExternalCheckPayload;
    const outcome = await runExternalCheck(
      { url: `${base}/pass`, secret: SECRET, timeoutMs: 2000 },
      withEmail,
    );
    assert.deepEqual(outcome, { action: 'pass' });
    assert.ok(last);
    assert.equal(last.headers['content-type'], 'application/json');
    assert.equal(last.headers['user-agent'], 'campaign-api');
    const signature = last.headers['campaign-signature'];
    assert.equal(typeof signature, 'string');
    assert.equal(verifySignature(SECRET, last.body, signature as string, Date.now()), true);
    assert.equal(
      verifySignature('another secret', last.body, signature as string, Date.now()),
      false,
    );
    const sent = JSON.parse(last.body);
    assert.deepEqual(sent, PAYLOAD);
    assert.equal('email' in sent, false);
    assert.equal(last.body.includes('reader@example.com'), false);
  });

  it('signs with the clock it is given', async () => {
    const now = () => Date.now() - 60 * 60_000;
    await runExternalCheck({ url: `${base}/pass`, secret: SECRET, timeoutMs: 2000 }, PAYLOAD, {
      now,
    });
    const signature = last!.headers['campaign-signature'] as string;
    assert.equal(verifySignature(SECRET, last!.body, signature, now()), true);
    assert.equal(verifySignature(SECRET, last!.body, signature, Date.now()), false);
  });

  it('gives up on a slow service within its timeout', async () => {
    const started = Date.now();
    assert.deepEqual(await check('/slow', 300), { action: 'error', reason: 'timeout' });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 800, `${elapsed} ms`);
  });

  it('gives up on a body that never ends, within the same timeout', async () => {
    const started = Date.now();
    assert.deepEqual(await check('/slow-body', 300), { action: 'error', reason: 'timeout' });
    assert.ok(Date.now() - started < 800);
  });

  it('answers status for anything but 200, a redirect included (not followed)', async () => {
    assert.deepEqual(await check('/500'), { action: 'error', reason: 'status' });
    assert.deepEqual(await check('/redirect'), { action: 'error', reason: 'status' });
    assert.equal(last!.headers['user-agent'], 'campaign-api');
    assert.deepEqual(await check('/nowhere'), { action: 'error', reason: 'status' });
  });

  it('answers bad_signature for a wrong, missing or stale signature', async () => {
    for (const path of ['/wrong-signature', '/no-signature', '/stale']) {
      assert.deepEqual(await check(path), { action: 'error', reason: 'bad_signature' }, path);
    }
  });

  it('answers bad_signature when its own clock is far from the service’s', async () => {
    const outcome = await runExternalCheck(
      { url: `${base}/pass`, secret: SECRET, timeoutMs: 2000 },
      PAYLOAD,
      { now: () => Date.now() + 60 * 60_000 },
    );
    assert.deepEqual(outcome, { action: 'error', reason: 'bad_signature' });
  });

  it('answers bad_answer for invalid JSON, an unknown action or a wrong shape', async () => {
    for (const path of ['/invalid-json', '/unknown-action', '/not-an-object', '/reason-not-text']) {
      assert.deepEqual(await check(path), { action: 'error', reason: 'bad_answer' }, path);
    }
  });

  it('answers too_large past 16 KiB, declared or not', async () => {
    assert.deepEqual(await check('/big'), { action: 'error', reason: 'too_large' });
    assert.deepEqual(await check('/big-chunked'), { action: 'error', reason: 'too_large' });
  });

  it('answers unreachable for a closed port', async () => {
    const outcome = await check('', 2000, `http://127.0.0.1:${closedPort}/check`);
    assert.deepEqual(outcome, { action: 'error', reason: 'unreachable' });
  });

  it('answers unreachable for a URL it may not use, and never throws', async () => {
    for (const url of ['http://example.com/check', 'not a url', 'ftp://127.0.0.1/']) {
      assert.deepEqual(await check('', 2000, url), { action: 'error', reason: 'unreachable' });
    }
  });

  it('bounds the timeout it is given', () => {
    assert.equal(effectiveTimeout(1500), 1500);
    assert.equal(effectiveTimeout(60_000), EXTERNAL_TIMEOUT_MAX);
    assert.equal(EXTERNAL_TIMEOUT_MAX, 10000);
    for (const nonsense of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.equal(effectiveTimeout(nonsense), EXTERNAL_TIMEOUT_DEFAULT);
    }
    assert.equal(EXTERNAL_TIMEOUT_DEFAULT, 3000);
  });
});
