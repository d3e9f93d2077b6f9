import { benchSlack, benchTeams } from './platforms.js';
for (let i = 0; i < 3; i++) {
  const s = await benchSlack({ total: 800, tracked: true });
  console.log('slack', s.reform.p50.toFixed(2), s.bare.p50.toFixed(2), (s.reform.p50 / s.bare.p50).toFixed(2), 'p99', s.reform.p99.toFixed(1), s.bare.p99.toFixed(1));
}
for (let i = 0; i < 3; i++) {
  const t = await benchTeams({ total: 800, tracked: true });
  console.log('teams', t.reform.p50.toFixed(2), t.bare.p50.toFixed(2), (t.reform.p50 / t.bare.p50).toFixed(2), 'p99', t.reform.p99.toFixed(1), t.bare.p99.toFixed(1));
}
process.exit(0);
