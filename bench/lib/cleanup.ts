/**
 * Everything a benchmark starts (processes, peers, temp dirs) registers its
 * undo here; run.ts calls runCleanups() at the end, on an error, and on
 * SIGINT/SIGTERM, so no daemon outlives the bench. Undos run in stages:
 * every process and peer at once (stage 0), then the files they used
 * (stage 1), each bounded in time.
 */
type Undo = () => unknown

export const STAGE_PROCESSES = 0
export const STAGE_FILES = 1

const undos = new Map<number, { what: string, undo: Undo, stage: number }>()
let nextId = 1

/** Register an undo; the returned function runs it now and unregisters it. */
export function onCleanup (what: string, undo: Undo, stage = STAGE_PROCESSES): () => Promise<void> {
  const id = nextId++
  undos.set(id, { what, undo, stage })
  return async () => {
    const u = undos.get(id)
    if (u === undefined) return
    undos.delete(id)
    await u.undo()
  }
}

async function bounded (what: string, undo: Undo, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const limit = new Promise<void>(resolve => {
    timer = setTimeout(() => { process.stderr.write(`cleanup: ${what} took over ${timeoutMs} ms, moving on\n`); resolve() }, timeoutMs)
  })
  try {
    await Promise.race([Promise.resolve().then(undo), limit])
  } catch (err) {
    process.stderr.write(`cleanup: ${what} failed: ${(err as Error).message}\n`)
  } finally {
    clearTimeout(timer)
  }
}

/** Run every pending undo: stage by stage, all of a stage at once. */
export async function runCleanups (timeoutMs = 15_000): Promise<void> {
  const pending = [...undos.values()]
  undos.clear()
  const stages = [...new Set(pending.map(u => u.stage))].sort((a, b) => a - b)
  for (const stage of stages) {
    await Promise.all(pending.filter(u => u.stage === stage).map(async u => { await bounded(u.what, u.undo, timeoutMs) }))
  }
}

export function pendingCleanups (): string[] {
  return [...undos.values()].map(u => u.what)
}
