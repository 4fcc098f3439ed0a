// The load generator: a separate process, so the server under test has its core to itself.
// Usage: node load.mjs '<json options>'  → prints one JSON line with the results.
import autocannon from 'autocannon';

const o = JSON.parse(process.argv[2]);
let n = 0;
const ids = o.ids ?? [];
const result = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.duration,
  amount: o.amount,
  headers: { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' },
  requests: [
    {
      method: o.method,
      setupRequest: (req) => {
        const i = n++;
        if (o.kind === 'create') {
          req.path = '/v1/applicants';
          req.body = JSON.stringify({ externalUserId: `${o.prefix}-${i}`, flowId: o.flowId, email: `user${i}@example.com`, fixedInfo: { firstName: 'Bench', lastName: `User${i}` } });
        } else if (o.kind === 'session') {
          req.path = `/v1/applicants/${ids[i % ids.length]}/sessions`;
          req.body = '{}';
        } else {
          req.path = `/v1/applicants/${ids[i % ids.length]}`;
        }
        return req;
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  }) + '\n',
);
