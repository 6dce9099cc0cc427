/**
 * The grace clock: a wall-clock step forward after start does not age
 * tombstones; a step back only makes them younger.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GraceClock } from '../../src/tombstones/grace-clock.js'

test('a wall clock stepped forward does not move the grace clock ahead of elapsed time', () => {
  let wall = 1_000_000
  let mono = 50
  const clock = new GraceClock(() => wall, () => mono)
  mono += 1_000
  wall += 1_000
  assert.equal(clock.now(), 1_001_000)
  wall += 86_400_000 // a day's step forward
  assert.equal(clock.now(), 1_001_000)
  mono += 500
  assert.equal(clock.now(), 1_001_500)
})

test('a wall clock stepped back is followed (tombstones look younger: collected later, never earlier)', () => {
  let wall = 1_000_000
  let mono = 0
  const clock = new GraceClock(() => wall, () => mono)
  mono += 1_000
  wall -= 60_000
  assert.equal(clock.now(), 940_000)
})
