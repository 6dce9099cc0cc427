/**
 * Durations as people write them on a command line: `90d`, `12h`, `30m`,
 * `45s`, `1y`, or a sum of them (`1d12h`). Pure, so the CLI and tests share it.
 */
import { InvalidArgumentError } from '../errors.js'

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 }

/** The longest a certificate may be issued for: longer than any cluster should trust a key it cannot revoke. */
export const MAX_DURATION_MS = 100 * UNIT_MS.y

export function parseDuration (text: string): number {
  const parts = /^(?:\d{1,6}[smhdwy])+$/.test(text) ? text.match(/\d{1,6}[smhdwy]/g) ?? [] : []
  const ms = parts.reduce((sum, p) => sum + Number(p.slice(0, -1)) * UNIT_MS[p.slice(-1)], 0)
  if (parts.length === 0 || ms <= 0 || ms > MAX_DURATION_MS) {
    throw new InvalidArgumentError(`a duration must be like 90d, 12h, 30m, 45s or 1y (or a sum like 1d12h), above 0 and at most 100y, got "${text.slice(0, 40)}"`)
  }
  return ms
}
