// The real @segment/tsub, answering JSON lines: segfn's filter engine is tested against it.
//
// One request per line, either a case or {"batch": [case, ...]} (one answer line per request, so a
// client can pipeline thousands of cases in a few writes):
//   {"op": "matches",   "event": {...}, "matcher": {...}}
//   {"op": "transform", "event": {...}, "transformers": [...]}
//   {"op": "route",     "event": {...}, "rules": [...], "destination": "Name"}
//   optional "random": [0.25, ...]  Math.random answers these in turn (and throws when they run out)
// Answer: {"ok": true, "result": R, "randoms": n} or {"ok": false, "error": "...", "randoms": n},
// where R is the boolean from matches, or JSON.stringify of the event (null when dropped).
// A batch answers {"results": [answer, ...]}.
'use strict'

const readline = require('readline')
const { matches, transform, Store } = require('@segment/tsub')

const realRandom = Math.random

// analytics-next's routing middleware: every rule for the destination, every matcher in order.
function route(rules, destination, event) {
  let obj = JSON.parse(JSON.stringify(event))
  for (const rule of new Store(rules).getRulesByDestinationName(destination)) {
    const { matchers, transformers } = rule
    for (let i = 0; i < matchers.length; i++) {
      if (matches(obj, matchers[i])) {
        obj = transform(obj, transformers[i])
        if (obj === null) return null
      }
    }
  }
  return obj
}

function answer(request) {
  let used = 0
  if (Array.isArray(request.random)) {
    const sequence = request.random
    Math.random = () => {
      if (used >= sequence.length) throw new Error('random exhausted')
      return sequence[used++]
    }
  }
  try {
    let result
    if (request.op === 'matches') {
      result = matches(request.event, request.matcher)
    } else if (request.op === 'transform') {
      const out = transform(request.event, request.transformers)
      result = out === null ? null : JSON.stringify(out)
    } else if (request.op === 'route') {
      const out = route(request.rules, request.destination, request.event)
      result = out === null ? null : JSON.stringify(out)
    } else {
      throw new Error(`unknown op ${request.op}`)
    }
    return { ok: true, result, randoms: used }
  } catch (error) {
    return { ok: false, error: String(error && error.message ? error.message : error), randoms: used }
  } finally {
    Math.random = realRandom
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
lines.on('line', (line) => {
  if (!line.trim()) return
  let request
  try {
    request = JSON.parse(line)
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, error: `bad request: ${error.message}` }) + '\n')
    return
  }
  const reply = Array.isArray(request.batch) ? { results: request.batch.map(answer) } : answer(request)
  process.stdout.write(JSON.stringify(reply) + '\n')
})
