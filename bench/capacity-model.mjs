// The capacity model behind `npm run bench:capacity`: pure functions, measured figures in,
// a plan and its Markdown table out. Nothing here measures or reads the machine; every
// number the plan rests on is either a figure passed in or an assumption listed with it.

/** The measured figures of one API instance the model needs (all per instance). */
export const FIGURE_NAMES = [
  'rssPerStream', // bytes of resident memory per open event stream
  'heapPerStream', // bytes of JS heap (+ external) per open event stream
  'baseRss', // bytes of resident memory of an idle instance
  'cpuPerApprovalMs', // CPU ms per approval with no stream open (the request, the store, the hub)
  'cpuPerApprovalAt1000Ms', // CPU ms per approval with 1,000 streams open
  'cpuPerStreamOpenMs', // CPU ms to accept and open one stream (what a reconnect costs)
  'quoteGetsPerSecond', // full 200 answers of the quotes page per second
  'submissionsPerSecond', // accepted (202) submissions per second
  'eventBytes', // bytes one stream receives for one quote event, HTTP framing included
  'heartbeatBytes', // bytes one stream receives for one heartbeat, HTTP framing included
  'quotePageBytes', // bytes of one quotes page answer (body)
];

/**
 * What the model assumes, each with the sentence printed beside the table. Pass
 * overrides by key (`{ headroom: 0.3 }`); the printed sentence follows the value.
 */
export const ASSUMPTIONS = {
  approvalsPerMinute: {
    value: 10,
    text: (v) => `${v} approvals a minute, each one quote event sent to every open wall`,
  },
  headroom: {
    value: 0.5,
    text: (v) =>
      `headroom ${Math.round(v * 100)} %: an instance is planned to use at most ${Math.round((1 - v) * 100)} % of its memory budget, its core, and its delivery budget, so one instance can fail or a burst of reconnects can land without refusals`,
  },
  instanceMemoryBytes: {
    value: 2 * 1024 ** 3,
    text: (v) =>
      `each instance has ${formatBytes(v)} of memory (its idle RSS is taken off before streams are counted)`,
  },
  kernelBytesPerStream: {
    value: 4096,
    text: (v) =>
      `${formatBytes(v)} of kernel memory per connection (socket and its idle buffers) besides the process's RSS — assumed, not measured`,
  },
  coresPerInstance: {
    value: 1,
    text: (v) =>
      `each instance is one Node process on ${v} core(s): the event loop is single-threaded, so one core is what a broadcast gets`,
  },
  deliveryBudgetMs: {
    value: 1000,
    text: (v) =>
      `approve → delivery budget ${v} ms: one approval's fan-out to all of an instance's streams (CPU time, a dedicated core) must fit in the budget less the headroom`,
  },
  heartbeatSeconds: {
    value: 15,
    text: (v) =>
      `a heartbeat comment every ${v} s on every stream (server/src/live.ts), costing the CPU of one event write`,
  },
  wireOverheadBytes: {
    value: 83,
    text: (v) =>
      `${v} bytes of wire overhead per write per reader at the edge: TCP/IP headers with timestamps (52), a TLS 1.3 record (22), an HTTP/2 DATA frame header (9); acknowledgements and TLS handshakes not counted`,
  },
  sessionSeconds: {
    value: 300,
    text: (v) =>
      `a wall stays open ${v} s on average, and each wall loads the quotes page once when it opens (readers ÷ ${v} quote GETs per second)`,
  },
  cdnHitRatio: {
    value: 0.95,
    text: (v) =>
      `the CDN answers ${Math.round(v * 1000) / 10} % of quote GETs (the page is max-age=5, stale-while-revalidate=30 with an ETag); the rest reach the instances`,
  },
  submissionsPerReaderHour: {
    value: 0.01,
    text: (v) => `one reader in ${Math.round(1 / v)} sends a submission per hour of reading`,
  },
  poolSize: {
    value: 10,
    text: (v) =>
      `${v} pooled PostgreSQL connections per instance (DATABASE_POOL_SIZE) plus 1 LISTEN connection per instance`,
  },
  postgresMaxConnections: {
    value: 100,
    text: (v) =>
      `PostgreSQL's max_connections is ${v} (its default); above it put a pooler (PgBouncer in transaction mode) in front of the pools — the LISTEN connections must stay direct`,
  },
  minInstances: {
    value: 2,
    text: (v) => `at least ${v} instances, so that one can be drained or fail`,
  },
};

export const DEFAULT_READERS = [10_000, 100_000, 1_000_000];

/** The figure values merged with assumption overrides; throws on a missing or bad figure. */
function checked(figures, overrides) {
  for (const name of FIGURE_NAMES) {
    const value = figures[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`capacity model: figure ${name} must be a number ≥ 0 (got ${value})`);
    }
  }
  for (const name of ['rssPerStream', 'quoteGetsPerSecond', 'submissionsPerSecond']) {
    if (!(figures[name] > 0)) throw new Error(`capacity model: figure ${name} must be > 0`);
  }
  const assumed = {};
  for (const [name, { value }] of Object.entries(ASSUMPTIONS)) {
    assumed[name] = overrides[name] ?? value;
  }
  for (const name of Object.keys(overrides)) {
    if (!(name in ASSUMPTIONS)) throw new Error(`capacity model: unknown assumption ${name}`);
  }
  if (!(assumed.headroom >= 0 && assumed.headroom < 1)) {
    throw new Error('capacity model: headroom must be in [0, 1)');
  }
  if (!(assumed.cdnHitRatio >= 0 && assumed.cdnHitRatio <= 1)) {
    throw new Error('capacity model: cdnHitRatio must be in [0, 1]');
  }
  return assumed;
}

/**
 * CPU ms one more open stream adds to one approval's fan-out. The difference of the two
 * CPU figures over 1,000 streams; never below a microsecond, so that noise on a loaded
 * machine (the second figure measured lower than the first) cannot make streams free.
 */
export function cpuPerStreamMs(figures) {
  return Math.max(0.001, (figures.cpuPerApprovalAt1000Ms - figures.cpuPerApprovalMs) / 1000);
}

/** Streams one instance may hold under each per-instance limit of the model. */
export function streamsPerInstanceLimits(figures, overrides = {}) {
  const a = checked(figures, overrides);
  const usable = 1 - a.headroom;
  const perStream = cpuPerStreamMs(figures);
  const approvalsPerSecond = a.approvalsPerMinute / 60;
  const memory = Math.floor(
    (Math.max(0, a.instanceMemoryBytes - figures.baseRss) * usable) /
      (figures.rssPerStream + a.kernelBytesPerStream),
  );
  // One approval's fan-out: fixed + perStream × S ≤ budget × usable.
  const broadcast = Math.floor(
    Math.max(0, a.deliveryBudgetMs * usable - figures.cpuPerApprovalMs) / perStream,
  );
  // Sustained CPU ms per second: approvals × (fixed + perStream × S) + S / heartbeat × perStream.
  const cpuBudget =
    1000 * a.coresPerInstance * usable - approvalsPerSecond * figures.cpuPerApprovalMs;
  const sustained = Math.floor(
    Math.max(0, cpuBudget) / (approvalsPerSecond * perStream + perStream / a.heartbeatSeconds),
  );
  return { memory, broadcast, sustained };
}

/** The plan for one count of concurrent wall readers. */
export function planFor(readers, figures, overrides = {}) {
  if (!(Number.isFinite(readers) && readers > 0)) {
    throw new Error(`capacity model: readers must be > 0 (got ${readers})`);
  }
  const a = checked(figures, overrides);
  const usable = 1 - a.headroom;
  const limits = streamsPerInstanceLimits(figures, overrides);
  const approvalsPerSecond = a.approvalsPerMinute / 60;
  const quoteGets = readers / a.sessionSeconds;
  const originGets = quoteGets * (1 - a.cdnHitRatio);
  const submissions = (readers * a.submissionsPerReaderHour) / 3600;
  const byLimit = (perInstance) => (perInstance > 0 ? Math.ceil(readers / perInstance) : Infinity);
  const needs = {
    memory: byLimit(limits.memory),
    'CPU per broadcast': byLimit(limits.broadcast),
    'sustained CPU': byLimit(limits.sustained),
    'quote GETs at the origin': Math.ceil(originGets / (figures.quoteGetsPerSecond * usable)),
    submissions: Math.ceil(submissions / (figures.submissionsPerSecond * usable)),
  };
  let binding = 'redundancy';
  let instances = a.minInstances;
  for (const [name, count] of Object.entries(needs)) {
    if (count > instances) {
      instances = count;
      binding = name;
    }
  }
  const streamsPerInstance = Math.ceil(readers / instances);
  const fanOutMs = figures.cpuPerApprovalMs + cpuPerStreamMs(figures) * streamsPerInstance;
  const databaseConnections = instances * (a.poolSize + 1);
  const eventBytesPerSecond =
    readers * approvalsPerSecond * (figures.eventBytes + a.wireOverheadBytes);
  const heartbeatBytesPerSecond =
    (readers / a.heartbeatSeconds) * (figures.heartbeatBytes + a.wireOverheadBytes);
  return {
    readers,
    instances,
    binding,
    needs,
    streamsPerInstance,
    memoryPerInstanceBytes:
      figures.baseRss + streamsPerInstance * (figures.rssPerStream + a.kernelBytesPerStream),
    fanOutMs,
    // CPU for one instance's walls to reconnect: all of them to itself after a restart,
    // or a failed instance's share spread over the others.
    restartMs: streamsPerInstance * figures.cpuPerStreamOpenMs,
    rehomeMs: (streamsPerInstance * figures.cpuPerStreamOpenMs) / Math.max(1, instances - 1),
    databaseConnections,
    listenConnections: instances,
    needsPooler: databaseConnections > a.postgresMaxConnections,
    eventBytesPerSecond,
    heartbeatBytesPerSecond,
    egressBytesPerSecond: eventBytesPerSecond + heartbeatBytesPerSecond,
    quoteGetsPerSecond: quoteGets,
    cdnGetsPerSecond: quoteGets * a.cdnHitRatio,
    cdnBytesPerSecond: quoteGets * a.cdnHitRatio * figures.quotePageBytes,
    originGetsPerSecond: originGets,
    submissionsPerSecond: submissions,
  };
}

/** The assumption sentences, in the order of ASSUMPTIONS, for the values in force. */
export function assumptionLines(overrides = {}) {
  return Object.entries(ASSUMPTIONS).map(([name, { value, text }]) => {
    const v = overrides[name] ?? value;
    return `- \`${name}\` = ${v}: ${text(v)}.`;
  });
}

export function formatBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export const formatCount = (n) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '∞';

const formatRate = (n) =>
  n >= 100 ? formatCount(n) : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3);

const seconds = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

const bits = (bytesPerSecond) => {
  const mbit = (bytesPerSecond * 8) / 1e6;
  return mbit >= 1000 ? `${(mbit / 1000).toFixed(2)} Gbit/s` : `${mbit.toFixed(1)} Mbit/s`;
};

/**
 * The whole model: one plan per reader count, the Markdown table (rows are quantities,
 * columns the reader counts), the per-instance limits and the assumption lines.
 */
export function capacityModel(figures, overrides = {}, readersList = DEFAULT_READERS) {
  const plans = readersList.map((readers) => planFor(readers, figures, overrides));
  const limits = streamsPerInstanceLimits(figures, overrides);
  const a = checked(figures, overrides);
  const row = (cells) => `| ${cells.join(' | ')} |`;
  const line = (label, pick) => row([label, ...plans.map(pick)]);
  const table = [
    row(['concurrent wall readers', ...plans.map((p) => formatCount(p.readers))]),
    row(['---', ...plans.map(() => '---:')]),
    line('**API instances**', (p) => `**${formatCount(p.instances)}** (${p.binding})`),
    line('… by memory', (p) => formatCount(p.needs.memory)),
    line('… by CPU per broadcast', (p) => formatCount(p.needs['CPU per broadcast'])),
    line('… by sustained CPU', (p) => formatCount(p.needs['sustained CPU'])),
    line('… by quote GETs at the origin', (p) => formatCount(p.needs['quote GETs at the origin'])),
    line('… by submissions', (p) => formatCount(p.needs.submissions)),
    line('streams per instance (CAMPAIGN_MAX_STREAMS at least)', (p) =>
      formatCount(p.streamsPerInstance),
    ),
    line('memory per instance', (p) => formatBytes(p.memoryPerInstanceBytes)),
    line('fan-out CPU per approval per instance', (p) => `${p.fanOutMs.toFixed(1)} ms`),
    line("one failed instance's walls re-homed: CPU per other instance", (p) =>
      seconds(p.rehomeMs),
    ),
    line('every wall reconnects at once: CPU per instance', (p) => seconds(p.restartMs)),
    line(
      'PostgreSQL connections (pools + LISTEN)',
      (p) =>
        `${formatCount(p.databaseConnections)} (${formatCount(p.instances * a.poolSize)} + ${formatCount(p.listenConnections)})${p.needsPooler ? ', pooler needed' : ''}`,
    ),
    line('egress to readers: events', (p) => bits(p.eventBytesPerSecond)),
    line('egress to readers: heartbeats', (p) => bits(p.heartbeatBytesPerSecond)),
    line('egress to readers: total', (p) => `**${bits(p.egressBytesPerSecond)}**`),
    line('quote GETs/s (all)', (p) => formatRate(p.quoteGetsPerSecond)),
    line(
      'CDN absorbs',
      (p) => `${formatRate(p.cdnGetsPerSecond)} GETs/s, ${bits(p.cdnBytesPerSecond)}`,
    ),
    line('quote GETs/s reaching the instances', (p) => formatRate(p.originGetsPerSecond)),
    line('submissions/s', (p) => formatRate(p.submissionsPerSecond)),
  ];
  const limitLines = [
    `- per instance, by memory: ${formatCount(limits.memory)} streams; by CPU per broadcast: ${formatCount(limits.broadcast)}; by sustained CPU: ${formatCount(limits.sustained)} (after headroom).`,
    `- CPU per extra stream per approval: ${(cpuPerStreamMs(figures) * 1000).toFixed(1)} µs ((CPU at 1,000 streams − CPU at none) ÷ 1,000); CPU per stream opened: ${(figures.cpuPerStreamOpenMs * 1000).toFixed(0)} µs.`,
  ];
  return {
    plans,
    limits,
    table: table.join('\n'),
    limitLines,
    assumptions: assumptionLines(overrides),
  };
}
