// Times @segment/tsub on the rules and events in the JSON file given as argv[2]:
// {"rules": [...], "destination": "...", "events": [...], "rounds": R}. Prints {"per_round_s": [...],
// "delivered": n} after timing each round of analytics-next's routing loop over every event.
'use strict'
const fs = require('fs')
const path = require('path')
const { matches, transform, Store } = require(path.join(__dirname, '../../tests/js/node_modules/@segment/tsub'))

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const rules = new Store(spec.rules).getRulesByDestinationName(spec.destination)

function route(event) {
  let obj = JSON.parse(JSON.stringify(event))
  for (const { matchers, transformers } of rules) {
    for (let i = 0; i < matchers.length; i++) {
      if (matches(obj, matchers[i])) {
        obj = transform(obj, transformers[i])
        if (obj === null) return null
      }
    }
  }
  return obj
}

const times = []
let delivered = 0
for (let r = 0; r < spec.rounds; r++) {
  delivered = 0
  const start = process.hrtime.bigint()
  for (const event of spec.events) if (route(event) !== null) delivered++
  times.push(Number(process.hrtime.bigint() - start) / 1e9)
}
console.log(JSON.stringify({ per_round_s: times, delivered }))
