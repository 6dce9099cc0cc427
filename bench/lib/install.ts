/**
 * The other stores come from Debian packages. When a binary is missing the
 * bench installs its package, but only as root (never sudo on its own), and
 * otherwise says how to get it and skips that system.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { note } from './progress.js'

export interface Found { ok: true, path: string }
export interface Missing { ok: false, why: string }

const tried = new Map<string, Found | Missing>()

export function ensureBinary (path: string, pkg: string, allowInstall: boolean): Found | Missing {
  const cached = tried.get(path)
  if (cached !== undefined) return cached
  const result = find(path, pkg, allowInstall)
  tried.set(path, result)
  return result
}

function find (path: string, pkg: string, allowInstall: boolean): Found | Missing {
  if (existsSync(path)) return { ok: true, path }
  const hint = `install it with: apt-get install -y ${pkg}`
  if (!allowInstall) return { ok: false, why: `${path} not found (--no-install); ${hint}` }
  if (process.getuid?.() !== 0) return { ok: false, why: `${path} not found and not running as root; ${hint}` }
  note(`${path} not found: installing Debian package ${pkg} (apt-get) ...`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  // apt's package lists may be missing on a fresh machine; update once, then install
  let res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env, encoding: 'utf8', timeout: 240_000 })
  if (res.status !== 0) {
    spawnSync('apt-get', ['update'], { env, encoding: 'utf8', timeout: 240_000 })
    res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env, encoding: 'utf8', timeout: 240_000 })
  }
  if (res.status === 0 && existsSync(path)) return { ok: true, path }
  const tail = `${res.stderr ?? ''}${res.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' | ')
  return { ok: false, why: `apt-get install ${pkg} failed (${tail}); ${hint}` }
}
