// n8n-core logs through a winston console transport; the tests check behaviour, not log lines.
// N8N_LOG_LEVEL=info npm run test:unit shows them again.
process.env.N8N_LOG_LEVEL ??= 'silent';
