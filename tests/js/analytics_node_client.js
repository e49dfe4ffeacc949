// Segment's analytics-node (@segment/analytics-node, pinned in package.json) as a server app uses it,
// with nothing changed but `host`: sends identify, track, page, group and alias, then closeAndFlush
// (which waits for every retry), and prints one JSON line:
//   {"version": "...", "sent": [{"type", "messageId", "error"}], "errors": ["..."], "requests": n,
//    "retries": [X-Retry-Count values sent]}
// Usage: node analytics_node_client.js <host> <writeKey>
'use strict'

const { Analytics } = require('@segment/analytics-node')
const { version } = require('@segment/analytics-node/package.json')

async function main() {
  const [host, writeKey] = process.argv.slice(2)
  const analytics = new Analytics({ writeKey, host })
  const errors = []
  const retries = []
  let requests = 0
  analytics.on('error', (err) => errors.push(String(err && (err.reason || err.code || err))))
  analytics.on('http_request', (request) => {
    requests += 1
    if (request.headers['X-Retry-Count'] !== undefined) retries.push(Number(request.headers['X-Retry-Count']))
  })

  const sent = []
  const done = (type) => (err, ctx) => sent.push({
    type,
    messageId: ctx && ctx.event.messageId,
    error: err ? String(err.reason || err) : null,
  })
  const at = '2025-03-04T09:15:02.114Z'
  analytics.identify({ userId: 'ada', traits: { email: 'ada@example.com', plan: 'pro', company: { name: 'Acme' } },
    timestamp: at }, done('identify'))
  analytics.track({ userId: 'ada', event: 'Survey Viewed', properties: { survey_id: 7 }, timestamp: at }, done('track'))
  analytics.page({ userId: 'ada', category: 'Marketing', name: 'Pricing',
    properties: { url: 'https://acme.example/pricing' }, timestamp: at }, done('page'))
  analytics.group({ userId: 'ada', groupId: 'acme-inc', traits: { name: 'Acme' }, timestamp: at }, done('group'))
  analytics.alias({ userId: 'ada', previousId: 'anon-1', timestamp: at }, done('alias'))
  await analytics.closeAndFlush()
  process.stdout.write(JSON.stringify({ version, sent, errors, requests, retries }) + '\n')
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack || err) + '\n')
  process.exit(1)
})
