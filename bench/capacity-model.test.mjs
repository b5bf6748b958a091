// `node --test bench/capacity-model.test.mjs`: the capacity model's arithmetic.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ASSUMPTIONS,
  FIGURE_NAMES,
  capacityModel,
  cpuPerStreamMs,
  planFor,
  streamsPerInstanceLimits,
} from './capacity-model.mjs';

/** Round figures, so expected values can be worked out by hand. */
const figures = {
  rssPerStream: 10_000,
  heapPerStream: 5_000,
  baseRss: 100_000_000,
  cpuPerApprovalMs: 2,
  cpuPerApprovalAt1000Ms: 22, // 20 µs per stream
  cpuPerStreamOpenMs: 0.1,
  quoteGetsPerSecond: 1_000,
  submissionsPerSecond: 400,
  eventBytes: 517,
  heartbeatBytes: 17,
  quotePageBytes: 10_000,
};

test('per-stream CPU is the difference over 1,000 streams, never below 1 µs', () => {
  assert.equal(cpuPerStreamMs(figures), 0.02);
  assert.equal(cpuPerStreamMs({ ...figures, cpuPerApprovalAt1000Ms: 1 }), 0.001);
});

test('per-instance limits follow from the figures and the headroom', () => {
  const memoryBytes = 1_100_000_000;
  const limits = streamsPerInstanceLimits(figures, {
    instanceMemoryBytes: memoryBytes,
    kernelBytesPerStream: 2_500,
  });
  // (1.1 GB − 100 MB) × 0.5 ÷ (10 kB + 2.5 kB)
  assert.equal(limits.memory, 40_000);
  // (1000 ms × 0.5 − 2 ms) ÷ 0.02 ms
  assert.equal(limits.broadcast, 24_900);
  // (500 − 2/6) ÷ (0.02/6 + 0.02/15)
  assert.equal(limits.sustained, Math.floor((500 - 2 / 6) / (0.02 / 6 + 0.02 / 15)));
});

test('doubling the readers doubles the bandwidth and the CDN traffic', () => {
  const one = planFor(100_000, figures);
  const two = planFor(200_000, figures);
  assert.ok(Math.abs(two.egressBytesPerSecond - 2 * one.egressBytesPerSecond) < 1e-6);
  assert.ok(Math.abs(two.cdnBytesPerSecond - 2 * one.cdnBytesPerSecond) < 1e-6);
  // 100,000 readers × (517 + 83) B × 10/60 per s, plus 100,000 ÷ 15 × (17 + 83) B
  assert.ok(Math.abs(one.eventBytesPerSecond - 10_000_000) < 1e-6);
  assert.ok(Math.abs(one.heartbeatBytesPerSecond - 10_000_000 / 15) < 1e-3);
});

test('the binding constraint is the one that needs the most instances', () => {
  const memoryBound = planFor(1_000_000, { ...figures, rssPerStream: 200_000 });
  assert.equal(memoryBound.binding, 'memory');
  assert.equal(memoryBound.instances, memoryBound.needs.memory);
  for (const count of Object.values(memoryBound.needs)) {
    assert.ok(count <= memoryBound.instances);
  }

  const broadcastBound = planFor(1_000_000, { ...figures, cpuPerApprovalAt1000Ms: 202 });
  assert.equal(broadcastBound.binding, 'CPU per broadcast');

  const slowGets = { ...figures, quoteGetsPerSecond: 50 };
  const getsBound = planFor(1_000_000, slowGets, { cdnHitRatio: 0 });
  assert.equal(getsBound.binding, 'quote GETs at the origin');
  // 1,000,000 ÷ 300 s GETs/s, each instance taking 50 × 0.5
  assert.equal(getsBound.instances, Math.ceil(1_000_000 / 300 / 25));
  // The same figures with the CDN in front: the broadcast binds again.
  assert.equal(planFor(1_000_000, slowGets).binding, 'CPU per broadcast');

  const small = planFor(10, figures);
  assert.equal(small.binding, 'redundancy');
  assert.equal(small.instances, ASSUMPTIONS.minInstances.value);
});

test('reconnects: a failed instance’s walls spread over the others', () => {
  const plan = planFor(100_000, figures);
  assert.equal(plan.restartMs, plan.streamsPerInstance * 0.1);
  assert.equal(plan.rehomeMs, plan.restartMs / (plan.instances - 1));
  assert.equal(
    plan.memoryPerInstanceBytes,
    figures.baseRss + plan.streamsPerInstance * (figures.rssPerStream + 4096),
  );
});

test('database connections are a pool per instance plus one LISTEN each', () => {
  const plan = planFor(1_000_000, figures, { poolSize: 5 });
  assert.equal(plan.databaseConnections, plan.instances * 6);
  assert.equal(plan.listenConnections, plan.instances);
  assert.equal(plan.needsPooler, plan.databaseConnections > 100);
});

test('the table has a column per reader count and every assumption is listed', () => {
  const model = capacityModel(figures, { headroom: 0.3 });
  const [header] = model.table.split('\n');
  assert.match(header, /10,000 \| 100,000 \| 1,000,000/);
  assert.equal(model.assumptions.length, Object.keys(ASSUMPTIONS).length);
  for (const name of Object.keys(ASSUMPTIONS)) {
    assert.ok(
      model.assumptions.some((line) => line.startsWith(`- \`${name}\``)),
      `${name} listed`,
    );
  }
  assert.ok(model.assumptions.some((line) => line.includes('headroom 30 %')));
  assert.match(model.table, /\*\*API instances\*\*/);
});

test('a missing figure or an unknown assumption is refused', () => {
  for (const name of FIGURE_NAMES) {
    const broken = { ...figures };
    delete broken[name];
    assert.throws(() => capacityModel(broken), new RegExp(name));
  }
  assert.throws(() => capacityModel(figures, { headroomm: 0.2 }), /unknown assumption/);
  assert.throws(() => planFor(0, figures), /readers/);
});
